# Sources of core/exec.
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/asio_impl.cpp)
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/asio_executor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/manual_executor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/thread_worker_pool.cpp)
