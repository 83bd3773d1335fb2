// A call engine, the loopback driver and the Lua runtime on a manual clock, with scripts
// written to a temporary directory: call flows tested without a network or real time.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/calls/call_engine.hpp"
#include "core/calls/loopback_driver.hpp"
#include "core/exec/inline_worker_pool.hpp"
#include "core/exec/manual_executor.hpp"
#include "core/location/location_registry.hpp"
#include "core/log/log_sink.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "core/script/core_verbs.hpp"
#include "core/script/location_verbs.hpp"
#include "core/script/lua_routing_strategy.hpp"
#include "core/script/script_runtime.hpp"

namespace junction::testing {

inline const char* kDefaultRouting = "function route(request) return nil end\n";

/// A verb as a plugin would declare it, for tests that register verbs directly.
inline VerbSpec make_verb(std::string name, std::vector<ParamSpec> params, std::function<void(VerbCall&)> handler) {
  VerbSpec spec;
  spec.name = std::move(name);
  spec.params = std::move(params);
  spec.doc = "test verb";
  spec.returns = "test values";
  spec.handler = std::move(handler);
  return spec;
}

class FlowHarness {
 public:
  explicit FlowHarness(const std::string& flow, const std::string& routing = kDefaultRouting,
                       std::uint64_t instruction_limit = 1'000'000, std::size_t memory_limit = 256u << 20)
      : dir_(make_dir()) {
    log_file_ = open_memstream(&log_buffer_, &log_size_);
    sink_ = std::make_unique<LogSink>(log_file_, LogLevel::info);
    logger_ = std::make_unique<ComponentLogger>(*sink_, "test");
    engine_ = std::make_unique<CallEngineImpl>(loop, registry, *logger_, metrics);
    loopback = std::make_shared<LoopbackDriver>(loop, *engine_);
    registry.add_driver("core", loopback);
    location = std::make_unique<LocationRegistry>(loop, workers_, *logger_, metrics);
    register_core_verbs(registry, *engine_);
    register_location_verbs(registry, *location);
    write("flows/default.lua", flow);
    write("routing/default.lua", routing);
    ScriptSettings settings;
    settings.directory = dir_;
    settings.flow = dir_ / "flows/default.lua";
    settings.routing = dir_ / "routing/default.lua";
    settings.instruction_limit = instruction_limit;
    settings.memory_limit_bytes = memory_limit;
    runtime = std::make_unique<ScriptRuntime>(loop, *engine_, registry, *logger_, metrics, settings);
    registry.add_strategy("core", std::make_shared<LuaRoutingStrategy>(*runtime));
    engine_->set_routing_order({"lua"});
    engine_->set_flow_host(runtime.get());
  }

  ~FlowHarness() {
    runtime.reset();
    engine_.reset();
    location.reset();
    std::fclose(log_file_);
    std::free(log_buffer_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  /// Loads the scripts; returns the error text or "" on success.
  std::string load() {
    try {
      runtime->load();
      return {};
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  void write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }

  /// Places a call from a virtual phone and lets the flow run as far as it can right now.
  LegId call(const std::string& callee = "100", const std::string& caller = "200") {
    const LegId leg = loopback->place_call(caller, callee);
    loop.run_ready();
    return leg;
  }

  std::string log() {
    std::fflush(log_file_);
    return std::string(log_buffer_, log_size_);
  }

  /// Benchmarks turn logging down so that log text does not count as the cost of a call.
  void set_log_level(LogLevel level) { sink_->set_level(level); }

  const LoopbackLeg& leg(LegId id) { return *loopback->leg(id); }
  CallEngineImpl& engine() { return *engine_; }
  const std::filesystem::path& dir() const { return dir_; }

  ManualExecutor loop;
  MetricsRegistry metrics;
  ServiceRegistry registry;
  std::shared_ptr<LoopbackDriver> loopback;
  std::unique_ptr<ScriptRuntime> runtime;
  std::unique_ptr<LocationRegistry> location;  ///< in memory (never started with a store)

 private:
  static std::filesystem::path make_dir() {
    static int counter = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("junction-flow-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(dir);
    return dir;
  }

  std::filesystem::path dir_;
  char* log_buffer_ = nullptr;
  std::size_t log_size_ = 0;
  std::FILE* log_file_ = nullptr;
  std::unique_ptr<LogSink> sink_;
  std::unique_ptr<ComponentLogger> logger_;
  std::unique_ptr<CallEngineImpl> engine_;
  InlineWorkerPool workers_;
};

}  // namespace junction::testing
