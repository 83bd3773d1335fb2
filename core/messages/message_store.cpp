#include "core/messages/message_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>

#include "core/storage/durable_file.hpp"
#include "core/text/sha256.hpp"
#include "core/text/sortable_id.hpp"

namespace junction {

namespace {

constexpr const char* kColumns =
    "id, kind, sender, recipients, headers, state, attempts, created_ms, next_ms, last_error";

// Records keep lists as lines: recipients one per line, headers "name\tvalue" per line
// (message_problem() refuses line breaks and tabs where they would break this).
std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + "\n";
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> items;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find('\n', at);
    items.push_back(text.substr(at, end - at));
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return items;
}

std::string join_headers(const Headers& headers) {
  std::string out;
  for (const auto& [name, value] : headers) out += name + "\t" + value + "\n";
  return out;
}

Headers split_headers(const std::string& text) {
  Headers headers;
  for (const std::string& line : split_lines(text)) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) headers.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return headers;
}

bool has_any(std::string_view text, std::string_view characters) {
  return text.find_first_of(characters) != std::string_view::npos;
}

std::uint64_t size_of(const NewMessage& message) {
  std::uint64_t size = 0;
  for (const auto& part : message.parts) size += part.data.size();
  return size;
}

}  // namespace

std::string message_problem(const NewMessage& message) {
  if (message.recipients.empty()) return "no recipient";
  for (const auto& recipient : message.recipients)
    if (recipient.empty() || has_any(recipient, "\r\n")) return "a recipient is empty or has a line break";
  if (has_any(message.sender, "\r\n")) return "the sender has a line break";
  for (const auto& [name, value] : message.headers)
    if (name.empty() || has_any(name, "\r\n\t:") || has_any(value, "\r\n"))
      return "header '" + name + "' is empty, has a line break or a colon in its name";
  if (message.parts.empty()) return "no part";
  std::set<std::string> names;
  for (const auto& part : message.parts) {
    if (part.name.empty() || part.name.size() > 128 || part.name == "." || part.name == ".." ||
        has_any(part.name, "/\\\r\n\t") || part.name.front() == '.')
      return "part name '" + part.name + "' is not a plain file name";
    if (!names.insert(part.name).second) return "two parts are named '" + part.name + "'";
    if (part.content_type.empty() || has_any(part.content_type, "\r\n"))
      return "part '" + part.name + "' has no content type";
  }
  return {};
}

MessageStore::MessageStore(Options options)
    : options_(std::move(options)),
      files_((std::filesystem::create_directories(options_.directory / "files"), options_.directory / "files")),
      db_("message spool", options_.directory / "spool.db") {
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=FULL");  // a commit is on disk when it returns: "saved" means saved
  db_.exec(
      "CREATE TABLE IF NOT EXISTS messages ("
      " id TEXT PRIMARY KEY, kind TEXT NOT NULL, sender TEXT NOT NULL, recipients TEXT NOT NULL,"
      " headers TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
      " next_ms INTEGER NOT NULL, last_error TEXT NOT NULL)");
  db_.exec("CREATE INDEX IF NOT EXISTS messages_by_state ON messages (state, next_ms)");
  db_.exec(
      "CREATE TABLE IF NOT EXISTS parts (message_id TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,"
      " content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (message_id, position))");
  db_.exec(
      "CREATE TABLE IF NOT EXISTS history (message_id TEXT NOT NULL, at_ms INTEGER NOT NULL, state TEXT NOT NULL,"
      " detail TEXT NOT NULL)");
  db_.exec("CREATE INDEX IF NOT EXISTS history_by_message ON history (message_id)");
}

std::string MessageStore::new_id() { return sortable_id(random_()); }

std::filesystem::path MessageStore::part_path(const std::string& id, const std::string& part) const {
  return files_ / id / part;
}

std::vector<MessageStore::Accepted> MessageStore::store(const std::vector<NewMessage>& batch) {
  std::vector<Accepted> results(batch.size());
  std::vector<std::size_t> written;  // indexes whose files are in place
  std::error_code ec;
  std::uint64_t available = std::filesystem::space(options_.directory, ec).available;
  if (ec) available = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const NewMessage& message = batch[i];
    if (std::string problem = message_problem(message); !problem.empty()) {
      results[i].error = "bad message: " + problem;
      continue;
    }
    const std::uint64_t size = size_of(message);
    if (size + options_.reserve_bytes > available) {
      results[i].error = "spool full: " + std::to_string(available) + " bytes free, " +
                         std::to_string(options_.reserve_bytes) + " kept in reserve";
      continue;
    }
    const std::string id = new_id();
    const auto partial = files_ / (id + ".partial");
    try {
      std::filesystem::create_directory(partial);
      for (const auto& part : message.parts) write_durably(partial / part.name, part.data);
      sync_directory(partial);  // the parts' names, before the folder shows up under its own
      std::filesystem::rename(partial, files_ / id);
      available -= size;
      results[i].id = id;
      written.push_back(i);
    } catch (const std::exception& e) {
      std::filesystem::remove_all(partial, ec);
      results[i].error = std::string("cannot store: ") + e.what();
    }
  }
  if (written.empty()) return results;
  const auto now = std::chrono::system_clock::now();
  try {
    sync_directory(files_);  // the renames above
    db_.transaction([&] {
      auto insert = db_.prepare(std::string("INSERT INTO messages (") + kColumns +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, 'queued', 0, ?6, ?6, '')");
      auto insert_part = db_.prepare(
          "INSERT INTO parts (message_id, position, name, content_type, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      for (std::size_t i : written) {
        const NewMessage& m = batch[i];
        insert.bind(1, results[i].id).bind(2, std::string(to_string(m.kind))).bind(3, m.sender);
        insert.bind(4, join_lines(m.recipients)).bind(5, join_headers(m.headers)).bind(6, to_millis(now)).run();
        for (std::size_t p = 0; p < m.parts.size(); ++p) {
          const MessagePart& part = m.parts[p];
          insert_part.bind(1, results[i].id).bind(2, static_cast<std::int64_t>(p)).bind(3, part.name);
          insert_part.bind(4, part.content_type).bind(5, static_cast<std::int64_t>(part.data.size()));
          insert_part.bind(6, sha256_hex(part.data)).run();
        }
        add_event(results[i].id, MessageState::queued, "accepted", now);
      }
    });
  } catch (const std::exception& e) {
    // Nothing of the batch is recorded: its files go too, and every message hears why.
    for (std::size_t i : written) {
      std::filesystem::remove_all(files_ / results[i].id, ec);
      results[i] = {{}, std::string("cannot store: ") + e.what()};
    }
  }
  return results;
}

void MessageStore::add_event(const std::string& id, MessageState state, const std::string& detail,
                             std::chrono::system_clock::time_point at) {
  db_.prepare("INSERT INTO history (message_id, at_ms, state, detail) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, id)
      .bind(2, to_millis(at))
      .bind(3, std::string(to_string(state)))
      .bind(4, detail)
      .run();
}

MessageRecord MessageStore::read_record(SqliteDb::Statement& select) {
  MessageRecord record;
  record.id = select.text(0);
  record.kind = message_kind_from(select.text(1)).value_or(MessageKind::voice);
  record.sender = select.text(2);
  record.recipients = split_lines(select.text(3));
  record.headers = split_headers(select.text(4));
  record.state = message_state_from(select.text(5)).value_or(MessageState::quarantined);
  record.attempts = static_cast<int>(select.integer(6));
  record.created = from_millis(select.integer(7));
  record.next_attempt = from_millis(select.integer(8));
  record.last_error = select.text(9);
  auto parts =
      db_.prepare("SELECT name, content_type, size, sha256 FROM parts WHERE message_id = ?1 ORDER BY position");
  parts.bind(1, record.id);
  while (parts.step())
    record.parts.push_back({parts.text(0), parts.text(1), static_cast<std::uint64_t>(parts.integer(2)), parts.text(3)});
  return record;
}

std::optional<MessageRecord> MessageStore::find(const std::string& id) {
  auto select = db_.prepare(std::string("SELECT ") + kColumns + " FROM messages WHERE id = ?1");
  select.bind(1, id);
  if (!select.step()) return std::nullopt;
  return read_record(select);
}

std::vector<MessageRecord> MessageStore::due(std::chrono::system_clock::time_point now, std::size_t limit) {
  auto select = db_.prepare(std::string("SELECT ") + kColumns +
                            " FROM messages WHERE state IN ('queued', 'retrying') AND next_ms <= ?1"
                            " ORDER BY next_ms, id LIMIT ?2");
  select.bind(1, to_millis(now)).bind(2, static_cast<std::int64_t>(limit));
  std::vector<MessageRecord> records;
  while (select.step()) records.push_back(read_record(select));
  return records;
}

std::vector<MessageRecord> MessageStore::list(std::optional<MessageState> state, std::size_t limit) {
  auto select = db_.prepare(std::string("SELECT ") + kColumns + " FROM messages" + (state ? " WHERE state = ?2" : "") +
                            " ORDER BY created_ms DESC, id DESC LIMIT ?1");
  select.bind(1, static_cast<std::int64_t>(limit));
  if (state) select.bind(2, std::string(to_string(*state)));
  std::vector<MessageRecord> records;
  while (select.step()) records.push_back(read_record(select));
  return records;
}

std::vector<MessageEvent> MessageStore::history(const std::string& id) {
  auto select = db_.prepare("SELECT at_ms, state, detail FROM history WHERE message_id = ?1 ORDER BY rowid");
  select.bind(1, id);
  std::vector<MessageEvent> events;
  while (select.step())
    events.push_back({from_millis(select.integer(0)),
                      message_state_from(select.text(1)).value_or(MessageState::quarantined), select.text(2)});
  return events;
}

std::size_t MessageStore::purge_delivered(std::chrono::system_clock::time_point before, std::size_t limit) {
  std::vector<std::string> ids;
  auto old = db_.prepare(
      "SELECT m.id FROM messages m JOIN history h ON h.message_id = m.id WHERE m.state = 'delivered'"
      " GROUP BY m.id HAVING MAX(h.at_ms) < ? LIMIT ?");
  old.bind(1, to_millis(before)).bind(2, static_cast<std::int64_t>(limit));
  while (old.step()) ids.push_back(old.text(0));
  if (ids.empty()) return 0;
  db_.transaction([&] {
    auto parts = db_.prepare("DELETE FROM parts WHERE message_id = ?");
    auto history = db_.prepare("DELETE FROM history WHERE message_id = ?");
    auto message = db_.prepare("DELETE FROM messages WHERE id = ?");
    for (const auto& id : ids) {
      parts.bind(1, id).run();
      history.bind(1, id).run();
      message.bind(1, id).run();
    }
  });
  return ids.size();
}

bool MessageStore::set_state(const std::string& id, MessageState state, const std::string& detail,
                             std::chrono::system_clock::time_point next_attempt, bool attempted) {
  return apply({{id, state, detail, next_attempt, attempted}}) == 1;
}

std::size_t MessageStore::apply(const std::vector<StateChange>& changes) {
  if (changes.empty()) return 0;
  const auto now = std::chrono::system_clock::now();
  std::vector<std::string> delivered;
  std::size_t found = 0;
  db_.transaction([&] {  // one commit (one fsync) for the whole batch
    auto update = db_.prepare(
        "UPDATE messages SET state = ?2, attempts = attempts + ?3, next_ms = ?4,"
        " last_error = CASE WHEN ?5 = 1 THEN ?6 ELSE last_error END WHERE id = ?1");
    for (const StateChange& change : changes) {
      const bool failure = change.state == MessageState::retrying || change.state == MessageState::dead ||
                           change.state == MessageState::quarantined;
      const auto next = change.next_attempt == std::chrono::system_clock::time_point{} ? now : change.next_attempt;
      update.bind(1, change.id).bind(2, std::string(to_string(change.state)));
      update.bind(3, std::int64_t{change.attempted ? 1 : 0}).bind(4, to_millis(next));
      update.bind(5, std::int64_t{failure ? 1 : 0}).bind(6, change.detail).run();
      if (db_.changes() == 0) continue;
      ++found;
      add_event(change.id, change.state, change.detail, now);
      if (change.state == MessageState::delivered) delivered.push_back(change.id);
    }
  });
  std::error_code ec;
  for (const auto& id : delivered) std::filesystem::remove_all(files_ / id, ec);  // the record stays
  return found;
}

std::string read_stored_part(const std::filesystem::path& directory, const MessageRecord& message,
                             const StoredPart& part) {
  const auto path = directory / "files" / message.id / part.name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("message " + message.id + ": part " + part.name + " is missing");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() != part.size || sha256_hex(data) != part.sha256)
    throw std::runtime_error("message " + message.id + ": part " + part.name +
                             " is damaged (size or checksum differs)");
  return data;
}

MessageStore::Recovery MessageStore::recover() {
  Recovery recovery;
  std::set<std::string> recorded;
  {
    auto ids = db_.prepare("SELECT id FROM messages WHERE state != 'delivered'");
    while (ids.step()) recorded.insert(ids.text(0));
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(files_, ec)) {
    const std::string name = entry.path().filename().string();
    const bool partial = name.size() > 8 && name.ends_with(".partial");
    if (!partial && recorded.count(name)) continue;
    std::filesystem::remove_all(entry.path(), ec);
    ++(partial ? recovery.partial_removed : recovery.orphans_removed);
  }
  if (recovery.partial_removed + recovery.orphans_removed > 0) sync_directory(files_);
  for (const MessageRecord& record : list(MessageState::delivering, 1u << 30)) {
    set_state(record.id, MessageState::queued, "delivery interrupted by a restart: delivering again");
    ++recovery.requeued;
  }
  for (auto state : {MessageState::queued, MessageState::retrying, MessageState::dead}) {
    for (const MessageRecord& record : list(state, 1u << 30)) {
      for (const StoredPart& part : record.parts) {
        const auto path = part_path(record.id, part.name);
        const auto size = std::filesystem::file_size(path, ec);
        if (!ec && size == part.size) continue;
        set_state(record.id, MessageState::quarantined,
                  "part " + part.name + (ec ? " is missing" : " has the wrong size") + " after a restart");
        ++recovery.quarantined;
        break;
      }
    }
  }
  return recovery;
}

}  // namespace junction
