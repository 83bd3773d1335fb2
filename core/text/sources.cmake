# Sources of core/text.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto)
target_link_libraries(junction_core PUBLIC PkgConfig::LIBCRYPTO)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/text_formats.cpp ${CMAKE_CURRENT_LIST_DIR}/sha256.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sortable_id.cpp)
