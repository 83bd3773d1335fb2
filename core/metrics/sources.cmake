# Sources of core/metrics.
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/metric_names.cpp
  ${CMAKE_CURRENT_LIST_DIR}/metrics_registry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/process_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/prometheus_text.cpp)
