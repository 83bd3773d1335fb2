#include "core/voicemail/mailbox_store.hpp"

#include <set>

#include "core/storage/durable_file.hpp"
#include "core/text/sortable_id.hpp"

namespace junction {

namespace {

constexpr const char* kColumns = "id, caller, caller_name, duration_ms, created_ms, folder";

const char* folder_name(VoicemailFolder folder) { return folder == VoicemailFolder::saved ? "saved" : "new"; }

std::string message_file(const std::string& id) { return "msg-" + id + ".wav"; }

}  // namespace

bool is_greeting_kind(std::string_view kind) {
  for (const char* known : kGreetingKinds)
    if (kind == known) return true;
  return false;
}

std::string mailbox_name_problem(std::string_view box) {
  if (box.empty() || box.size() > 64 || box.front() == '.') return "not a mailbox name";
  for (char c : box)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' || c == '*' || c == '#' ||
          c == '.'))
      return "not a mailbox name";
  return {};
}

MailboxStore::MailboxStore(Options options)
    : options_(std::move(options)),
      db_("voice mailboxes",
          (std::filesystem::create_directories(options_.directory), options_.directory / "mailboxes.db")) {
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=FULL");  // "saved" means saved
  db_.exec(
      "CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, box TEXT NOT NULL, caller TEXT NOT NULL,"
      " caller_name TEXT NOT NULL, duration_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, folder TEXT NOT NULL)");
  db_.exec("CREATE INDEX IF NOT EXISTS messages_by_box ON messages (box, folder, created_ms)");
  db_.exec(
      "CREATE TABLE IF NOT EXISTS pins (box TEXT PRIMARY KEY, salt TEXT NOT NULL, hash TEXT NOT NULL,"
      " failures INTEGER NOT NULL, lockouts INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL)");
  recover();
}

// What a crash can leave: a half-copied file, a file whose row was never committed (the caller
// was not told "saved"), or, after a disk problem, a row without its file.
void MailboxStore::recover() {
  std::set<std::string> known;
  {
    auto rows = db_.prepare("SELECT box, id FROM messages");
    std::vector<std::pair<std::string, std::string>> missing;
    while (rows.step()) {
      const std::string box = rows.text(0), id = rows.text(1);
      const auto file = options_.directory / box / message_file(id);
      if (std::filesystem::exists(file))
        known.insert(file.string());
      else
        missing.emplace_back(box, id);
    }
    auto drop = db_.prepare("DELETE FROM messages WHERE id = ?");
    for (const auto& [box, id] : missing) drop.bind(1, id).run();
    recovery_.rows_dropped = static_cast<int>(missing.size());
  }
  std::error_code ec;
  for (const auto& box : std::filesystem::directory_iterator(options_.directory, ec)) {
    if (!box.is_directory()) continue;
    for (const auto& file : std::filesystem::directory_iterator(box.path(), ec)) {
      const std::string name = file.path().filename().string();
      if (name.ends_with(".partial")) {
        std::filesystem::remove(file.path(), ec);
        ++recovery_.partial_removed;
      } else if (name.starts_with("msg-") && !known.count(file.path().string())) {
        std::filesystem::remove(file.path(), ec);
        ++recovery_.orphans_removed;
      }
    }
  }
}

std::filesystem::path MailboxStore::box_directory(const std::string& box) {
  if (std::string problem = mailbox_name_problem(box); !problem.empty())
    throw MailboxError("'" + box + "' is " + problem);
  const auto directory = options_.directory / box;
  if (!std::filesystem::exists(directory)) {
    std::filesystem::create_directories(directory);
    sync_directory(options_.directory);
  }
  return directory;
}

std::string MailboxStore::new_id() { return sortable_id(random_(), 8); }

void MailboxStore::check_space(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) throw MailboxError(file.string() + ": " + ec.message());
  std::uint64_t available = std::filesystem::space(options_.directory, ec).available;
  if (ec) available = 0;
  if (size + options_.reserve_bytes > available)
    throw MailboxError("mailbox storage full: " + std::to_string(available) + " bytes free, " +
                       std::to_string(options_.reserve_bytes) + " kept in reserve");
}

std::string MailboxStore::deposit(const std::string& box, const std::filesystem::path& recording,
                                  const VoicemailInfo& info) {
  std::filesystem::path directory;
  std::string id;
  {
    std::lock_guard lock(mutex_);
    directory = box_directory(box);
    id = new_id();
  }
  check_space(recording);
  // The copy (and its fsyncs) runs without the lock: other mailboxes' work goes on meanwhile. A
  // crash before the row is committed leaves a file recover() removes.
  const auto file = directory / message_file(id);
  copy_durably(recording, file);
  try {
    std::lock_guard lock(mutex_);
    auto count = db_.prepare("SELECT COUNT(*) FROM messages WHERE box = ?");
    count.bind(1, box);
    count.step();
    if (count.integer(0) >= options_.max_messages)
      throw MailboxError("mailbox full (" + std::to_string(options_.max_messages) + " messages)");
    db_.prepare("INSERT INTO messages (" + std::string(kColumns) + ", box) VALUES (?, ?, ?, ?, ?, 'new', ?)")
        .bind(1, id)
        .bind(2, info.caller)
        .bind(3, info.caller_name)
        .bind(4, info.duration_ms)
        .bind(5, to_millis(std::chrono::system_clock::now()))
        .bind(6, box)
        .run();
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
    throw;
  }
  return id;
}

std::vector<VoicemailEntry> MailboxStore::list(const std::string& box) {
  std::lock_guard lock(mutex_);
  auto rows = db_.prepare("SELECT " + std::string(kColumns) +
                          " FROM messages WHERE box = ? ORDER BY folder = 'saved', created_ms, id");
  rows.bind(1, box);
  std::vector<VoicemailEntry> entries;
  while (rows.step()) {
    VoicemailEntry entry;
    entry.id = rows.text(0);
    entry.info = {rows.text(1), rows.text(2), rows.integer(3)};
    entry.created = from_millis(rows.integer(4));
    entry.folder = rows.text(5) == "saved" ? VoicemailFolder::saved : VoicemailFolder::fresh;
    entry.file = std::filesystem::absolute(options_.directory / box / message_file(entry.id));
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::optional<VoicemailEntry> MailboxStore::find(const std::string& box, const std::string& id) {
  auto rows = db_.prepare("SELECT " + std::string(kColumns) + " FROM messages WHERE box = ? AND id = ?");
  rows.bind(1, box).bind(2, id);
  if (!rows.step()) return std::nullopt;
  VoicemailEntry entry;
  entry.id = id;
  entry.info = {rows.text(1), rows.text(2), rows.integer(3)};
  entry.created = from_millis(rows.integer(4));
  entry.file = options_.directory / box / message_file(id);
  return entry;
}

void MailboxStore::move(const std::string& box, const std::string& id, VoicemailFolder folder) {
  std::lock_guard lock(mutex_);
  auto update = db_.prepare("UPDATE messages SET folder = ? WHERE box = ? AND id = ?");
  update.bind(1, std::string(folder_name(folder))).bind(2, box).bind(3, id).run();
  if (db_.changes() == 0) throw MailboxError("no message " + id + " in mailbox " + box);
}

void MailboxStore::remove(const std::string& box, const std::string& id) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM messages WHERE box = ? AND id = ?").bind(1, box).bind(2, id).run();
  if (db_.changes() == 0) throw MailboxError("no message " + id + " in mailbox " + box);
  // The row is gone first: a crash before the file goes leaves an orphan recover() removes.
  std::error_code ec;
  std::filesystem::remove(options_.directory / box / message_file(id), ec);
}

std::string MailboxStore::forward(const std::string& box, const std::string& id, const std::string& to) {
  std::optional<VoicemailEntry> entry;
  {
    std::lock_guard lock(mutex_);
    entry = find(box, id);
  }
  if (!entry) throw MailboxError("no message " + id + " in mailbox " + box);
  std::error_code ec;
  if (!std::filesystem::exists(entry->file, ec)) throw MailboxError("no message " + id + " in mailbox " + box);
  return deposit(to, entry->file, entry->info);
}

MailboxStore::CountsRead MailboxStore::read_counts(const std::string& box) {
  std::lock_guard lock(mutex_);
  auto rows = db_.prepare("SELECT folder, COUNT(*) FROM messages WHERE box = ? GROUP BY folder");
  rows.bind(1, box);
  CountsRead read;
  while (rows.step())
    (rows.text(0) == "saved" ? read.counts.saved_messages : read.counts.new_messages) =
        static_cast<int>(rows.integer(1));
  read.sequence = ++reads_;
  return read;
}

std::map<std::string, MailboxCounts> MailboxStore::all_counts() {
  std::lock_guard lock(mutex_);
  auto rows = db_.prepare("SELECT box, folder, COUNT(*) FROM messages GROUP BY box, folder");
  std::map<std::string, MailboxCounts> all;
  while (rows.step()) {
    MailboxCounts& counts = all[rows.text(0)];
    (rows.text(1) == "saved" ? counts.saved_messages : counts.new_messages) = static_cast<int>(rows.integer(2));
  }
  return all;
}

std::optional<std::filesystem::path> MailboxStore::greeting(const std::string& box, const std::string& kind) {
  if (!mailbox_name_problem(box).empty() || !is_greeting_kind(kind)) return std::nullopt;
  const auto file = std::filesystem::absolute(options_.directory / box / ("greeting-" + kind + ".wav"));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

void MailboxStore::set_greeting(const std::string& box, const std::string& kind,
                                const std::filesystem::path& recording) {
  if (!is_greeting_kind(kind)) throw MailboxError("no greeting '" + kind + "' (unavailable, busy, name)");
  std::filesystem::path directory;
  {
    std::lock_guard lock(mutex_);
    directory = box_directory(box);
  }
  check_space(recording);
  copy_durably(recording, directory / ("greeting-" + kind + ".wav"));  // outside the lock, as deposit
}

void MailboxStore::remove_greeting(const std::string& box, const std::string& kind) {
  if (!is_greeting_kind(kind)) throw MailboxError("no greeting '" + kind + "' (unavailable, busy, name)");
  std::lock_guard lock(mutex_);
  const auto directory = box_directory(box);
  std::error_code ec;
  if (std::filesystem::remove(directory / ("greeting-" + kind + ".wav"), ec)) sync_directory(directory);
}

PinCheck MailboxStore::try_pin(const std::string& box, std::string_view configured, std::string_view entered,
                               const PinPolicy& policy) {
  // The hash is slow on purpose: it runs outside the lock; the throttle is read, checked and
  // written under it, so that attempts at once are all counted.
  PinState seen;
  {
    std::lock_guard lock(mutex_);
    seen = read_pin_state(box);
  }
  if (auto refused = pin_gate(seen, configured, std::chrono::system_clock::now())) return *refused;
  const bool right = pin_matches(seen, configured, entered);
  std::lock_guard lock(mutex_);
  PinState state = read_pin_state(box);
  const auto now = std::chrono::system_clock::now();
  if (auto refused = pin_gate(state, configured, now)) return *refused;  // locked meanwhile
  const bool still = state.salt == seen.salt && state.hash == seen.hash;
  const PinCheck check = record_attempt(state, still ? right : pin_matches(state, configured, entered), now, policy);
  write_pin_state(box, state);
  return check;
}

void MailboxStore::change_pin(const std::string& box, std::string_view pin) {
  if (std::string problem = pin_problem(pin); !problem.empty()) throw MailboxError(problem);
  std::lock_guard lock(mutex_);
  PinState state;
  store_pin(state, pin);
  write_pin_state(box, state);
}

void MailboxStore::unlock(const std::string& box) {
  std::lock_guard lock(mutex_);
  PinState state = read_pin_state(box);
  state.failures = 0;
  state.lockouts = 0;
  state.locked_until = {};
  write_pin_state(box, state);
}

PinState MailboxStore::pin_state(const std::string& box) {
  std::lock_guard lock(mutex_);
  return read_pin_state(box);
}

PinState MailboxStore::read_pin_state(const std::string& box) {
  auto rows = db_.prepare("SELECT salt, hash, failures, lockouts, locked_until_ms FROM pins WHERE box = ?");
  rows.bind(1, box);
  PinState state;
  if (rows.step()) {
    state.salt = rows.text(0);
    state.hash = rows.text(1);
    state.failures = static_cast<int>(rows.integer(2));
    state.lockouts = static_cast<int>(rows.integer(3));
    state.locked_until = from_millis(rows.integer(4));
  }
  return state;
}

void MailboxStore::write_pin_state(const std::string& box, const PinState& state) {
  db_.prepare(
         "INSERT OR REPLACE INTO pins (box, salt, hash, failures, lockouts, locked_until_ms) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, box)
      .bind(2, state.salt)
      .bind(3, state.hash)
      .bind(4, std::int64_t{state.failures})
      .bind(5, std::int64_t{state.lockouts})
      .bind(6, to_millis(state.locked_until))
      .run();
}

}  // namespace junction
