// The embedded default LocationStore: one SQLite file in WAL mode.
#pragma once

#include <filesystem>

#include "core/location/location_store.hpp"
#include "core/storage/sqlite_db.hpp"

namespace junction {

class SqliteLocationStore final : public LocationStore {
 public:
  /// Opens (creating if needed) the database. Throws std::runtime_error naming the file.
  explicit SqliteLocationStore(const std::filesystem::path& file);

  std::vector<ContactBinding> load() override;
  void apply(const std::vector<LocationChange>& changes) override;

 private:
  SqliteDb db_;
};

}  // namespace junction
