#include "core/script/voicemail_verbs.hpp"

namespace junction {

namespace {

struct Context {
  VoicemailService& voicemail;
  const Directory& directory;
  SpoolAccess& files;
  CallEngineImpl& engine;
  std::filesystem::path recordings;

  std::filesystem::path recording(const std::string& file) const {
    std::filesystem::path path(file);
    return path.is_relative() ? recordings / path : path;
  }
  // A mailbox number may come from a caller's keys: an unknown one is an answer, not an error.
  bool known(VerbCall& call, const std::string& box) const {
    if (directory.find(box)) return true;
    call.completion->reject("no mailbox " + box);
    return false;
  }
};

ParamSpec box_param() { return {"box", ParamType::string, false, "the mailbox: a user's extension"}; }
ParamSpec id_param() { return {"id", ParamType::string, false, "a message id from voicemail.messages"}; }

const std::string& string_arg(const VerbCall& call, std::size_t i) { return *call.args[i].string(); }

// Finishes a verb whose store work returns nothing: `true`, or `nil, reason`.
std::function<void(bool, const std::string&)> answer_true(std::shared_ptr<Completion> done) {
  return [done](bool, const std::string& error) {
    if (!error.empty()) return done->reject(error);
    done->resolve({true});
  };
}

std::function<void(std::string, const std::string&)> answer_text(std::shared_ptr<Completion> done) {
  return [done](std::string text, const std::string& error) {
    if (!error.empty()) return done->reject(error);
    done->resolve({std::move(text)});
  };
}

ScriptValue entry_table(const VoicemailEntry& entry) {
  ScriptTable table;
  table.fields = {
      {"id", entry.id},
      {"caller", entry.info.caller},
      {"caller_name", entry.info.caller_name},
      {"time",
       std::int64_t{std::chrono::duration_cast<std::chrono::seconds>(entry.created.time_since_epoch()).count()}},
      {"duration", std::int64_t{entry.info.duration_ms / 1000}},
      {"folder", entry.folder == VoicemailFolder::saved ? "saved" : "new"},
      {"file", entry.file.string()},
  };
  return ScriptValue(std::move(table));
}

void add_deposit(ServiceRegistry& registry, std::shared_ptr<Context> context) {
  VerbSpec spec;
  spec.name = "voicemail.deposit";
  spec.params = {box_param(),
                 {"file", ParamType::string, false, "the recording (a relative name is in the recordings directory)"},
                 {"duration_ms", ParamType::integer, true, "how long it is, for the menu's announcements"}};
  spec.returns =
      "the message's id once it is on disk, or `nil, reason` (`mailbox full (100 messages)`, `no mailbox N`)";
  spec.doc =
      "Leaves a recording in a user's mailbox, as a new message from the caller (message-waiting lamps light). "
      "Returns only when it is stored; waits for a recording still being written (the caller hung up). Works "
      "after the caller hung up.";
  spec.handler = [context](VerbCall& call) {
    const std::string box = string_arg(call, 0);
    if (!context->known(call, box)) return;
    VoicemailInfo info;
    info.caller = call.caller;
    if (const CallRecord* record = context->engine.find_call(call.call_id))
      info.caller_name = record->caller.display_name;
    if (call.args.size() > 2 && call.args[2].integer()) info.duration_ms = *call.args[2].integer();
    const auto file = context->recording(string_arg(call, 1));
    context->files.when_written(file.string(), [context, box, file, info, done = call.completion] {
      context->voicemail.run<std::string>(
          {box}, [box, file, info](MailboxStore& store) { return store.deposit(box, file, info); },
          [done](std::string id, const std::string& error) {
            if (done->done()) return;  // hung up meanwhile: the message is kept all the same
            if (!error.empty()) return done->reject(error);
            done->resolve({std::move(id)});
          });
    });
  };
  registry.add_verb("core", std::move(spec));
}

void add_listing(ServiceRegistry& registry, std::shared_ptr<Context> context) {
  VerbSpec list;
  list.name = "voicemail.messages";
  list.params = {box_param()};
  list.returns =
      "a list of messages, new ones first, oldest first within each: tables with `id`, `caller`, `caller_name`, "
      "`time` (seconds since 1970), `duration` (seconds), `folder` (`new` or `saved`) and `file` (to play)";
  list.doc = "The messages in a mailbox.";
  list.handler = [context](VerbCall& call) {
    const std::string box = string_arg(call, 0);
    if (!context->known(call, box)) return;
    context->voicemail.run<std::vector<VoicemailEntry>>(
        {}, [box](MailboxStore& store) { return store.list(box); },
        [done = call.completion](std::vector<VoicemailEntry> entries, const std::string& error) {
          if (!error.empty()) return done->reject(error);
          ScriptTable table;
          for (const auto& entry : entries) table.array.push_back(entry_table(entry));
          done->resolve({ScriptValue(std::move(table))});
        });
  };
  registry.add_verb("core", std::move(list));

  VerbSpec counts;
  counts.name = "voicemail.counts";
  counts.params = {box_param()};
  counts.returns = "two numbers: new messages and saved messages";
  counts.doc = "How many messages wait in a mailbox (what message-waiting lamps show).";
  counts.handler = [context](VerbCall& call) {
    const MailboxCounts counts = context->voicemail.counts(string_arg(call, 0));
    call.completion->resolve({counts.new_messages, counts.saved_messages});
  };
  registry.add_verb("core", std::move(counts));
}

void add_message_changes(ServiceRegistry& registry, std::shared_ptr<Context> context) {
  VerbSpec move;
  move.name = "voicemail.set_folder";
  move.params = {box_param(), id_param(), {"folder", ParamType::string, false, "`saved` (heard, kept) or `new`"}};
  move.returns = "true, or `nil, reason`";
  move.doc = "Marks a message heard and kept (`saved`) or new again.";
  move.handler = [context](VerbCall& call) {
    const std::string box = string_arg(call, 0), id = string_arg(call, 1), folder = string_arg(call, 2);
    if (folder != "saved" && folder != "new") throw VerbArgumentError("folder must be \"saved\" or \"new\"");
    const VoicemailFolder to = folder == "saved" ? VoicemailFolder::saved : VoicemailFolder::fresh;
    context->voicemail.run<bool>(
        {box},
        [box, id, to](MailboxStore& store) {
          store.move(box, id, to);
          return true;
        },
        answer_true(call.completion));
  };
  registry.add_verb("core", std::move(move));

  VerbSpec remove;
  remove.name = "voicemail.delete";
  remove.params = {box_param(), id_param()};
  remove.returns = "true, or `nil, reason`";
  remove.doc = "Deletes a message and its recording.";
  remove.handler = [context](VerbCall& call) {
    const std::string box = string_arg(call, 0), id = string_arg(call, 1);
    context->voicemail.run<bool>(
        {box},
        [box, id](MailboxStore& store) {
          store.remove(box, id);
          return true;
        },
        answer_true(call.completion));
  };
  registry.add_verb("core", std::move(remove));

  VerbSpec forward;
  forward.name = "voicemail.forward";
  forward.params = {box_param(), id_param(), {"to", ParamType::string, false, "the mailbox to copy it to"}};
  forward.returns = "the copy's id, or `nil, reason`";
  forward.doc = "Copies a message into another user's mailbox, as a new message there.";
  forward.handler = [context](VerbCall& call) {
    const std::string box = string_arg(call, 0), id = string_arg(call, 1), to = string_arg(call, 2);
    if (!context->known(call, to)) return;
    context->voicemail.run<std::string>(
        {to}, [box, id, to](MailboxStore& store) { return store.forward(box, id, to); }, answer_text(call.completion));
  };
  registry.add_verb("core", std::move(forward));
}

void add_greetings(ServiceRegistry& registry, std::shared_ptr<Context> context) {
  const ParamSpec kind{"kind", ParamType::string, false, "`unavailable`, `busy` or `name`"};
  auto check_kind = [](const VerbCall& call) {
    if (!is_greeting_kind(string_arg(call, 1)))
      throw VerbArgumentError("kind must be \"unavailable\", \"busy\" or \"name\"");
  };
  VerbSpec get;
  get.name = "voicemail.greeting";
  get.params = {box_param(), kind};
  get.returns = "the recorded greeting's file (to play), or `nil` when none is recorded";
  get.doc = "A mailbox's recorded greeting; with none, a flow speaks a default one.";
  get.handler = [context, check_kind](VerbCall& call) {
    check_kind(call);
    const std::string box = string_arg(call, 0), which = string_arg(call, 1);
    context->voicemail.run<std::string>(
        {},
        [box, which](MailboxStore& store) {
          auto file = store.greeting(box, which);
          return file ? file->string() : std::string();
        },
        [done = call.completion](std::string file, const std::string& error) {
          if (!error.empty()) return done->reject(error);
          done->resolve({file.empty() ? ScriptValue() : ScriptValue(std::move(file))});
        });
  };
  registry.add_verb("core", std::move(get));

  VerbSpec set;
  set.name = "voicemail.set_greeting";
  set.params = {
      box_param(), kind, {"file", ParamType::string, true, "the new recording; absent: the greeting is removed"}};
  set.returns = "true once it is stored, or `nil, reason`";
  set.doc = "Stores (a copy of) a recording as a mailbox's greeting, or removes the greeting.";
  set.handler = [context, check_kind](VerbCall& call) {
    check_kind(call);
    const std::string box = string_arg(call, 0), which = string_arg(call, 1);
    if (!context->known(call, box)) return;
    const std::string* file = call.args.size() > 2 ? call.args[2].string() : nullptr;
    if (!file) {
      context->voicemail.run<bool>(
          {},
          [box, which](MailboxStore& store) {
            store.remove_greeting(box, which);
            return true;
          },
          answer_true(call.completion));
      return;
    }
    const auto path = context->recording(*file);
    context->files.when_written(path.string(), [context, box, which, path, done = call.completion] {
      context->voicemail.run<bool>(
          {},
          [box, which, path](MailboxStore& store) {
            store.set_greeting(box, which, path);
            return true;
          },
          answer_true(done));
    });
  };
  registry.add_verb("core", std::move(set));
}

void add_pins(ServiceRegistry& registry, std::shared_ptr<Context> context) {
  VerbSpec login;
  login.name = "voicemail.login";
  login.params = {box_param(), {"pin", ParamType::string, false, "the digits the caller entered"}};
  login.returns =
      "true when the PIN is right, else `nil, reason`: `wrong PIN`, `locked: try again in N s` (too many wrong "
      "PINs: every PIN is refused for a while, the right one too), `no PIN` (the mailbox has none), `no mailbox N`";
  login.doc =
      "Checks a mailbox's PIN (the one the user chose, else `users[].voicemail_pin`). Wrong PINs are throttled per "
      "mailbox (`voicemail.pin_failures`, `lockout_s`), across calls and restarts.";
  login.handler = [context](VerbCall& call) {
    const std::string box = string_arg(call, 0), pin = string_arg(call, 1);
    const User* user = context->directory.find(box);
    if (!user) return call.completion->reject("no mailbox " + box);
    const PinPolicy policy = context->voicemail.pin_policy();
    context->voicemail.run<PinCheck>(
        {},
        [box, pin, configured = user->voicemail_pin, policy](MailboxStore& store) {
          return store.try_pin(box, configured, pin, policy);
        },
        [done = call.completion](PinCheck check, const std::string& error) {
          if (!error.empty()) return done->reject(error);
          switch (check.verdict) {
            case PinVerdict::accepted:
              return done->resolve({true});
            case PinVerdict::no_pin:
              return done->reject("no PIN");
            case PinVerdict::locked:
              return done->reject("locked: try again in " + std::to_string(check.wait.count()) + " s");
            case PinVerdict::wrong:
              break;
          }
          done->reject(check.wait.count() > 0
                           ? "wrong PIN; locked: try again in " + std::to_string(check.wait.count()) + " s"
                           : "wrong PIN");
        });
  };
  registry.add_verb("core", std::move(login));

  VerbSpec change;
  change.name = "voicemail.set_pin";
  change.params = {box_param(), {"pin", ParamType::string, false, "the new PIN: 4 to 12 digits"}};
  change.returns = "true once it is stored, or `nil, reason` (`a PIN is 4 to 12 digits`)";
  change.doc = "Changes a mailbox's PIN (stored salted and hashed; the configured PIN no longer applies).";
  change.handler = [context](VerbCall& call) {
    const std::string box = string_arg(call, 0), pin = string_arg(call, 1);
    if (!context->known(call, box)) return;
    if (std::string problem = pin_problem(pin); !problem.empty()) return call.completion->reject(problem);
    context->voicemail.run<bool>(
        {},
        [box, pin](MailboxStore& store) {
          store.change_pin(box, pin);
          return true;
        },
        answer_true(call.completion));
  };
  registry.add_verb("core", std::move(change));
}

}  // namespace

void register_voicemail_verbs(ServiceRegistry& registry, VoicemailService& voicemail, const Directory& directory,
                              SpoolAccess& files, CallEngineImpl& engine, std::filesystem::path recordings) {
  auto context = std::make_shared<Context>(Context{voicemail, directory, files, engine, std::move(recordings)});
  add_deposit(registry, context);
  add_listing(registry, context);
  add_message_changes(registry, context);
  add_greetings(registry, context);
  add_pins(registry, context);
}

}  // namespace junction
