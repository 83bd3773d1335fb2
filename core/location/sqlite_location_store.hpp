// The embedded default LocationStore: one SQLite file in WAL mode.
#pragma once

#include <filesystem>

#include "core/location/location_store.hpp"

struct sqlite3;

namespace junction {

class SqliteLocationStore final : public LocationStore {
 public:
  /// Opens (creating if needed) the database. Throws std::runtime_error naming the file.
  explicit SqliteLocationStore(const std::filesystem::path& file);
  ~SqliteLocationStore() override;
  SqliteLocationStore(const SqliteLocationStore&) = delete;
  SqliteLocationStore& operator=(const SqliteLocationStore&) = delete;

  std::vector<ContactBinding> load() override;
  void apply(const std::vector<LocationChange>& changes) override;

 private:
  void exec(const char* sql);
  [[noreturn]] void fail(const std::string& what);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

}  // namespace junction
