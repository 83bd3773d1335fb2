# Sources of core/admin.
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/admin_connection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/admin_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/admin_router.cpp
  ${CMAKE_CURRENT_LIST_DIR}/admin_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/beast_impl.cpp)
# Beast's parser trips g++ 12's -Wmaybe-uninitialized (a false positive on boost::optional)
# once the sanitizers change inlining; the warning is in Boost's code, not ours.
set_source_files_properties(
  ${CMAKE_CURRENT_LIST_DIR}/beast_impl.cpp ${CMAKE_CURRENT_LIST_DIR}/admin_connection.cpp
  PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
