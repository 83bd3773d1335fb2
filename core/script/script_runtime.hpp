// The Lua 5.4 runtime of the call loop: one lua_State, one coroutine per call flow, verbs
// that yield until their operation completes, routing rules called synchronously, an
// instruction budget per resume and a memory cap for the whole state.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <lua.hpp>

#include "core/calls/call_engine.hpp"
#include "core/script/script_context.hpp"
#include "core/script/script_generation.hpp"

namespace junction {

class ScriptRuntime final : public CallFlowHost {
 public:
  static constexpr int kVerbError = -1;
  static constexpr int kVerbYield = -2;

  ScriptRuntime(Executor& loop, CallEngineImpl& engine, const ServiceRegistry& registry, Logger& logger,
                Metrics& metrics, ScriptSettings settings);
  ~ScriptRuntime() override;
  ScriptRuntime(const ScriptRuntime&) = delete;
  ScriptRuntime& operator=(const ScriptRuntime&) = delete;

  /// Loads the first generation. Throws ScriptError naming file and line.
  void load();
  /// Loads the scripts again for calls that start from now on; running calls keep theirs.
  /// On an error the current generation stays and the error is logged. Returns success.
  bool reload();
  /// Stops every flow at once (shutdown after the drain period): pending verbs are cancelled,
  /// coroutines reset, calls cleared with `cause`.
  void stop_all_flows(int cause);

  // CallFlowHost
  void start_flow(const CallInfo& call) override;
  void caller_hung_up(const std::string& call_id, int cause) override;

  /// Calls route(request) of the current generation. Throws std::runtime_error.
  RouteDecision route(const RouteRequest& request);

  std::size_t running_flows() const { return flows_.size(); }
  std::uint64_t generation() const { return generation_ ? generation_->number() : 0; }
  std::size_t memory_bytes() const { return allocator_.used; }
  Logger& logger() { return logger_; }

  /// Called by the verb trampoline on the flow's coroutine. Returns the number of results
  /// pushed, kVerbError with the message pushed, or kVerbYield.
  int invoke_verb(lua_State* L, const BoundVerb& verb);

  /// lua_pcall of the function below `nargs` arguments with an instruction budget; leaves
  /// `nresults` results on success and the error message on failure.
  int protected_call(lua_State* L, int nargs, int nresults, ScriptContext& context);

  /// Resumes a waiting flow with a verb's outcome (used by its Completion).
  void deliver(const std::shared_ptr<FlowInstance>& flow, ScriptValues results, const std::string* rejection);

 private:
  struct Allocator {
    std::size_t used = 0;
    std::size_t limit = 0;
    /// The cap applies while script code runs. The runtime's own small pushes (call tables,
    /// verb results) must never fail: outside a protected call Lua would abort the process,
    /// and inside a verb a memory error would unwind over live C++ objects.
    bool enforcing = false;
  };
  /// Lifts the memory cap for the runtime's own work inside a scope.
  class CapLifted {
   public:
    explicit CapLifted(Allocator& allocator) : allocator_(allocator), previous_(allocator.enforcing) {
      allocator.enforcing = false;
    }
    ~CapLifted() { allocator_.enforcing = previous_; }

   private:
    Allocator& allocator_;
    bool previous_;
  };
  static void* allocate(void* ud, void* ptr, std::size_t old_size, std::size_t new_size);

  void resume(const std::shared_ptr<FlowInstance>& flow, int nargs);
  void flow_returned(const std::shared_ptr<FlowInstance>& flow, int status);
  void start_finalizer(const std::shared_ptr<FlowInstance>& flow);
  void finish(const std::shared_ptr<FlowInstance>& flow);
  void new_thread(FlowInstance& flow);
  void release_thread(FlowInstance& flow);

  Executor& loop_;
  CallEngineImpl& engine_;
  const ServiceRegistry& registry_;
  Logger& logger_;
  ScriptSettings settings_;
  Allocator allocator_;
  lua_State* L_ = nullptr;
  lua_State* routing_thread_ = nullptr;
  int routing_thread_ref_ = LUA_NOREF;
  std::shared_ptr<ScriptGeneration> generation_;
  std::uint64_t next_generation_ = 1;
  std::unordered_map<std::string, std::shared_ptr<FlowInstance>> flows_;
  Counter& script_errors_;
  Counter& budget_stops_;
  Counter& reloads_;
  Gauge& flows_gauge_;
  Gauge& generation_gauge_;
};

}  // namespace junction
