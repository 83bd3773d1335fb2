// Shared by the test plugins: a plugin that writes "<name> start" and "<name> stop" through
// the host's logger, so that tests can read the start and stop order from the log sink.
#pragma once

#include <string>

#include "junction/junction.hpp"

namespace junction::test_plugins {

class LoggingPlugin : public Plugin {
 public:
  explicit LoggingPlugin(std::string name) : name_(std::move(name)) {}

  void start(Host& host) override {
    host_ = &host;
    host.logger().info(name_ + " start");
  }

  void stop() override {
    if (host_) host_->logger().info(name_ + " stop");
  }

 protected:
  Host* host_ = nullptr;
  std::string name_;
};

/// For hand-written descriptors (the broken ones that do not use JUNCTION_PLUGIN).
inline const char* const kNoPlugins[] = {nullptr};

}  // namespace junction::test_plugins
