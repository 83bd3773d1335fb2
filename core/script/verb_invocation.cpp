// ScriptRuntime: running a verb for a call flow and delivering its outcome.
#include "core/script/lua_completion.hpp"
#include "core/script/lua_values.hpp"
#include "core/script/script_runtime.hpp"
#include "core/script/verb_binding.hpp"

namespace junction {

void LuaCompletion::settle(ScriptValues results, std::optional<std::string> rejection) {
  if (done_) return;
  done_ = true;
  cancel_ = nullptr;
  if (in_handler) {
    sync_results = std::move(results);
    sync_rejection = std::move(rejection);
    return;
  }
  auto flow = flow_.lock();
  if (!flow || flow->pending.get() != this) return;
  flow->pending = nullptr;
  flow->state = FlowInstance::State::resume_scheduled;
  // Resumed from the loop so that whoever completed the verb finishes its own work first.
  loop_.post([&runtime = runtime_, weak = flow_, results = std::move(results), rejection = std::move(rejection)] {
    if (auto flow = weak.lock()) runtime.deliver(flow, results, rejection ? &*rejection : nullptr);
  });
}

namespace {
// Pushes "chunk:line: message" for the script position that called the verb.
void push_error(lua_State* L, const std::string& message) {
  luaL_where(L, 1);
  lua_pushlstring(L, message.data(), message.size());
  lua_concat(L, 2);
}
}  // namespace

int ScriptRuntime::invoke_verb(lua_State* L, const BoundVerb& verb) {
  // Everything pushed here is the runtime's own work: no memory error may unwind over the
  // C++ objects below (Lua unwinds with longjmp).
  CapLifted lifted(allocator_);
  const VerbSpec& spec = verb.spec;
  FlowInstance* current = script_context::flow_of(L);
  if (!current || current->thread != L) {
    push_error(L, spec.name + ": only available inside a call flow");
    return kVerbError;
  }
  if (!spec.handler) {
    push_error(L, spec.name + ": needs a plugin that provides it, and none is loaded");
    return kVerbError;
  }
  if (!verb_binding::check_arguments(L, spec)) {
    std::string message = lua_tostring(L, -1);
    lua_pop(L, 1);
    push_error(L, message);
    return kVerbError;
  }
  auto found = flows_.find(current->call.call_id);
  if (found == flows_.end() || found->second.get() != current) {
    push_error(L, spec.name + ": the call flow is no longer running");
    return kVerbError;
  }
  std::shared_ptr<FlowInstance> flow = found->second;
  std::shared_ptr<LuaCompletion> completion;
  std::string error;
  try {
    completion = std::make_shared<LuaCompletion>(*this, flow, loop_);
    VerbCall call;
    call.call_id = flow->call.call_id;
    call.leg = flow->call.leg;
    call.caller = flow->call.caller.number;
    call.callee = flow->call.callee.number;
    call.args.reserve(spec.params.size());
    for (int i = 1; i <= static_cast<int>(spec.params.size()); ++i) call.args.push_back(lua::to_value(L, i));
    call.completion = completion;
    completion->in_handler = true;
    spec.handler(call);
  } catch (const VerbArgumentError& e) {
    error = spec.name + ": " + e.what();
  } catch (const std::exception& e) {
    error = spec.name + ": failed: " + e.what();
  } catch (...) {
    error = spec.name + ": failed: an exception that is not a std::exception";
  }
  if (completion) completion->in_handler = false;
  if (!error.empty()) {
    if (completion) completion->cancel();
    push_error(L, error);
    return kVerbError;
  }
  if (!completion->done() && flow->caller_gone) {
    // The caller went away while the verb started; it would wait for nothing.
    completion->cancel();
    completion->sync_rejection = "hangup";
  }
  if (completion->done()) {
    lua_settop(L, 0);
    if (completion->sync_rejection) {
      lua_pushnil(L);
      lua_pushlstring(L, completion->sync_rejection->data(), completion->sync_rejection->size());
      return 2;
    }
    if (!lua_checkstack(L, static_cast<int>(completion->sync_results.size()) + 2)) {
      push_error(L, spec.name + ": returned too many values");
      return kVerbError;
    }
    for (const auto& value : completion->sync_results) lua::push(L, value);
    return static_cast<int>(completion->sync_results.size());
  }
  if (!lua_isyieldable(L)) {
    // Lua 5.4 cannot suspend through a C function (table.sort comparator, gsub callback).
    completion->cancel();
    push_error(L, spec.name + ": cannot wait here (inside a sort comparator, gsub callback or metamethod)");
    return kVerbError;
  }
  flow->pending = completion;
  lua_settop(L, 0);
  return kVerbYield;
}

RouteDecision ScriptRuntime::route(const RouteRequest& request) {
  if (!generation_) throw std::runtime_error("no scripts loaded");
  ScriptTable table;
  table.fields = {{"number", request.number},
                  {"caller", request.caller.number},
                  {"caller_name", request.caller.display_name},
                  {"call_id", request.call_id}};
  table.fields.emplace_back("headers", lua::headers_table(request.headers));
  ScriptTable trunks;
  for (const TrunkStatus& trunk : request.trunks) {
    ScriptTable state;
    state.fields = {{"registration", trunk.registration}, {"reachable", trunk.reachable}, {"usable", trunk.usable}};
    trunks.fields.emplace_back(trunk.name, std::move(state));
  }
  table.fields.emplace_back("trunks", std::move(trunks));

  lua_State* T = routing_thread_;
  lua_settop(T, 0);
  generation_->push_function("route");
  lua_xmove(L_, T, 1);
  lua::push(T, ScriptValue(std::move(table)));
  ScriptContext context;
  context.limit = settings_.instruction_limit;
  const int status = protected_call(T, 1, 1, context);
  if (status != LUA_OK) {
    std::string message = lua_tostring(T, -1) ? lua_tostring(T, -1) : "error object is not a string";
    lua_settop(T, 0);
    throw std::runtime_error("route: " + message);
  }
  RouteDecision decision;
  ScriptValue result = lua::to_value(T, -1);
  lua_settop(T, 0);
  if (const std::string* single = result.string()) {
    decision.targets.push_back(*single);
  } else if (const ScriptTable* list = result.table()) {
    for (const auto& item : list->array) {
      if (const std::string* target = item.string()) {
        decision.targets.push_back(*target);
      } else {
        throw std::runtime_error("route: returned a list with a non-string target");
      }
    }
    if (const ScriptValue* mode = result.field("mode"); mode && mode->string()) {
      if (*mode->string() == "parallel") {
        decision.mode = RouteDecision::Mode::parallel;
      } else if (*mode->string() != "sequential") {
        throw std::runtime_error("route: mode must be 'sequential' or 'parallel', got '" + *mode->string() + "'");
      }
    }
  } else if (!result.is_nil()) {
    throw std::runtime_error("route: must return nil, a target string or a list of targets");
  }
  return decision;
}

}  // namespace junction
