// A SQLite database for the core's embedded stores (registrations, the message spool): opened
// (created) at a file, statements prepared with typed binding and reading, transactions that
// roll back when their body throws. Errors are std::runtime_error naming the store and file.
// Not thread-safe: a store uses it from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace junction {

class SqliteDb {
 public:
  /// `what` names the store in errors ("message spool").
  SqliteDb(std::string what, const std::filesystem::path& file);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  class Statement {
   public:
    Statement(SqliteDb& db, sqlite3_stmt* statement) : db_(&db), statement_(statement) {}
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement& bind(int index, const std::string& text);
    Statement& bind(int index, std::int64_t value);
    /// True while there is a row to read; false when done. Throws on errors.
    bool step();
    /// Ready for new bindings and another run.
    void reset();
    std::string text(int column) const;
    std::int64_t integer(int column) const;
    /// Runs it to the end (for statements that return no rows) and resets it.
    void run();

   private:
    SqliteDb* db_;
    sqlite3_stmt* statement_;
  };

  void exec(const std::string& sql);
  Statement prepare(const std::string& sql);
  /// Runs `body` between BEGIN IMMEDIATE and COMMIT; rolls back and rethrows when it throws.
  template <class Body>
  void transaction(Body&& body) {
    exec("BEGIN IMMEDIATE");
    try {
      body();
      exec("COMMIT");
    } catch (...) {
      rollback();
      throw;
    }
  }
  /// Rows changed by the last statement.
  int changes() const;
  [[noreturn]] void fail(const std::string& what) const;

 private:
  void rollback() noexcept;
  std::string what_;
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

/// Milliseconds since the epoch, as the stores keep times.
std::int64_t to_millis(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point from_millis(std::int64_t ms);

}  // namespace junction
