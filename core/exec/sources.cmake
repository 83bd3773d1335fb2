# Sources of core/exec.
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/asio_impl.cpp)
