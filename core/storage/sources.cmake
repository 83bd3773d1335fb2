# Sources of core/storage: what the embedded stores share.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
target_link_libraries(junction_core PUBLIC PkgConfig::SQLITE3)
target_sources(junction_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/sqlite_db.cpp ${CMAKE_CURRENT_LIST_DIR}/durable_file.cpp)
