// The plugin host against real plugins (tests/plugins): libraries that are refused for each
// reason the host knows, dependency ordering, config validation, start failure and rollback,
// registrations and how long a plugin's library stays mapped.
//
// Everything is real: the core services, the ServiceRegistry, dlopen. The test plugins write
// "<name> start" / "<name> stop" through the host's logger, so order is read from the log.
#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/calls/call_engine.hpp"
#include "core/config/key_path.hpp"
#include "core/config/yaml_reader.hpp"
#include "core/daemon/user_directory.hpp"
#include "core/exec/manual_executor.hpp"
#include "core/exec/thread_worker_pool.hpp"
#include "core/location/location_registry.hpp"
#include "core/log/log_sink.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "core/plugins/plugin_host.hpp"
#include "core/plugins/service_registry.hpp"
#include "junction/abi.hpp"
#include "junction/plugin.hpp"

#ifndef JUNCTION_TEST_PLUGIN_DIR
#error "JUNCTION_TEST_PLUGIN_DIR must name the directory the test plugins are built into"
#endif

namespace junction {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::filesystem::path kPluginDir = JUNCTION_TEST_PLUGIN_DIR;

std::string plugin_file(const std::string& name) { return (kPluginDir / ("junction_" + name + ".so")).string(); }

/// Whether a library whose file name is junction_<name>.so is mapped into this process.
bool library_mapped(const std::string& name) {
  std::ifstream maps("/proc/self/maps");
  const std::string needle = "/junction_" + name + ".so";
  for (std::string line; std::getline(maps, line);)
    if (line.size() >= needle.size() && line.compare(line.size() - needle.size(), needle.size(), needle) == 0)
      return true;
  return false;
}

/// The file dladdr() attributes `address` to, or "" when it belongs to no mapped object.
std::string object_containing(const void* address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || !info.dli_fname) return {};
  return info.dli_fname;
}

std::string fingerprint_hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

/// A Completion that records what a verb handler did with it.
class RecordingCompletion final : public Completion {
 public:
  void resolve(ScriptValues results) override {
    results_ = std::move(results);
    done_ = true;
  }
  void reject(std::string reason) override {
    rejection_ = std::move(reason);
    done_ = true;
  }
  void on_cancel(std::function<void()>) override {}
  bool done() const override { return done_; }

  ScriptValues results_;
  std::string rejection_;
  bool done_ = false;
};

class PluginHostTest : public ::testing::Test {
 protected:
  PluginHostTest() {
    log_file_ = open_memstream(&log_buffer_, &log_size_);
    sink_ = std::make_unique<LogSink>(log_file_, LogLevel::info);
    core_logger_ = std::make_unique<ComponentLogger>(*sink_, "core");
    engine_ = std::make_unique<CallEngineImpl>(loop_, registry_, *core_logger_, metrics_);
    location_ = std::make_unique<LocationRegistry>(loop_, workers_, *core_logger_, metrics_);
    host_ = std::make_unique<PluginHost>(
        CoreServices{loop_, workers_, *sink_, metrics_, directory_, *engine_, *location_, registry_, "test-node"},
        std::vector<std::filesystem::path>{kPluginDir});
  }

  ~PluginHostTest() override {
    host_.reset();
    location_.reset();
    engine_.reset();
    workers_.shutdown();
    std::fclose(log_file_);
    std::free(log_buffer_);
  }

  /// Builds the requests the way the daemon does (core/config/daemon_config.cpp): the
  /// `plugins:` list of a YAML document, each entry's `config` block or an empty map.
  static std::vector<PluginRequest> requests_from_yaml(const std::string& yaml) {
    ConfigNode root = config::read_yaml_string(yaml, "test.yaml");
    std::vector<PluginRequest> requests;
    const ConfigNode* plugins = root.find("plugins");
    if (!plugins) return requests;
    for (const ConfigNode& item : plugins->items()) {
      PluginRequest request;
      request.name = item.get_string("name");
      request.path = item.get_string("path");
      const ConfigNode* block = item.find("config");
      request.config =
          block && block->kind() == ConfigNode::Kind::map
              ? *block
              : ConfigNode::map(block ? block->mark() : item.mark(), config::child_key_path(item.path(), "config"));
      request.key_path = item.path();
      requests.push_back(std::move(request));
    }
    return requests;
  }

  /// Requests for plugins that take no config, in this order.
  static std::vector<PluginRequest> requests_for(const std::vector<std::string>& names) {
    std::vector<PluginRequest> requests;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string key_path = config::item_key_path("plugins", i);
      requests.push_back(
          PluginRequest{names[i], {}, ConfigNode::map({"test.yaml", 1, 1}, key_path + ".config"), key_path});
    }
    return requests;
  }

  /// load(); the PluginError text, or "" when everything loaded.
  std::string load_error(const std::vector<PluginRequest>& requests) {
    try {
      host_->load(requests);
      return {};
    } catch (const PluginError& e) {
      return e.what();
    }
  }

  std::string log() {
    std::fflush(log_file_);
    return std::string(log_buffer_, log_size_);
  }

  /// The "<plugin> start" / "<plugin> stop" lines the test plugins wrote, in order.
  std::vector<std::string> lifecycle_events() {
    std::vector<std::string> events;
    std::istringstream lines(log());
    for (std::string line; std::getline(lines, line);) {
      const auto open = line.find('[');
      const auto close = line.find("] ", open);
      if (open == std::string::npos || close == std::string::npos) continue;
      const std::string component = line.substr(open + 1, close - open - 1);
      const std::string message = line.substr(close + 2);
      if (message == component + " start" || message == component + " stop") events.push_back(message);
    }
    return events;
  }

  std::vector<std::string> plan_names() const {
    std::vector<std::string> names;
    for (const auto& summary : host_->plan()) names.push_back(summary.name);
    return names;
  }

  static constexpr const char* kGoodDriverYaml = R"(plugins:
  - name: good_driver
    config:
      count: 3
)";

  ManualExecutor loop_;
  ThreadWorkerPool workers_{1};
  MetricsRegistry metrics_;
  UserDirectory directory_{{}};
  ServiceRegistry registry_;
  std::unique_ptr<LogSink> sink_;
  std::unique_ptr<ComponentLogger> core_logger_;
  std::unique_ptr<CallEngineImpl> engine_;
  std::unique_ptr<LocationRegistry> location_;
  std::unique_ptr<PluginHost> host_;

 private:
  char* log_buffer_ = nullptr;
  std::size_t log_size_ = 0;
  std::FILE* log_file_ = nullptr;
};

// --- Libraries the host refuses -------------------------------------------------------------

TEST_F(PluginHostTest, MissingFileIsReportedWithThePathSearched) {
  EXPECT_EQ(load_error(requests_for({"ghost"})),
            "plugin 'ghost': junction_ghost.so not found (searched " + kPluginDir.string() + ")");
}

TEST_F(PluginHostTest, MissingFileAtAnExplicitPath) {
  auto requests = requests_for({"good_driver"});
  requests[0].path = kPluginDir / "nowhere" / "junction_good_driver.so";
  EXPECT_EQ(load_error(requests),
            "plugin 'good_driver': file not found: " + (kPluginDir / "nowhere" / "junction_good_driver.so").string());
}

TEST_F(PluginHostTest, LibraryWithoutDescriptorIsNotAPlugin) {
  EXPECT_EQ(load_error(requests_for({"no_descriptor"})),
            "plugin 'no_descriptor': " + plugin_file("no_descriptor") +
                " does not export 'junction_plugin_descriptor' (not a Junction plugin, or built without "
                "JUNCTION_PLUGIN)");
  EXPECT_FALSE(library_mapped("no_descriptor"));
}

TEST_F(PluginHostTest, LoaderErrorKeepsTheLoadersWords) {
  const std::string path = plugin_file("unresolved_symbol");
  // glibc's message for an unresolved reference under RTLD_NOW.
  EXPECT_EQ(load_error(requests_for({"unresolved_symbol"})),
            "plugin 'unresolved_symbol': cannot load " + path + ": " + path +
                ": undefined symbol: junction_test_function_nobody_defines");
  EXPECT_FALSE(library_mapped("unresolved_symbol"));
}

TEST_F(PluginHostTest, AbiMismatchIsRefused) {
  EXPECT_EQ(load_error(requests_for({"wrong_abi"})),
            "plugin 'wrong_abi': built for SDK ABI " + std::to_string(kSdkAbiVersion + 1) +
                ", this junctiond speaks ABI " + std::to_string(kSdkAbiVersion) + "; rebuild it against this SDK");
  EXPECT_FALSE(library_mapped("wrong_abi"));
}

TEST_F(PluginHostTest, FingerprintMismatchIsRefused) {
  EXPECT_EQ(load_error(requests_for({"wrong_fingerprint"})),
            "plugin 'wrong_fingerprint': build fingerprint " + fingerprint_hex(kBuildFingerprint ^ 1) +
                " differs from junctiond's " + fingerprint_hex(kBuildFingerprint) +
                " (another compiler, standard library or its debug mode); rebuild it with junctiond's toolchain");
  EXPECT_FALSE(library_mapped("wrong_fingerprint"));
}

TEST_F(PluginHostTest, DescriptorSizeMismatchIsRefused) {
  EXPECT_EQ(load_error(requests_for({"wrong_size"})),
            "plugin 'wrong_size': descriptor size " + std::to_string(sizeof(PluginDescriptor) + 8) + " differs from " +
                std::to_string(sizeof(PluginDescriptor)) + "; rebuild it against this SDK");
  EXPECT_FALSE(library_mapped("wrong_size"));
}

TEST_F(PluginHostTest, DescriptorNamingAnotherPluginIsRefused) {
  EXPECT_EQ(load_error(requests_for({"wrong_name"})), "plugin 'wrong_name': " + plugin_file("wrong_name") +
                                                          " provides plugin 'something_else', not 'wrong_name'");
  EXPECT_FALSE(library_mapped("wrong_name"));
}

// --- Dependencies ---------------------------------------------------------------------------

TEST_F(PluginHostTest, MissingRequiredDependency) {
  EXPECT_EQ(load_error(requests_for({"depends_on_good"})),
            "plugin 'depends_on_good' requires plugin 'good_driver', which is not in the plugin list");
}

TEST_F(PluginHostTest, DependencyCycle) {
  EXPECT_EQ(load_error(requests_for({"cycle_a", "cycle_b"})),
            "plugins depend on each other in a cycle: cycle_a, cycle_b");
}

TEST_F(PluginHostTest, StartOrderFollowsDependenciesNotConfigOrderAndStopIsTheReverse) {
  auto requests = requests_from_yaml(R"(plugins:
  - name: depends_on_good
  - name: optional_user
  - name: good_driver
    config:
      count: 1
)");
  ASSERT_EQ(load_error(requests), "");
  // good_driver first (both others wait for it); then the rest in config order.
  EXPECT_THAT(plan_names(), ElementsAre("good_driver", "depends_on_good", "optional_user"));
  host_->start_all();
  host_->stop_all();
  EXPECT_THAT(lifecycle_events(), ElementsAre("good_driver start", "depends_on_good start", "optional_user start",
                                              "optional_user stop", "depends_on_good stop", "good_driver stop"));
}

TEST_F(PluginHostTest, AmongIndependentPluginsConfigOrderDecides) {
  auto requests = requests_from_yaml(R"(plugins:
  - name: optional_user
  - name: depends_on_good
  - name: good_driver
    config:
      count: 1
)");
  ASSERT_EQ(load_error(requests), "");
  EXPECT_THAT(plan_names(), ElementsAre("good_driver", "optional_user", "depends_on_good"));
}

TEST_F(PluginHostTest, OptionalDependencyOrdersWhenPresent) {
  auto requests = requests_from_yaml(R"(plugins:
  - name: optional_user
  - name: good_driver
    config:
      count: 2
)");
  ASSERT_EQ(load_error(requests), "");
  EXPECT_THAT(plan_names(), ElementsAre("good_driver", "optional_user"));
  host_->start_all();
  host_->stop_all();
  EXPECT_THAT(lifecycle_events(),
              ElementsAre("good_driver start", "optional_user start", "optional_user stop", "good_driver stop"));
}

TEST_F(PluginHostTest, OptionalDependencyIsIgnoredWhenAbsent) {
  ASSERT_EQ(load_error(requests_for({"optional_user"})), "");
  EXPECT_THAT(plan_names(), ElementsAre("optional_user"));
  host_->start_all();
  host_->stop_all();
  EXPECT_THAT(lifecycle_events(), ElementsAre("optional_user start", "optional_user stop"));
}

TEST_F(PluginHostTest, PlanListsNameVersionAndPathInStartOrder) {
  auto requests = requests_from_yaml(R"(plugins:
  - name: depends_on_good
  - name: good_driver
    config:
      count: 1
)");
  ASSERT_EQ(load_error(requests), "");
  const auto plan = host_->plan();
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].name, "good_driver");
  EXPECT_EQ(plan[0].version, "1.2.3");
  EXPECT_EQ(plan[0].description, "Test plugin: a well-behaved driver");
  EXPECT_EQ(plan[0].path, plugin_file("good_driver"));
  EXPECT_THAT(plan[0].requires_plugins, IsEmpty());
  EXPECT_EQ(plan[1].name, "depends_on_good");
  EXPECT_EQ(plan[1].version, "0.0.1");
  EXPECT_EQ(plan[1].path, plugin_file("depends_on_good"));
  EXPECT_THAT(plan[1].requires_plugins, ElementsAre("good_driver"));
  // Loading starts nothing.
  EXPECT_THAT(lifecycle_events(), IsEmpty());
}

// --- Start failure --------------------------------------------------------------------------

TEST_F(PluginHostTest, ExceptionFromStartStopsTheOthersInReverse) {
  auto requests = requests_from_yaml(R"(plugins:
  - name: good_driver
    config:
      count: 1
  - name: depends_on_good
  - name: throws_on_start
)");
  ASSERT_EQ(load_error(requests), "");
  ASSERT_THAT(plan_names(), ElementsAre("good_driver", "depends_on_good", "throws_on_start"));
  std::string error;
  try {
    host_->start_all();
  } catch (const PluginError& e) {
    error = e.what();
  }
  EXPECT_EQ(error, "plugin 'throws_on_start' failed to start: port 5060 is taken");
  EXPECT_THAT(lifecycle_events(), ElementsAre("good_driver start", "depends_on_good start", "throws_on_start start",
                                              "depends_on_good stop", "good_driver stop"));
  // What the started plugins registered, and what the failed one registered before
  // throwing, is gone.
  EXPECT_EQ(registry_.driver("good"), nullptr);
  EXPECT_EQ(registry_.driver("half_started"), nullptr);
  EXPECT_EQ(registry_.verbs().count("good_echo"), 0u);
  // Nothing is stopped twice: neither by stop_all() nor by the host's destructor.
  host_->stop_all();
  host_.reset();
  EXPECT_THAT(lifecycle_events(), ElementsAre("good_driver start", "depends_on_good start", "throws_on_start start",
                                              "depends_on_good stop", "good_driver stop"));
}

// --- Config ---------------------------------------------------------------------------------

TEST_F(PluginHostTest, ValidConfigGetsDefaultsAndReachesThePlugin) {
  ASSERT_EQ(load_error(requests_from_yaml(kGoodDriverYaml)), "");
  host_->start_all();
  EXPECT_NE(log().find("[good_driver] good_driver config greeting=hi count=3\n"), std::string::npos) << log();
}

TEST_F(PluginHostTest, UnknownConfigKeyIsReportedWithPositionAndPath) {
  EXPECT_EQ(load_error(requests_from_yaml(R"(plugins:
  - name: good_driver
    config:
      count: 3
      greting: hello
)")),
            "test.yaml:5:7: plugins[0].config.greting: unknown key 'greting' (did you mean 'greeting'? allowed: count, "
            "greeting)");
}

TEST_F(PluginHostTest, MissingRequiredConfigKey) {
  EXPECT_EQ(load_error(requests_from_yaml(R"(plugins:
  - name: good_driver
    config:
      greeting: hello
)")),
            "test.yaml:4:7: plugins[0].config.count: missing required key");
}

TEST_F(PluginHostTest, AbsentConfigBlockStillNeedsItsRequiredKeys) {
  EXPECT_EQ(load_error(requests_from_yaml(R"(plugins:
  - name: good_driver
)")),
            "test.yaml:2:5: plugins[0].config.count: missing required key");
}

TEST_F(PluginHostTest, OutOfRangeConfigValue) {
  EXPECT_EQ(load_error(requests_from_yaml(R"(plugins:
  - name: good_driver
    config:
      count: 11
)")),
            "test.yaml:4:14: plugins[0].config.count: expected an integer between 1 and 10, got 11");
}

TEST_F(PluginHostTest, PluginWithoutSchemaTakesNoKeys) {
  EXPECT_EQ(load_error(requests_from_yaml(R"(plugins:
  - name: optional_user
    config:
      verbose: true
)")),
            "test.yaml:4:7: plugins[0].config.verbose: unknown key 'verbose' (no keys are allowed here)");
}

TEST_F(PluginHostTest, ConfigureRefusesWithConfigError) {
  EXPECT_EQ(load_error(requests_from_yaml(R"(plugins:
  - name: good_driver
    config:
      count: 3
      greeting: forbidden
)")),
            "test.yaml:5:17: plugins[0].config.greeting: 'forbidden' is not a greeting good_driver will say");
}

TEST_F(PluginHostTest, ConfigureRefusesWithAnotherException) {
  EXPECT_EQ(load_error(requests_from_yaml(R"(plugins:
  - name: good_driver
    config:
      count: 3
      greeting: crash
)")),
            "plugin 'good_driver': configuration refused: cannot greet with 'crash'");
}

TEST_F(PluginHostTest, SeveralProblemsAreReportedTogetherOnePerLine) {
  auto requests = requests_from_yaml(R"(plugins:
  - name: ghost
  - name: wrong_abi
  - name: depends_on_good
  - name: optional_user
    config:
      verbose: true
  - name: cycle_a
  - name: cycle_b
)");
  EXPECT_EQ(load_error(requests),
            "plugin 'ghost': junction_ghost.so not found (searched " + kPluginDir.string() + ")\n" +
                "plugin 'wrong_abi': built for SDK ABI " + std::to_string(kSdkAbiVersion + 1) +
                ", this junctiond speaks ABI " + std::to_string(kSdkAbiVersion) + "; rebuild it against this SDK\n" +
                "plugin 'depends_on_good' requires plugin 'good_driver', which is not in the plugin list\n" +
                "plugins depend on each other in a cycle: cycle_a, cycle_b\n" +
                "test.yaml:7:7: plugins[3].config.verbose: unknown key 'verbose' (no keys are allowed here)");
  EXPECT_THAT(lifecycle_events(), IsEmpty());
}

// --- Registrations and library lifetime -----------------------------------------------------

TEST_F(PluginHostTest, RegistrationsAreVisibleAfterStartAndGoneAfterStop) {
  ASSERT_EQ(load_error(requests_from_yaml(kGoodDriverYaml)), "");
  EXPECT_EQ(registry_.driver("good"), nullptr);
  host_->start_all();

  const auto driver = registry_.driver("good");
  ASSERT_NE(driver, nullptr);
  EXPECT_EQ(driver->name(), "good");
  EXPECT_THAT(registry_.driver_names(), ElementsAre("good"));

  const auto verb = registry_.verbs().find("good_echo");
  ASSERT_NE(verb, registry_.verbs().end());
  EXPECT_EQ(verb->second.owner, "good_driver");
  EXPECT_FALSE(verb->second.reserved);
  ASSERT_EQ(verb->second.spec.params.size(), 1u);
  EXPECT_EQ(verb->second.spec.params[0].name, "text");
  EXPECT_EQ(verb->second.spec.params[0].type, ParamType::string);
  auto completion = std::make_shared<RecordingCompletion>();
  VerbCall call{"c-1", 0, {ScriptValue("hello")}, completion};
  verb->second.spec.handler(call);
  ASSERT_TRUE(completion->done());
  ASSERT_EQ(completion->results_.size(), 1u);
  ASSERT_NE(completion->results_[0].string(), nullptr);
  EXPECT_EQ(*completion->results_[0].string(), "hello");

  host_->stop_all();
  EXPECT_EQ(registry_.driver("good"), nullptr);
  EXPECT_THAT(registry_.driver_names(), IsEmpty());
  EXPECT_EQ(registry_.verbs().count("good_echo"), 0u);

  // stop_all() is idempotent.
  host_->stop_all();
  EXPECT_THAT(lifecycle_events(), ElementsAre("good_driver start", "good_driver stop"));
}

TEST_F(PluginHostTest, DestroyingTheHostStopsWhatRuns) {
  ASSERT_EQ(load_error(requests_from_yaml(kGoodDriverYaml)), "");
  host_->start_all();
  host_.reset();
  EXPECT_THAT(lifecycle_events(), ElementsAre("good_driver start", "good_driver stop"));
  EXPECT_EQ(registry_.driver("good"), nullptr);
  EXPECT_FALSE(library_mapped("good_driver"));
}

TEST_F(PluginHostTest, LibraryStaysMappedWhileARegisteredObjectLives) {
  ASSERT_FALSE(library_mapped("good_driver")) << "another test left the library loaded";
  ASSERT_EQ(load_error(requests_from_yaml(kGoodDriverYaml)), "");
  host_->start_all();

  std::shared_ptr<ChannelDriver> driver = registry_.driver("good");
  ASSERT_NE(driver, nullptr);
  // The driver's vtable is code of the plugin's library.
  const void* vtable = *reinterpret_cast<void* const*>(driver.get());
  EXPECT_EQ(object_containing(vtable), plugin_file("good_driver"));
  std::function<void(VerbCall&)> echo = registry_.verbs().at("good_echo").spec.handler;

  host_->stop_all();
  host_.reset();
  EXPECT_EQ(registry_.driver("good"), nullptr);

  // Neither the registry nor the host holds the library now; the driver and the verb do.
  ASSERT_TRUE(library_mapped("good_driver"));
  EXPECT_EQ(driver->name(), "good");
  EXPECT_EQ(object_containing(vtable), plugin_file("good_driver"));
  auto completion = std::make_shared<RecordingCompletion>();
  VerbCall call{"c-2", 0, {ScriptValue("still here")}, completion};
  echo(call);
  ASSERT_EQ(completion->results_.size(), 1u);
  EXPECT_EQ(*completion->results_[0].string(), "still here");

  driver.reset();
  EXPECT_TRUE(library_mapped("good_driver")) << "the verb handler still references the library";
  echo = nullptr;
  EXPECT_FALSE(library_mapped("good_driver"));
  EXPECT_NE(object_containing(vtable), plugin_file("good_driver"));
}

TEST_F(PluginHostTest, RefusedLoadUnloadsEverythingWithTheHost) {
  // good_driver loads fine, but its neighbour's missing dependency fails the whole load.
  auto requests = requests_from_yaml(R"(plugins:
  - name: good_driver
    config:
      count: 3
  - name: depends_on_good
    path: )" + plugin_file("depends_on_good") +
                                     R"(
  - name: cycle_a
)");
  EXPECT_EQ(load_error(requests), "plugin 'cycle_a' requires plugin 'cycle_b', which is not in the plugin list");
  EXPECT_TRUE(library_mapped("good_driver"));
  host_.reset();
  EXPECT_FALSE(library_mapped("good_driver"));
  EXPECT_FALSE(library_mapped("depends_on_good"));
  EXPECT_FALSE(library_mapped("cycle_a"));
  EXPECT_THAT(lifecycle_events(), IsEmpty());
}

// --- Regressions: each of these once failed ---------------------------------------------------

// Regression: Host::executor() and Host::workers() hand the
// plugin the daemon's executor and worker pool as they are, so a task a plugin posts holds no
// reference on its library. A task still queued when the plugin stops and the host is
// destroyed then points into an unmapped library: running it, or merely destroying it (the
// std::function's manager is plugin code), jumps into unmapped memory. In the daemon this is
// reachable on every shutdown: ~DaemonParts resets `plugins` before `workers.shutdown()` and
// before `loop`/`io` die, so a worker job in flight or a completion posted during stop()
// outlives the library. Now the context wraps post/call_after/run with keep_library_alive()
// (LibraryBoundExecutor), as the registry does for drivers and verbs.
TEST_F(PluginHostTest, TaskQueuedByAPluginKeepsItsLibraryMapped) {
  // The task outlives the fixture's host. Were its library unmapped, running or destroying it
  // would crash, so this test uses an executor it can leak in that case.
  auto loop = std::make_unique<ManualExecutor>();
  {
    PluginHost host(
        CoreServices{*loop, workers_, *sink_, metrics_, directory_, *engine_, *location_, registry_, "test-node"},
        {kPluginDir});
    host.load(requests_for({"posts_work"}));
    host.start_all();
    host.stop_all();
  }
  ASSERT_EQ(loop->queued_tasks(), 1u);
  const bool mapped = library_mapped("posts_work");
  if (!mapped) (void)loop.release();  // leaked on purpose: destroying the task would crash
  EXPECT_TRUE(mapped) << "the queued task's code was unmapped with the host";
  if (mapped) {
    loop->run_ready();
    loop.reset();
    EXPECT_FALSE(library_mapped("posts_work"));
  }
}

// Regression: for a path without a
// directory part (what PluginHost::resolve() returns when it has no search directories, or a
// PluginRequest::path like "junction_x.so") the checks disagree on which file is meant:
// is_regular_file() looks in the working directory, Boost.DLL loads "./junction_x.so", but the
// loader_error() probe passes the bare name to dlopen(), which searches LD_LIBRARY_PATH and the
// system directories instead. The plugin is refused with "cannot open shared object file" even
// though the file is right there (or, worse, the probe checks a same-named system library).
// Now PluginHost::resolve() makes every path absolute.
TEST_F(PluginHostTest, BareFileNameIsLoadedFromTheWorkingDirectory) {
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(kPluginDir);
  std::string error;
  {
    PluginHost host(
        CoreServices{loop_, workers_, *sink_, metrics_, directory_, *engine_, *location_, registry_, "test-node"}, {});
    try {
      host.load(requests_for({"optional_user"}));
    } catch (const PluginError& e) {
      error = e.what();
    }
  }
  std::filesystem::current_path(previous);
  EXPECT_EQ(error, "");
}

// Regression: a plugin that fails to load is left out of the
// dependency graph, so its dependents are told it "is not in the plugin list" although it is
// listed; one problem became two lines and the second one was false. Now only the load
// failure is reported.
TEST_F(PluginHostTest, DependencyOnAPluginThatFailedToLoadIsNotReportedAsUnlisted) {
  auto requests = requests_for({"good_driver", "depends_on_good"});
  requests[0].path = kPluginDir / "nowhere" / "junction_good_driver.so";
  const std::string error = load_error(requests);
  EXPECT_EQ(error.find("which is not in the plugin list"), std::string::npos) << error;
  EXPECT_EQ(error.substr(0, error.find('\n')),
            "plugin 'good_driver': file not found: " + (kPluginDir / "nowhere" / "junction_good_driver.so").string());
}

}  // namespace
}  // namespace junction
