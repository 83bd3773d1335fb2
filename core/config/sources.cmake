# Sources of core/config.
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/yaml_reader.cpp)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/schema_validator.cpp)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/describe_value.cpp)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/daemon_config.cpp)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/daemon_config_schema.cpp)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/daemon_config_checks.cpp)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/schema_doc.cpp)
