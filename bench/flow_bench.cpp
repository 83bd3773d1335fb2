// What a call flow costs: starting and finishing a minimal flow coroutine, one synchronous
// routing-rule call, and the memory a suspended flow holds. Results: docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include "flow_harness.hpp"

using junction::testing::FlowHarness;

namespace junction {
namespace {

const char* kRouting = R"(
local table_of_routes = { ["1001"] = "loopback/answer", ["1002"] = "loopback/busy" }
function route(request)
  return table_of_routes[request.number]
end)";

// The runtime alone: a coroutine created, on_call run to its end, on_finish absent, the flow
// torn down. The engine has no such call, so flow_finished returns at once.
void BM_MinimalFlowCoroutine(benchmark::State& state) {
  FlowHarness h("function on_call(call) end", kRouting);
  if (!h.load().empty()) return state.SkipWithError("scripts did not load");
  h.set_log_level(LogLevel::warn);
  CallInfo info;
  info.caller.number = "1002";
  info.callee.number = "1001";
  info.driver = "loopback";
  std::uint64_t n = 0;
  for (auto _ : state) {
    info.call_id = "b-" + std::to_string(++n);
    h.runtime->start_flow(info);
  }
  if (h.runtime->running_flows() != 0) state.SkipWithError("flows left running");
}
BENCHMARK(BM_MinimalFlowCoroutine);

// A whole call through the engine and the loopback driver: incoming, flow, reject, CDR.
void BM_MinimalCallThroughEngine(benchmark::State& state) {
  FlowHarness h("function on_call(call) end", kRouting);
  if (!h.load().empty()) return state.SkipWithError("scripts did not load");
  h.set_log_level(LogLevel::warn);
  for (auto _ : state) {
    h.loopback->place_call("1002", "1001");
    h.loop.run_ready();
  }
  if (h.engine().active_calls() != 0) state.SkipWithError("calls left over");
}
BENCHMARK(BM_MinimalCallThroughEngine);

void BM_RoutingRuleCall(benchmark::State& state) {
  FlowHarness h("function on_call(call) end", kRouting);
  if (!h.load().empty()) return state.SkipWithError("scripts did not load");
  h.set_log_level(LogLevel::warn);
  RouteRequest request;
  request.number = "1001";
  request.caller.number = "1002";
  for (auto _ : state) {
    RouteDecision decision = h.runtime->route(request);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_RoutingRuleCall);

// Memory held per flow suspended in a verb (Lua state and C++ heap: coroutine, per-call
// tables, engine records, the loopback leg and the timer), measured over 10,000 flows.
void BM_MemoryPerSuspendedFlow(benchmark::State& state) {
  constexpr int kFlows = 10'000;
  for (auto _ : state) {
    state.PauseTiming();
    FlowHarness h("function on_call(call) answer() sleep(60000) end", kRouting);
    if (!h.load().empty()) return state.SkipWithError("scripts did not load");
    h.set_log_level(LogLevel::warn);
    h.call();  // warm up: first-call allocations are not per-flow cost
    h.loop.advance(std::chrono::milliseconds(60000));
    malloc_trim(0);
    const std::size_t heap_before = mallinfo2().uordblks;
    const std::size_t lua_before = h.runtime->memory_bytes();
    state.ResumeTiming();
    for (int i = 0; i < kFlows; ++i) h.loopback->place_call("1002", "1001");
    h.loop.run_ready();
    state.PauseTiming();
    if (h.runtime->running_flows() != kFlows) return state.SkipWithError("flows did not suspend");
    const double heap_per_flow = static_cast<double>(mallinfo2().uordblks - heap_before) / kFlows;
    const double lua_per_flow = static_cast<double>(h.runtime->memory_bytes() - lua_before) / kFlows;
    state.counters["heap_bytes_per_flow"] = heap_per_flow;
    state.counters["lua_bytes_per_flow"] = lua_per_flow;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kFlows);
}
BENCHMARK(BM_MemoryPerSuspendedFlow)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace junction

BENCHMARK_MAIN();
