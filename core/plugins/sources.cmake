# Sources of core/plugins.
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/service_registry.cpp)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/plugin_library.cpp ${CMAKE_CURRENT_LIST_DIR}/plugin_host.cpp)
