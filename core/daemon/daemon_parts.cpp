#include "core/daemon/daemon_parts.hpp"

#include <malloc.h>
#include <unistd.h>

#include "core/calls/cdr_file.hpp"
#include "core/location/sqlite_location_store.hpp"
#include "core/plugins/plugin_library.hpp"
#include "core/script/core_verbs.hpp"
#include "core/script/directory_verbs.hpp"
#include "core/script/location_verbs.hpp"
#include "core/script/lua_routing_strategy.hpp"
#include "core/script/message_verbs.hpp"
#include "core/script/voicemail_verbs.hpp"
#include "junction/cause.hpp"

namespace junction {

namespace {

// Plugins are looked for where the config says, then next to the binary (the build tree
// puts them in bin/plugins), then in the installed layout (bin/../lib/junction/plugins).
std::vector<std::filesystem::path> plugin_search_dirs(const DaemonConfig& config) {
  std::vector<std::filesystem::path> dirs;
  if (!config.plugin_directory.empty()) dirs.push_back(config.plugin_directory);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(exe.parent_path() / "plugins");
    dirs.push_back(exe.parent_path().parent_path() / "lib" / "junction" / "plugins");
  }
  return dirs;
}

std::vector<PluginRequest> plugin_requests(const DaemonConfig& config) {
  std::vector<PluginRequest> requests;
  for (const auto& entry : config.plugins) requests.push_back({entry.name, entry.path, entry.config, entry.key_path});
  return requests;
}

ScriptSettings script_settings(const DaemonConfig& config) {
  ScriptSettings settings;
  settings.directory = config.scripts.directory;
  settings.flow = config.scripts.flow;
  settings.routing = config.scripts.routing;
  settings.instruction_limit = config.scripts.instruction_limit;
  settings.memory_limit_bytes = config.scripts.memory_limit_bytes;
  return settings;
}

}  // namespace

DaemonParts::DaemonParts(const DaemonOptions& options)
    : config(options.config),
      log(stderr, options.log_level.value_or(options.config.log_level)),
      directory(config.users, config.open_directory_password) {
  // In memory until open_state() gives it the store: `--check` must not create files.
  location = std::make_unique<LocationRegistry>(loop, workers, core_log, metrics);
  loopback = std::make_shared<LoopbackDriver>(loop, engine);
  registry.add_driver("core", loopback);
  register_core_verbs(registry, engine);
  register_location_verbs(registry, *location);
  register_directory_verbs(registry, directory);
  const auto recordings = config.state_directory / "recordings";
  register_message_verbs(registry, spool_access, engine, workers, recordings);
  register_voicemail_verbs(registry, voicemail, directory, spool_access, engine, recordings);
  plugins = std::make_unique<PluginHost>(CoreServices{loop, workers, log, metrics, directory, engine, *location,
                                                      spool_access, voicemail, registry, config.node_id, recordings},
                                         plugin_search_dirs(config));
}

DaemonParts::~DaemonParts() {
  loop.cancel(trim_timer_);
  loop.cancel(purge_timer_);
  engine.set_flow_host(nullptr);
  scripts.reset();
  location->stop();
  // Deliveries stop first (their connectors belong to plugins), then the spool finishes what
  // it was writing.
  delivery.reset();
  if (delivery_workers) delivery_workers->shutdown();  // a delivery in flight ends first
  spool_access.attach(nullptr);
  spool.reset();
  // Work still queued holds references on plugin libraries (LibraryBoundExecutor); finish
  // the workers first, then the plugins go, then the loop's queue with the io_context.
  workers.shutdown();
  plugins.reset();
}

void DaemonParts::open_spool() {
  MessageStore::Options options;
  options.directory = config.spool.directory;
  options.reserve_bytes = config.spool.reserve_bytes;
  spool = std::make_unique<MessageSpoolService>(options, loop, metrics);
  const auto& found = spool->recovery();
  if (found.partial_removed + found.orphans_removed + found.requeued + found.quarantined > 0)
    spool_log.warn("spool recovered: " + std::to_string(found.requeued) + " interrupted deliveries again, " +
                   std::to_string(found.partial_removed + found.orphans_removed) + " unfinished writes removed, " +
                   std::to_string(found.quarantined) + " quarantined");
  DeliverySettings settings;
  settings.connector = config.spool.connector;
  settings.retry_min = config.spool.retry_min;
  settings.retry_max = config.spool.retry_max;
  settings.max_attempts = config.spool.max_attempts;
  settings.parallel = config.spool.parallel;
  delivery_workers = std::make_unique<ThreadWorkerPool>(static_cast<unsigned>(config.spool.parallel));
  delivery = std::make_unique<DeliveryScheduler>(*spool, config.spool.directory, registry, loop, *delivery_workers,
                                                 spool_log, metrics, settings);
  spool_access.attach(spool.get(), [this] { delivery->kick(); });
}

void DaemonParts::open_voicemail() {
  MailboxStore::Options options;
  options.directory = config.voicemail.directory;
  options.max_messages = config.voicemail.max_messages;
  options.reserve_bytes = config.voicemail.reserve_bytes;
  PinPolicy policy;
  policy.failures_before_lockout = config.voicemail.pin_failures;
  policy.lockout = config.voicemail.lockout;
  policy.lockout_max = config.voicemail.lockout_max;
  const auto& found = voicemail.open(options, policy);
  if (found.partial_removed + found.orphans_removed + found.rows_dropped > 0)
    voicemail_log.warn("mailboxes recovered: " + std::to_string(found.partial_removed + found.orphans_removed) +
                       " unfinished messages removed, " + std::to_string(found.rows_dropped) +
                       " messages without their recording dropped");
}

void DaemonParts::open_state() {
  std::error_code ec;
  std::filesystem::create_directories(config.state_directory, ec);
  if (ec)
    throw std::runtime_error("cannot create state_directory " + config.state_directory.string() + ": " + ec.message());
  location->start(std::make_unique<SqliteLocationStore>(config.state_directory / "location.db"));
  open_spool();
  open_voicemail();
  // Call detail records: formatted on the call loop, appended by a worker.
  auto cdr = std::make_shared<CdrFile>(config.state_directory / "cdr.jsonl");
  engine.set_cdr_sink([this, cdr](const CallDetailRecord& record) {
    CallDetailRecord stamped = record;
    stamped.node = config.node_id;
    auto problem = std::make_shared<std::string>();
    workers.run(
        [cdr, problem, line = to_json_line(stamped)] {
          try {
            cdr->append(line);
          } catch (const std::exception& e) {
            *problem = e.what();
          }
        },
        loop,
        [this, problem] {
          if (!problem->empty()) call_log.error("call detail record lost: " + *problem);
        });
  });
}

void DaemonParts::load_plugins() { plugins->load(plugin_requests(config)); }

void DaemonParts::trim_memory_every(std::chrono::seconds period) {
  // After a burst (a busy hour, a benchmark) freed memory stays with malloc's arenas; giving it
  // back lets RSS show what is really in use. On a worker: trimming walks every arena.
  trim_timer_ = loop.call_after(period, [this, period] {
    workers.run([] { ::malloc_trim(0); }, loop, [] {});
    trim_memory_every(period);
  });
}

void DaemonParts::purge_spool_every(std::chrono::seconds period) {
  purge_timer_ = loop.call_after(period, [this, period] {
    if (spool) {
      const auto before = std::chrono::system_clock::now() - config.spool.keep_delivered;
      spool->run([this, before](MessageStore& store) {
        try {
          if (const std::size_t purged = store.purge_delivered(before); purged > 0)
            spool_log.info("forgot " + std::to_string(purged) + " delivered messages past spool.keep_delivered_days");
        } catch (const std::exception& e) {
          spool_log.warn(std::string("purging delivered messages failed: ") + e.what());
        }
      });
    }
    purge_spool_every(period);
  });
}

void DaemonParts::start() {
  trim_memory_every(std::chrono::seconds(60));
  purge_spool_every(std::chrono::hours(1));
  plugins->start_all();
  scripts = std::make_unique<ScriptRuntime>(loop, engine, registry, script_log, metrics, script_settings(config));
  scripts->load();
  registry.add_strategy("core", std::make_shared<LuaRoutingStrategy>(*scripts));
  std::vector<std::string> unknown;
  for (const auto& name : config.routing_strategies)
    if (!registry.strategy(name)) unknown.push_back(name);
  if (!unknown.empty()) {
    std::string list;
    for (const auto& name : unknown) list += (list.empty() ? "" : ", ") + name;
    throw PluginError("routing.strategies names strategies no plugin provides: " + list);
  }
  engine.set_routing_order(config.routing_strategies);
  engine.set_flow_host(scripts.get());
  if (delivery) delivery->start();
}

}  // namespace junction
