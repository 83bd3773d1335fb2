// What a plugin registers and how long its library stays mapped: registrations appear and go
// with start and stop, objects and queued tasks keep the library loaded, and it unmaps once
// the last of them is gone (test plugins are built with -fno-gnu-unique, so it really does).
#include "plugin_host_fixture.hpp"

namespace junction {
namespace {

using namespace plugin_host_testing;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

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
  VerbCall call{"c-1", 0, {ScriptValue("hello")}, completion, "", ""};
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
  VerbCall call{"c-2", 0, {ScriptValue("still here")}, completion, "", ""};
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
    PluginHost host(CoreServices{*loop, workers_, *sink_, metrics_, directory_, *engine_, *location_, spool_,
                                 mailboxes_, registry_, "test-node", "/nonexistent/recordings"},
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
    PluginHost host(CoreServices{loop_, workers_, *sink_, metrics_, directory_, *engine_, *location_, spool_,
                                 mailboxes_, registry_, "test-node", "/nonexistent/recordings"},
                    {});
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
