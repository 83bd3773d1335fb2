// Shared by the plugin host tests: the core services around a PluginHost, the test plugins'
// directory, and helpers to read the log and the process's mapped libraries.
#pragma once

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
#include "core/messages/spool_access.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "core/plugins/plugin_host.hpp"
#include "core/plugins/service_registry.hpp"
#include "junction/abi.hpp"
#include "junction/plugin.hpp"

#ifndef JUNCTION_TEST_PLUGIN_DIR
#error "JUNCTION_TEST_PLUGIN_DIR must name the directory the test plugins are built into"
#endif

namespace junction::plugin_host_testing {

inline const std::filesystem::path kPluginDir = JUNCTION_TEST_PLUGIN_DIR;

inline std::string plugin_file(const std::string& name) { return (kPluginDir / ("junction_" + name + ".so")).string(); }

/// Whether a library whose file name is junction_<name>.so is mapped into this process.
inline bool library_mapped(const std::string& name) {
  std::ifstream maps("/proc/self/maps");
  const std::string needle = "/junction_" + name + ".so";
  for (std::string line; std::getline(maps, line);)
    if (line.size() >= needle.size() && line.compare(line.size() - needle.size(), needle.size(), needle) == 0)
      return true;
  return false;
}

/// The file dladdr() attributes `address` to, or "" when it belongs to no mapped object.
inline std::string object_containing(const void* address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || !info.dli_fname) return {};
  return info.dli_fname;
}

inline std::string fingerprint_hex(std::uint64_t value) {
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
        CoreServices{loop_, workers_, *sink_, metrics_, directory_, *engine_, *location_, spool_, mailboxes_, registry_,
                     "test-node", "/nonexistent/recordings"},
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
  SpoolAccess spool_{loop_};  // never opened: plugins here do not store messages
  // No mailbox has messages here.
  struct NoMailboxes final : Mailboxes {
    MailboxCounts counts(std::string_view) const override { return {}; }
  } mailboxes_;
  std::unique_ptr<PluginHost> host_;

 private:
  char* log_buffer_ = nullptr;
  std::size_t log_size_ = 0;
  std::FILE* log_file_ = nullptr;
};

}  // namespace junction::plugin_host_testing
