# Sources of core/text.
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/text_formats.cpp)
