# Sources of core/admin.
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/admin_connection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/admin_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/admin_router.cpp
  ${CMAKE_CURRENT_LIST_DIR}/admin_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/beast_impl.cpp)
