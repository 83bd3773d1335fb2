// Test plugin "posts_work": leaves a task of its own on the call loop, as a plugin does whose
// last piece of work (a worker job's completion, a final flush) is still queued when it stops.
#include <string>

#include "logging_plugin.hpp"

namespace {
struct PostsWork final : junction::test_plugins::LoggingPlugin {
  PostsWork() : LoggingPlugin("posts_work") {}
  void start(junction::Host& host) override {
    LoggingPlugin::start(host);
    // The captured string makes the std::function's manager (copy, destroy) code of this
    // library. The task touches nothing of the host, which may be gone when it runs.
    std::string message = "posts_work task ran";
    host.executor().post([message] {
      volatile std::size_t length = message.size();
      (void)length;
    });
  }
};
}  // namespace

JUNCTION_PLUGIN(PostsWork, "posts_work", "0.0.1", "Test plugin: leaves a task on the call loop", JUNCTION_REQUIRES(),
                JUNCTION_OPTIONAL(), nullptr);
