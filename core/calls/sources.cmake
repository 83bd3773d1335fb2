# Sources of core/calls.
target_sources(junction_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/call_detail_record.cpp
  ${CMAKE_CURRENT_LIST_DIR}/call_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cdr_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dial_operation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/loopback_driver.cpp)
