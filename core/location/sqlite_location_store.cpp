#include "core/location/sqlite_location_store.hpp"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace junction {

namespace {

using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

std::int64_t to_millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_millis(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text ? reinterpret_cast<const char*>(text) : std::string();
}

void bind_text(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace

SqliteLocationStore::SqliteLocationStore(const std::filesystem::path& file) : file_(file) {
  try {
    // sqlite3_open_v2 allocates the handle even when it fails; it must be closed then too.
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
      fail("cannot open");
    sqlite3_busy_timeout(db_, 5000);
    // WAL with synchronous=NORMAL survives a crash of junctiond (not necessarily of the
    // machine): enough for registrations, which phones refresh anyway.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(
        "CREATE TABLE IF NOT EXISTS bindings ("
        " extension TEXT NOT NULL, contact TEXT NOT NULL, received TEXT NOT NULL, user_agent TEXT NOT NULL,"
        " call_id TEXT NOT NULL, cseq INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
        " PRIMARY KEY (extension, contact))");
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteLocationStore::~SqliteLocationStore() { sqlite3_close_v2(db_); }

void SqliteLocationStore::fail(const std::string& what) {
  throw std::runtime_error("location store " + file_.string() + ": " + what + ": " +
                           (db_ ? sqlite3_errmsg(db_) : "out of memory"));
}

void SqliteLocationStore::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("location store " + file_.string() + ": " + message);
  }
}

std::vector<ContactBinding> SqliteLocationStore::load() {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT extension, contact, received, user_agent, call_id, cseq, expires_ms FROM bindings", -1,
                         &raw, nullptr) != SQLITE_OK)
    fail("cannot read bindings");
  Statement statement(raw, &sqlite3_finalize);
  std::vector<ContactBinding> bindings;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    ContactBinding b;
    b.extension = column_text(raw, 0);
    b.contact = column_text(raw, 1);
    b.received = column_text(raw, 2);
    b.user_agent = column_text(raw, 3);
    b.call_id = column_text(raw, 4);
    b.cseq = static_cast<std::uint32_t>(sqlite3_column_int64(raw, 5));
    b.expires = from_millis(sqlite3_column_int64(raw, 6));
    bindings.push_back(std::move(b));
  }
  if (rc != SQLITE_DONE) fail("cannot read bindings");
  return bindings;
}

void SqliteLocationStore::apply(const std::vector<LocationChange>& changes) {
  if (changes.empty()) return;
  auto prepare = [this](const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) fail("cannot prepare");
    return Statement(raw, &sqlite3_finalize);
  };
  exec("BEGIN IMMEDIATE");
  try {
    Statement upsert = prepare(
        "INSERT INTO bindings (extension, contact, received, user_agent, call_id, cseq, expires_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (extension, contact) DO UPDATE SET"
        " received = ?3, user_agent = ?4, call_id = ?5, cseq = ?6, expires_ms = ?7");
    Statement erase = prepare("DELETE FROM bindings WHERE extension = ?1 AND contact = ?2");
    Statement erase_all = prepare("DELETE FROM bindings WHERE extension = ?1");
    Statement erase_expired = prepare("DELETE FROM bindings WHERE expires_ms <= ?1");
    for (const LocationChange& change : changes) {
      sqlite3_stmt* s = nullptr;
      const ContactBinding& b = change.binding;
      switch (change.kind) {
        case LocationChange::Kind::upsert:
          s = upsert.get();
          bind_text(s, 1, b.extension);
          bind_text(s, 2, b.contact);
          bind_text(s, 3, b.received);
          bind_text(s, 4, b.user_agent);
          bind_text(s, 5, b.call_id);
          sqlite3_bind_int64(s, 6, b.cseq);
          sqlite3_bind_int64(s, 7, to_millis(b.expires));
          break;
        case LocationChange::Kind::erase:
          s = erase.get();
          bind_text(s, 1, b.extension);
          bind_text(s, 2, b.contact);
          break;
        case LocationChange::Kind::erase_all:
          s = erase_all.get();
          bind_text(s, 1, b.extension);
          break;
        case LocationChange::Kind::erase_expired:
          s = erase_expired.get();
          sqlite3_bind_int64(s, 1, to_millis(change.now));
          break;
      }
      if (sqlite3_step(s) != SQLITE_DONE) fail("cannot write binding");
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace junction
