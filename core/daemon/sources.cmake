# Sources of core/daemon.
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/daemon.cpp
  ${CMAKE_CURRENT_LIST_DIR}/daemon_parts.cpp
  ${CMAKE_CURRENT_LIST_DIR}/health_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/shutdown_sequence.cpp)
