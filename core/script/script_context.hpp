// Per-thread context of the Lua runtime, reached from any Lua thread through its extra space
// (lua_getextraspace): which flow it runs and how much instruction budget it has used.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <lua.hpp>

#include "core/calls/call_flow_host.hpp"
#include "junction/script.hpp"

namespace junction {

class ScriptGeneration;
struct FlowInstance;

struct ScriptContext {
  FlowInstance* flow = nullptr;    ///< set when the thread runs a call flow
  std::uint64_t instructions = 0;  ///< used since the last resume
  std::uint64_t limit = 0;
  bool budget_exceeded = false;
};

/// One running call flow: its coroutine, its per-call globals and what it waits for.
struct FlowInstance : ScriptContext {
  FlowInstance() { flow = this; }
  FlowInstance(const FlowInstance&) = delete;
  FlowInstance& operator=(const FlowInstance&) = delete;

  enum class State { running, waiting, resume_scheduled, finalizing, done };

  CallInfo call;
  std::shared_ptr<ScriptGeneration> generation;  ///< scripts as they were when the call began
  lua_State* thread = nullptr;
  int thread_ref = LUA_NOREF;
  int locals_ref = LUA_NOREF;  ///< table of this call's globals, created on first assignment
  int call_table_ref = LUA_NOREF;
  State state = State::running;
  std::shared_ptr<Completion> pending;  ///< the verb the flow waits for
  bool caller_gone = false;
  bool in_finalizer = false;
  std::string end_reason = "completed";  ///< passed to on_finish: completed, error, hangup, budget
  int clear_cause = 0;
};

namespace script_context {
inline void attach(lua_State* thread, ScriptContext* context) {
  *static_cast<ScriptContext**>(lua_getextraspace(thread)) = context;
}
inline ScriptContext* of(lua_State* thread) { return *static_cast<ScriptContext**>(lua_getextraspace(thread)); }
/// The flow a thread runs, or nullptr for the main and routing threads.
inline FlowInstance* flow_of(lua_State* thread) {
  ScriptContext* context = of(thread);
  return context ? context->flow : nullptr;
}
}  // namespace script_context

}  // namespace junction
