#include "core/script/script_runtime.hpp"

#include <cstdlib>

#include "core/script/lua_completion.hpp"
#include "core/script/lua_values.hpp"
#include "junction/cause.hpp"

namespace junction {

namespace {

// The count hook fires every kHookInterval VM instructions; the budget is checked there.
constexpr int kHookInterval = 1000;

void budget_hook(lua_State* L, lua_Debug*) {
  ScriptContext* context = script_context::of(L);
  if (!context) return;
  context->instructions += kHookInterval;
  if (context->budget_exceeded || context->instructions > context->limit) {
    // From now on every instruction raises, so a pcall in a loop cannot swallow the stop.
    context->budget_exceeded = true;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    // Level 0 inside a hook is the Lua function being interrupted: name its script and line.
    luaL_where(L, 0);
    lua_pushfstring(L, "instruction budget of %I exceeded without yielding", static_cast<lua_Integer>(context->limit));
    lua_concat(L, 2);
    lua_error(L);
  }
}

void arm_budget(lua_State* thread, ScriptContext& context) {
  context.instructions = 0;
  context.budget_exceeded = false;
  lua_sethook(thread, budget_hook, LUA_MASKCOUNT, kHookInterval);
}

int panic(lua_State* L) {
  std::fprintf(stderr, "junctiond: unprotected Lua error: %s\n", lua_tostring(L, -1));
  std::abort();
}

}  // namespace

void* ScriptRuntime::allocate(void* ud, void* ptr, std::size_t old_size, std::size_t new_size) {
  auto* allocator = static_cast<Allocator*>(ud);
  const std::size_t old = ptr ? old_size : 0;
  if (new_size == 0) {
    allocator->used -= old;
    std::free(ptr);
    return nullptr;
  }
  if (allocator->enforcing && new_size > old && allocator->limit && allocator->used - old + new_size > allocator->limit)
    return nullptr;
  void* block = std::realloc(ptr, new_size);
  if (!block) return nullptr;
  allocator->used = allocator->used - old + new_size;
  return block;
}

ScriptRuntime::ScriptRuntime(Executor& loop, CallEngineImpl& engine, const ServiceRegistry& registry, Logger& logger,
                             Metrics& metrics, ScriptSettings settings)
    : loop_(loop),
      engine_(engine),
      registry_(registry),
      logger_(logger),
      settings_(std::move(settings)),
      script_errors_(metrics.counter("junction_script_errors_total", "Call flows ended by a script error")),
      budget_stops_(metrics.counter("junction_script_budget_stops_total",
                                    "Call flows stopped for exceeding the instruction budget")),
      reloads_(metrics.counter("junction_script_reloads_total", "Successful script reloads")),
      flows_gauge_(metrics.gauge("junction_script_flows", "Call flow coroutines alive")),
      generation_gauge_(metrics.gauge("junction_script_generation", "Generation of the scripts new calls run")) {
  allocator_.limit = settings_.memory_limit_bytes;
  L_ = lua_newstate(&ScriptRuntime::allocate, &allocator_);
  if (!L_) throw ScriptError("cannot create the Lua state (memory limit too small?)");
  lua_atpanic(L_, panic);
  luaL_openlibs(L_);
  script_context::attach(L_, nullptr);
  // Strings index the real string library ("x"):upper(); string.dump must not be reachable.
  lua_getglobal(L_, "string");
  lua_pushnil(L_);
  lua_setfield(L_, -2, "dump");
  lua_pop(L_, 1);
  // Scripts must not reach the real string library through getmetatable("").
  lua_pushliteral(L_, "");
  lua_getmetatable(L_, -1);
  lua_pushliteral(L_, "locked");
  lua_setfield(L_, -2, "__metatable");
  lua_pop(L_, 2);
  routing_thread_ = lua_newthread(L_);
  routing_thread_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
}

ScriptRuntime::~ScriptRuntime() {
  stop_all_flows(cause::normal_clearing);
  generation_.reset();
  lua_close(L_);
}

int ScriptRuntime::protected_call(lua_State* L, int nargs, int nresults, ScriptContext& context) {
  ScriptContext* previous = script_context::of(L);
  script_context::attach(L, &context);
  arm_budget(L, context);
  const bool enforcing = allocator_.enforcing;
  allocator_.enforcing = true;
  const int status = lua_pcall(L, nargs, nresults, 0);
  allocator_.enforcing = enforcing;
  lua_sethook(L, nullptr, 0, 0);
  script_context::attach(L, previous);
  return status;
}

void ScriptRuntime::load() {
  generation_ = std::make_shared<ScriptGeneration>(L_, next_generation_++, settings_, registry_, this);
  generation_gauge_.set(static_cast<double>(generation_->number()));
  logger_.info("scripts loaded (generation " + std::to_string(generation_->number()) + ")");
}

bool ScriptRuntime::reload() {
  try {
    // A failed reload does not use up a generation number.
    auto fresh = std::make_shared<ScriptGeneration>(L_, next_generation_, settings_, registry_, this);
    ++next_generation_;
    generation_ = std::move(fresh);
  } catch (const ScriptError& e) {
    logger_.error(std::string("script reload failed, keeping generation ") + std::to_string(generation()) + ": " +
                  e.what());
    return false;
  }
  reloads_.add();
  generation_gauge_.set(static_cast<double>(generation_->number()));
  logger_.info("scripts reloaded (generation " + std::to_string(generation_->number()) + "); " +
               std::to_string(flows_.size()) + " running calls keep their scripts");
  return true;
}

void ScriptRuntime::new_thread(FlowInstance& flow) {
  flow.thread = lua_newthread(L_);
  flow.thread_ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  script_context::attach(flow.thread, &flow);
}

void ScriptRuntime::release_thread(FlowInstance& flow) {
  if (flow.thread_ref == LUA_NOREF) return;
  const int status = lua_status(flow.thread);
  if (status == LUA_YIELD) lua_resetthread(flow.thread);  // runs pending to-be-closed variables
  script_context::attach(flow.thread, nullptr);
  luaL_unref(L_, LUA_REGISTRYINDEX, flow.thread_ref);
  flow.thread_ref = LUA_NOREF;
  flow.thread = nullptr;
}

void ScriptRuntime::start_flow(const CallInfo& call) {
  if (!generation_) return engine_.flow_finished(call.call_id, cause::temporary_failure);
  auto flow = std::make_shared<FlowInstance>();
  flow->call = call;
  flow->generation = generation_;
  flow->limit = settings_.instruction_limit;

  ScriptTable table;
  table.fields = {{"id", call.call_id},
                  {"caller", call.caller.number},
                  {"caller_name", call.caller.display_name},
                  {"callee", call.callee.number},
                  {"driver", call.driver}};
  table.fields.emplace_back("headers", lua::headers_table(call.headers));
  lua::push(L_, ScriptValue(std::move(table)));
  flow->call_table_ref = luaL_ref(L_, LUA_REGISTRYINDEX);

  flows_[call.call_id] = flow;
  flows_gauge_.set(static_cast<double>(flows_.size()));
  new_thread(*flow);
  flow->generation->push_function("on_call");
  lua_xmove(L_, flow->thread, 1);
  lua_rawgeti(flow->thread, LUA_REGISTRYINDEX, flow->call_table_ref);
  resume(flow, 1);
}

void ScriptRuntime::resume(const std::shared_ptr<FlowInstance>& flow, int nargs) {
  arm_budget(flow->thread, *flow);
  flow->state = FlowInstance::State::running;
  int results = 0;
  allocator_.enforcing = true;
  const int status = lua_resume(flow->thread, nullptr, nargs, &results);
  allocator_.enforcing = false;
  if (status == LUA_YIELD) {
    lua_pop(flow->thread, results);
    if (flow->pending) {
      flow->state = FlowInstance::State::waiting;
      return;
    }
    // Only verbs yield; anything else that suspends the coroutine is a misuse.
    lua_pushliteral(flow->thread, "the call flow yielded outside a verb");
    flow_returned(flow, LUA_ERRRUN);
    return;
  }
  flow_returned(flow, status);
}

void ScriptRuntime::flow_returned(const std::shared_ptr<FlowInstance>& flow, int status) {
  const std::string context = "call=" + flow->call.call_id;
  // An error can leave a verb started and never awaited; stop its operation.
  if (auto pending = std::static_pointer_cast<LuaCompletion>(std::exchange(flow->pending, nullptr))) pending->cancel();
  if (status != LUA_OK) {
    const char* message = lua_tostring(flow->thread, -1);
    const std::string text = message ? message : "error object is not a string";
    if (flow->budget_exceeded) {
      budget_stops_.add();
      logger_.error("script stopped: " + text, context);
    } else {
      script_errors_.add();
      logger_.error("script error: " + text, context);
    }
    if (logger_.enabled(LogLevel::debug)) {
      luaL_traceback(L_, flow->thread, text.c_str(), 0);
      logger_.debug(lua_tostring(L_, -1), context);
      lua_pop(L_, 1);
    }
    if (!flow->in_finalizer) flow->end_reason = flow->budget_exceeded ? "budget" : "error";
    if (flow->clear_cause == 0) flow->clear_cause = cause::temporary_failure;
  } else if (!flow->in_finalizer) {
    flow->end_reason = flow->caller_gone ? "hangup" : "completed";
  }
  if (flow->in_finalizer) {
    finish(flow);
  } else {
    start_finalizer(flow);
  }
}

void ScriptRuntime::start_finalizer(const std::shared_ptr<FlowInstance>& flow) {
  release_thread(*flow);
  flow->in_finalizer = true;
  if (!flow->generation->has_function("on_finish")) return finish(flow);
  new_thread(*flow);
  flow->generation->push_function("on_finish");
  lua_xmove(L_, flow->thread, 1);
  lua_rawgeti(flow->thread, LUA_REGISTRYINDEX, flow->call_table_ref);
  lua_pushstring(flow->thread, flow->end_reason.c_str());
  resume(flow, 2);
}

void ScriptRuntime::finish(const std::shared_ptr<FlowInstance>& flow) {
  flow->state = FlowInstance::State::done;
  release_thread(*flow);
  luaL_unref(L_, LUA_REGISTRYINDEX, flow->locals_ref);
  luaL_unref(L_, LUA_REGISTRYINDEX, flow->call_table_ref);
  flow->locals_ref = flow->call_table_ref = LUA_NOREF;
  const std::string call_id = flow->call.call_id;
  flows_.erase(call_id);
  flows_gauge_.set(static_cast<double>(flows_.size()));
  engine_.flow_finished(call_id, flow->clear_cause);
}

void ScriptRuntime::caller_hung_up(const std::string& call_id, int /*cause*/) {
  auto it = flows_.find(call_id);
  if (it == flows_.end()) return;
  std::shared_ptr<FlowInstance> flow = it->second;
  flow->caller_gone = true;
  if (flow->state != FlowInstance::State::waiting || !flow->pending) return;
  auto pending = std::static_pointer_cast<LuaCompletion>(std::exchange(flow->pending, nullptr));
  pending->cancel();
  flow->state = FlowInstance::State::resume_scheduled;
  // Resumed from the loop, not from inside the driver's event delivery.
  loop_.post([this, weak = std::weak_ptr<FlowInstance>(flow)] {
    static const std::string hangup = "hangup";
    if (auto flow = weak.lock()) deliver(flow, {}, &hangup);
  });
}

void ScriptRuntime::deliver(const std::shared_ptr<FlowInstance>& flow, ScriptValues results,
                            const std::string* rejection) {
  if (flow->state != FlowInstance::State::resume_scheduled || !flow->thread) return;
  int count = 0;
  if (rejection) {
    lua_pushnil(flow->thread);
    lua_pushlstring(flow->thread, rejection->data(), rejection->size());
    count = 2;
  } else {
    for (const auto& value : results) lua::push(flow->thread, value);
    count = static_cast<int>(results.size());
  }
  resume(flow, count);
}

void ScriptRuntime::stop_all_flows(int clearing_cause) {
  auto flows = std::move(flows_);
  flows_.clear();
  for (auto& [call_id, flow] : flows) {
    if (auto pending = std::static_pointer_cast<LuaCompletion>(std::exchange(flow->pending, nullptr)))
      pending->cancel();
    flow->state = FlowInstance::State::done;
    release_thread(*flow);
    luaL_unref(L_, LUA_REGISTRYINDEX, flow->locals_ref);
    luaL_unref(L_, LUA_REGISTRYINDEX, flow->call_table_ref);
    logger_.warn("call flow stopped at shutdown", "call=" + call_id);
    engine_.flow_finished(call_id, clearing_cause);
  }
  flows_gauge_.set(0);
}

}  // namespace junction
