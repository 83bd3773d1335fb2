#include "core/location/sqlite_location_store.hpp"

namespace junction {

SqliteLocationStore::SqliteLocationStore(const std::filesystem::path& file) : db_("location store", file) {
  // WAL with synchronous=NORMAL survives a crash of junctiond (not necessarily of the
  // machine): enough for registrations, which phones refresh anyway.
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=NORMAL");
  db_.exec(
      "CREATE TABLE IF NOT EXISTS bindings ("
      " extension TEXT NOT NULL, contact TEXT NOT NULL, received TEXT NOT NULL, user_agent TEXT NOT NULL,"
      " call_id TEXT NOT NULL, cseq INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
      " PRIMARY KEY (extension, contact))");
}

std::vector<ContactBinding> SqliteLocationStore::load() {
  auto select = db_.prepare("SELECT extension, contact, received, user_agent, call_id, cseq, expires_ms FROM bindings");
  std::vector<ContactBinding> bindings;
  while (select.step()) {
    ContactBinding b;
    b.extension = select.text(0);
    b.contact = select.text(1);
    b.received = select.text(2);
    b.user_agent = select.text(3);
    b.call_id = select.text(4);
    b.cseq = static_cast<std::uint32_t>(select.integer(5));
    b.expires = from_millis(select.integer(6));
    bindings.push_back(std::move(b));
  }
  return bindings;
}

void SqliteLocationStore::apply(const std::vector<LocationChange>& changes) {
  if (changes.empty()) return;
  db_.transaction([&] {
    auto upsert = db_.prepare(
        "INSERT INTO bindings (extension, contact, received, user_agent, call_id, cseq, expires_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (extension, contact) DO UPDATE SET"
        " received = ?3, user_agent = ?4, call_id = ?5, cseq = ?6, expires_ms = ?7");
    auto erase = db_.prepare("DELETE FROM bindings WHERE extension = ?1 AND contact = ?2");
    auto erase_all = db_.prepare("DELETE FROM bindings WHERE extension = ?1");
    auto erase_expired = db_.prepare("DELETE FROM bindings WHERE expires_ms <= ?1");
    for (const LocationChange& change : changes) {
      const ContactBinding& b = change.binding;
      switch (change.kind) {
        case LocationChange::Kind::upsert:
          upsert.bind(1, b.extension).bind(2, b.contact).bind(3, b.received).bind(4, b.user_agent);
          upsert.bind(5, b.call_id).bind(6, std::int64_t{b.cseq}).bind(7, to_millis(b.expires)).run();
          break;
        case LocationChange::Kind::erase:
          erase.bind(1, b.extension).bind(2, b.contact).run();
          break;
        case LocationChange::Kind::erase_all:
          erase_all.bind(1, b.extension).run();
          break;
        case LocationChange::Kind::erase_expired:
          erase_expired.bind(1, to_millis(change.now)).run();
          break;
      }
    }
  });
}

}  // namespace junction
