# Sources of core/location.
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/location_registry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_location_store.cpp)
