// The plugin host against real plugins (tests/plugins): libraries that are refused for each
// reason the host knows, dependency ordering, config validation, start failure and rollback.
//
// Everything is real: the core services, the ServiceRegistry, dlopen. The test plugins write
// "<name> start" / "<name> stop" through the host's logger, so order is read from the log.
#include "plugin_host_fixture.hpp"

namespace junction {
namespace {

using namespace plugin_host_testing;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

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

}  // namespace
}  // namespace junction
