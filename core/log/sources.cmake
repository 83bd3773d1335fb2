# Sources of core/log.
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/log_sink.cpp)
