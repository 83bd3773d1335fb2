#include "core/script/message_verbs.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/messages/message_store.hpp"

namespace junction {

namespace {

constexpr std::uintmax_t kLargestFile = 200u << 20;

std::string content_type_of(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".wav") return "audio/wav";
  if (extension == ".ogg" || extension == ".opus") return "audio/ogg";
  if (extension == ".tif" || extension == ".tiff") return "image/tiff";
  if (extension == ".pdf") return "application/pdf";
  if (extension == ".txt") return "text/plain";
  return "application/octet-stream";
}

std::vector<std::string> recipients_of(const ScriptValue* to) {
  std::vector<std::string> recipients;
  if (to && to->string()) {
    recipients.push_back(*to->string());
  } else if (to && to->table()) {
    for (const ScriptValue& item : to->table()->array) {
      if (!item.string()) throw VerbArgumentError("options.to must be a string or a list of strings");
      recipients.push_back(*item.string());
    }
  }
  if (recipients.empty()) throw VerbArgumentError("options.to names nobody (an extension, an address, or a list)");
  for (const auto& r : recipients)
    if (r.empty() || r.find_first_of("\r\n") != std::string::npos)
      throw VerbArgumentError("options.to has an empty recipient or one with a line break");
  return recipients;
}

const std::string* string_option(const ScriptValue& options, const char* key) {
  const ScriptValue* value = options.field(key);
  if (!value) return nullptr;
  if (!value->string()) throw VerbArgumentError(std::string("options.") + key + " must be a string");
  return value->string();
}

}  // namespace

void register_message_verbs(ServiceRegistry& registry, SpoolAccess& spool, CallEngineImpl& engine, WorkerPool& workers,
                            std::filesystem::path recordings) {
  VerbSpec save;
  save.name = "save_message";
  save.params = {{"options", ParamType::table, false,
                  "`to` (extension, address or a list), `file` (the recording; a relative name is in the recordings "
                  "directory), `kind` (voice, fax, email; default "
                  "voice), `headers` (name → text, for the mail's templates), `name`, `content_type`"}};
  save.returns = "the message's id once it is on disk, or `nil, reason` (`spool full: ...`, `file: ...`)";
  save.doc =
      "Hands a recording to the durable message spool, from the caller, for delivery by the configured "
      "connector (e-mail). Returns only when it is stored: say \"saved\" after it, not before. Works after "
      "the caller hung up too.";
  save.handler = [&spool, &engine, &workers, recordings](VerbCall& call) {
    const ScriptValue& options = call.args[0];
    NewMessage message;
    message.recipients = recipients_of(options.field("to"));
    const std::string* file = string_option(options, "file");
    if (!file || file->empty()) throw VerbArgumentError("options.file is required (the recording to send)");
    if (const std::string* kind = string_option(options, "kind")) {
      const auto parsed = message_kind_from(*kind);
      if (!parsed) throw VerbArgumentError("options.kind must be voice, fax or email");
      message.kind = *parsed;
    }
    message.sender = call.caller;
    if (const CallRecord* record = engine.find_call(call.call_id)) {
      if (!record->caller.display_name.empty())
        message.headers.emplace_back("Caller-Name", record->caller.display_name);
      message.headers.emplace_back("Called", record->callee.number);
    }
    message.headers.emplace_back("Call-ID", call.call_id);
    if (const ScriptValue* headers = options.field("headers")) {
      if (!headers->table()) throw VerbArgumentError("options.headers must be a table of name = text");
      for (const auto& [name, value] : headers->table()->fields) {
        if (!value.string()) throw VerbArgumentError("options.headers." + name + " must be a string");
        message.headers.emplace_back(name, *value.string());
      }
    }
    std::filesystem::path path(*file);
    if (path.is_relative()) path = recordings / path;
    const std::string* name = string_option(options, "name");
    const std::string* type = string_option(options, "content_type");
    MessagePart part{name ? *name : "message" + path.extension().string(), type ? *type : content_type_of(path), {}};
    message.parts.push_back(std::move(part));
    if (std::string problem = message_problem(message); !problem.empty()) throw VerbArgumentError(problem);
    // Once nobody writes the file any more (a recording the caller ended by hanging up is
    // written after its verb returned), it is read on a worker; the spool answers on the loop
    // once the message is on disk.
    auto pending = std::make_shared<NewMessage>(std::move(message));
    auto problem = std::make_shared<std::string>();
    spool.when_written(path.string(), [&spool, &engine, &workers, pending, problem, path, done = call.completion] {
      workers.run(
          [pending, path, problem] {
            std::error_code ec;
            const auto size = std::filesystem::file_size(path, ec);
            if (ec) {
              *problem = "file: " + path.string() + ": " + ec.message();
              return;
            }
            if (size > kLargestFile) {
              *problem = "file: " + path.string() + " is larger than 200 MB";
              return;
            }
            std::ifstream in(path, std::ios::binary);
            pending->parts[0].data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            if (!in.good() && !in.eof()) *problem = "file: " + path.string() + ": cannot be read";
          },
          engine.loop(),
          [&spool, pending, problem, done] {
            if (!problem->empty()) {
              if (!done->done()) done->reject(*problem);
              return;
            }
            spool.accept(std::move(*pending), [done](const std::string& id, const std::string& error) {
              if (done->done()) return;  // the flow moved on (hung up): the message is kept all the same
              if (error.empty()) return done->resolve({id});
              done->reject(error);
            });
          });
    });
  };
  registry.add_verb("core", std::move(save));

  VerbSpec remove;
  remove.name = "recordings.remove";
  remove.params = {{"file", ParamType::string, false, "a recording's name in the recordings directory"}};
  remove.returns = "true once it is gone (or was never there), or `nil, reason`";
  remove.doc =
      "Removes a recording the flow no longer needs (once save_message and voicemail.deposit have their own "
      "copies), so that the recordings directory does not grow. Waits for a recording still being written. "
      "Only files in the recordings directory can be removed.";
  remove.handler = [&spool, &engine, &workers, recordings](VerbCall& call) {
    const std::filesystem::path name(*call.args[0].string());
    const auto root = recordings.lexically_normal();
    const auto path = (root / name).lexically_normal();
    const auto [end, rest] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    if (name.empty() || name.is_absolute() || end != root.end() || rest == path.end())
      throw VerbArgumentError("'" + name.string() + "' is not a name in the recordings directory");
    spool.when_written(path.string(), [&engine, &workers, path, done = call.completion] {
      auto problem = std::make_shared<std::string>();
      workers.run(
          [path, problem] {
            std::error_code ec;
            std::filesystem::remove(path, ec);
            if (ec) *problem = path.string() + ": " + ec.message();
          },
          engine.loop(),
          [done, problem] {
            if (!problem->empty()) return done->reject(*problem);
            done->resolve({true});
          });
    });
  };
  registry.add_verb("core", std::move(remove));
}

}  // namespace junction
