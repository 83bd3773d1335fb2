#include "core/script/core_verbs.hpp"

#include "core/calls/dial_operation.hpp"
#include "junction/cause.hpp"

namespace junction {

namespace {

constexpr std::int64_t kMaxSleepMs = 24ll * 3600 * 1000;

VerbSpec log_verb(CallEngineImpl& engine) {
  VerbSpec spec;
  spec.name = "log";
  spec.params = {{"message", ParamType::string, false, "the text to log"},
                 {"level", ParamType::string, true, "trace, debug, info (default), warn or error"}};
  spec.returns = "nothing";
  spec.doc = "Writes a line to the daemon's log, tagged with the call id.";
  spec.handler = [&engine](VerbCall& call) {
    LogLevel level = LogLevel::info;
    if (const std::string* name = call.args[1].string();
        name && (!parse_log_level(*name, level) || level == LogLevel::off))
      throw VerbArgumentError("level must be trace, debug, info, warn or error, got '" + *name + "'");
    engine.logger().write(level, "call=" + call.call_id, *call.args[0].string());
    call.completion->resolve({});
  };
  return spec;
}

VerbSpec sleep_verb(CallEngineImpl& engine) {
  VerbSpec spec;
  spec.name = "sleep";
  spec.params = {{"ms", ParamType::integer, false, "milliseconds to wait, 0 to 86400000"}};
  spec.returns = "`true`, or `nil, \"hangup\"` when the caller hung up meanwhile";
  spec.doc = "Suspends the flow for a while without blocking anything else.";
  spec.handler = [&engine](VerbCall& call) {
    const std::int64_t ms = *call.args[0].integer();
    if (ms < 0 || ms > kMaxSleepMs)
      throw VerbArgumentError("ms must be between 0 and 86400000, got " + std::to_string(ms));
    Executor& loop = engine.loop();
    std::weak_ptr<Completion> weak = call.completion;
    const TimerId timer = loop.call_after(std::chrono::milliseconds(ms), [weak] {
      if (auto done = weak.lock()) done->resolve({true});
    });
    call.completion->on_cancel([&loop, timer] { loop.cancel(timer); });
  };
  return spec;
}

VerbSpec answer_verb(CallEngineImpl& engine) {
  VerbSpec spec;
  spec.name = "answer";
  spec.returns = "`true` once answered, or `nil, \"hangup\"`";
  spec.doc = "Answers the call (the caller's leg). Returns at once if it is already answered.";
  spec.handler = [&engine](VerbCall& call) { engine.answer_caller(call.call_id, call.completion); };
  return spec;
}

// A cause argument: a Q.850 number or a cause name ("user_busy").
int cause_arg(const VerbCall& call, std::size_t index, int fallback) {
  const ScriptValue& value = call.args[index];
  if (value.is_nil()) return fallback;
  if (const std::string* name = value.string()) {
    if (const int c = cause::from_name(*name)) return c;
    throw VerbArgumentError("unknown cause '" + *name + "' (a Q.850 number, or a name such as user_busy)");
  }
  const std::int64_t* number = value.integer();
  if (!number) throw VerbArgumentError("cause must be a Q.850 number or a cause name");
  if (*number < 1 || *number > 999)
    throw VerbArgumentError("cause must be between 1 and 999, got " + std::to_string(*number));
  return static_cast<int>(*number);
}

const char* const kCauseDoc = "Q.850 cause number or name (`user_busy`, `no_answer`, `subscriber_absent`, ...)";

VerbSpec hangup_verb(CallEngineImpl& engine) {
  VerbSpec spec;
  spec.name = "hangup";
  spec.params = {{"cause", ParamType::any, true, std::string(kCauseDoc) + ", default 16 (normal clearing)"}};
  spec.returns = "`true`";
  spec.doc =
      "Ends the call: an unanswered caller is rejected with the cause, an answered one is hung up, and every "
      "other leg is cleared. The flow goes on (to tidy up); call verbs after it return `nil, \"hangup\"`.";
  spec.handler = [&engine](VerbCall& call) {
    engine.hangup_call(call.call_id, cause_arg(call, 0, cause::normal_clearing));
    call.completion->resolve({true});
  };
  return spec;
}

VerbSpec reject_verb(CallEngineImpl& engine) {
  VerbSpec spec;
  spec.name = "reject";
  spec.params = {{"cause", ParamType::any, false, kCauseDoc}};
  spec.returns = "`true`, or `nil, \"answered\"` when the call was already answered, `nil, \"hangup\"` when it is over";
  spec.doc =
      "Refuses the unanswered caller with the cause (SIP: the matching final response, e.g. user_busy is 486) "
      "and clears every other leg.";
  spec.handler = [&engine](VerbCall& call) {
    const int c = cause_arg(call, 0, cause::call_rejected);
    const CallRecord* record = engine.find_call(call.call_id);
    if (!record || record->caller_gone) return call.completion->reject("hangup");
    if (record->answered != Clock::time_point{}) return call.completion->reject("answered");
    engine.hangup_call(call.call_id, c);
    call.completion->resolve({true});
  };
  return spec;
}

VerbSpec redirect_verb(CallEngineImpl& engine) {
  VerbSpec spec;
  spec.name = "redirect";
  spec.params = {
      {"destination", ParamType::string, false, "where the caller should call instead (SIP: a URI or number)"}};
  spec.returns = "`true`, or `nil, \"answered\"` / `nil, \"hangup\"` as for reject";
  spec.doc =
      "Refuses the unanswered caller by pointing it elsewhere (SIP 302 Moved Temporarily with the destination as "
      "Contact). A number becomes a URI at the caller's own domain.";
  spec.handler = [&engine](VerbCall& call) {
    const std::string& destination = *call.args[0].string();
    if (destination.empty() || destination.find_first_of("\r\n<>") != std::string::npos)
      throw VerbArgumentError("destination must be a non-empty URI or number without <, > or line breaks");
    const CallRecord* record = engine.find_call(call.call_id);
    if (!record || record->caller_gone) return call.completion->reject("hangup");
    if (record->answered != Clock::time_point{}) return call.completion->reject("answered");
    engine.redirect_caller(call.call_id, destination);
    call.completion->resolve({true});
  };
  return spec;
}

// dial(target, options): target is a number, "driver/destination" or a list of them.
DialRequest parse_dial(const VerbCall& call) {
  DialRequest request;
  const ScriptValue& target = call.args[0];
  if (const std::string* single = target.string()) {
    request.targets.push_back(*single);
  } else if (const ScriptTable* list = target.table()) {
    for (const auto& item : list->array) {
      if (!item.string()) throw VerbArgumentError("target list must contain only strings");
      request.targets.push_back(*item.string());
    }
  } else {
    throw VerbArgumentError("target must be a string or a list of strings");
  }
  if (request.targets.empty()) throw VerbArgumentError("target list is empty");
  for (const auto& t : request.targets)
    if (t.empty()) throw VerbArgumentError("target must not be empty");
  if (const ScriptValue* timeout = call.args[1].field("timeout")) {
    const std::int64_t* seconds = timeout->integer();
    if (!seconds || *seconds < 1 || *seconds > 3600)
      throw VerbArgumentError("options.timeout must be an integer number of seconds between 1 and 3600");
    request.ring_timeout = std::chrono::seconds(*seconds);
  }
  if (const ScriptValue* mode = call.args[1].field("mode")) {
    const std::string* text = mode->string();
    if (text && *text == "parallel") {
      request.mode = RouteDecision::Mode::parallel;
    } else if (text && *text == "sequential") {
      request.mode = RouteDecision::Mode::sequential;
    } else {
      throw VerbArgumentError("options.mode must be 'sequential' or 'parallel'");
    }
  }
  if (const ScriptTable* options = call.args[1].table()) {
    for (const auto& [key, value] : options->fields)
      if (key != "timeout" && key != "mode") throw VerbArgumentError("unknown option '" + key + "' (timeout, mode)");
  }
  return request;
}

VerbSpec dial_verb(CallEngineImpl& engine) {
  VerbSpec spec;
  spec.name = "dial";
  spec.params = {{"target", ParamType::any, false, "a number, \"driver/destination\", or a list of them"},
                 {"options", ParamType::table, true,
                  "`timeout` (ring seconds, default 30), `mode` (\"sequential\" or \"parallel\")"}};
  spec.returns =
      "`true` after a bridged call ended; `nil, reason` when nobody answered (`user_busy`, `no_answer`, "
      "`no_route`, ...) or `nil, \"hangup\"` when the caller hung up";
  spec.doc =
      "Rings the target(s) and bridges the first to answer with the caller (answering the caller then), "
      "then waits until the bridged call ends. Numbers go through the routing strategies.";
  spec.handler = [&engine](VerbCall& call) {
    DialRequest request = parse_dial(call);
    const CallRecord* record = engine.find_call(call.call_id);
    if (!record || record->caller_gone) return call.completion->reject("hangup");
    start_dial(engine, call.call_id, std::move(request), call.completion);
  };
  return spec;
}

VerbSpec reserved(std::string name, std::vector<ParamSpec> params, std::string returns, std::string doc) {
  VerbSpec spec;
  spec.name = std::move(name);
  spec.params = std::move(params);
  spec.returns = std::move(returns);
  spec.doc = std::move(doc) + " Provided by the media plugin.";
  return spec;
}

}  // namespace

void register_core_verbs(ServiceRegistry& registry, CallEngineImpl& engine) {
  registry.add_verb("core", log_verb(engine));
  registry.add_verb("core", sleep_verb(engine));
  registry.add_verb("core", answer_verb(engine));
  registry.add_verb("core", hangup_verb(engine));
  registry.add_verb("core", reject_verb(engine));
  registry.add_verb("core", redirect_verb(engine));
  registry.add_verb("core", dial_verb(engine));
  registry.reserve_verb(reserved("play",
                                 {{"files", ParamType::any, false, "a file name or a list of them"},
                                  {"options", ParamType::table, true, "`loop` (count), `barge_in` (boolean)"}},
                                 "`true` when played to the end, `nil, reason` otherwise",
                                 "Plays audio files to the caller, answering the media first."));
  registry.reserve_verb(reserved(
      "record",
      {{"file", ParamType::string, false, "where to write the WAV (a relative name: in the recordings directory)"},
       {"options", ParamType::table, true, "`max_seconds`, `silence_seconds`, `stop_digits`"}},
      "the recording's length in ms and the digit that stopped it", "Records the caller into a WAV file."));
  registry.reserve_verb(reserved(
      "collect",
      {{"options", ParamType::table, false, "`prompt`, `max_digits`, `first_timeout`, `inter_timeout`, `terminator`"}},
      "the digits collected (a string), or `nil, reason`", "Plays a prompt and gathers DTMF digits."));
}

}  // namespace junction
