// The Host a plugin sees: the daemon's services, scoped to that plugin (its own logger
// component, its config block, registrations recorded under its name and tied to its library).
#pragma once

#include <string>

#include "core/log/log_sink.hpp"
#include "core/plugins/core_services.hpp"
#include "core/plugins/library_bound_executor.hpp"
#include "junction/host.hpp"

namespace junction {

class PluginContext final : public Host, private Registrar {
 public:
  PluginContext(CoreServices& services, std::string plugin_name, const ConfigNode& config, LibraryRef library)
      : services_(services),
        name_(std::move(plugin_name)),
        config_(config),
        library_(std::move(library)),
        logger_(services.log, name_),
        executor_(services.executor, library_),
        workers_(services.workers, library_) {}

  Executor& executor() override { return executor_; }
  WorkerPool& workers() override { return workers_; }
  Logger& logger() override { return logger_; }
  Metrics& metrics() override { return services_.metrics; }
  const Directory& directory() override { return services_.directory; }
  CallEngine& calls() override { return services_.calls; }
  LocationService& location() override { return services_.location; }
  MessageSpool& messages() override { return services_.messages; }
  const Mailboxes& mailboxes() override { return services_.mailboxes; }
  Registrar& registrar() override { return *this; }
  const ConfigNode& config() override { return config_; }
  std::string_view node_id() override { return services_.node_id; }
  const std::filesystem::path& recordings_directory() override { return services_.recordings_directory; }

 private:
  void add_channel_driver(std::shared_ptr<ChannelDriver> driver) override {
    services_.registry.add_driver(name_, std::move(driver), library_);
  }
  void add_routing_strategy(std::shared_ptr<RoutingStrategy> strategy) override {
    services_.registry.add_strategy(name_, std::move(strategy), library_);
  }
  void add_script_verb(VerbSpec verb) override { services_.registry.add_verb(name_, std::move(verb), library_); }
  void add_trunk_status_source(std::shared_ptr<TrunkStatusSource> source) override {
    services_.registry.add_trunk_source(name_, std::move(source), library_);
  }
  void add_message_connector(std::shared_ptr<MessageConnector> connector) override {
    services_.registry.add_connector(name_, std::move(connector), library_);
  }
  void add_mailbox_watcher(std::shared_ptr<MailboxWatcher> watcher) override {
    services_.registry.add_mailbox_watcher(name_, std::move(watcher), library_);
  }
  void set_media_anchor(std::shared_ptr<MediaAnchor> anchor) override {
    services_.registry.set_media_anchor(name_, std::move(anchor), library_);
  }

  CoreServices& services_;
  std::string name_;
  const ConfigNode& config_;
  LibraryRef library_;
  ComponentLogger logger_;
  LibraryBoundExecutor executor_;
  LibraryBoundWorkerPool workers_;
};

}  // namespace junction
