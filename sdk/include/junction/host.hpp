// The host interface: everything a plugin may use from the daemon.
#pragma once

#include <filesystem>
#include <string_view>

#include "junction/call.hpp"
#include "junction/config.hpp"
#include "junction/directory.hpp"
#include "junction/executor.hpp"
#include "junction/location.hpp"
#include "junction/logger.hpp"
#include "junction/mailboxes.hpp"
#include "junction/messages.hpp"
#include "junction/metrics.hpp"
#include "junction/registrar.hpp"

namespace junction {

class Host {
 public:
  virtual ~Host() = default;

  /// The call loop. Call-engine and verb work must run here.
  virtual Executor& executor() = 0;
  /// For blocking work; results are posted back to an executor.
  virtual WorkerPool& workers() = 0;
  /// Logger whose lines are tagged with the plugin's name.
  virtual Logger& logger() = 0;
  virtual Metrics& metrics() = 0;
  virtual const Directory& directory() = 0;
  virtual CallEngine& calls() = 0;
  /// Where users are registered (written by registrars, read by routing).
  virtual LocationService& location() = 0;
  /// The durable message spool (voice and fax messages, e-mail to send).
  virtual MessageSpool& messages() = 0;
  /// The users' voice mailboxes: how many messages wait in each (watch them with
  /// Registrar::add_mailbox_watcher).
  virtual const Mailboxes& mailboxes() = 0;
  /// Scoped to this plugin: what is registered here is removed when it stops.
  virtual Registrar& registrar() = 0;
  /// This plugin's validated config block (a map; empty when the config has none).
  virtual const ConfigNode& config() = 0;
  /// The node's identity from `node.id`.
  virtual std::string_view node_id() = 0;
  /// Where recordings made for messages go (`<state_directory>/recordings`, absolute): record()
  /// and save_message{} resolve relative file names there.
  virtual const std::filesystem::path& recordings_directory() = 0;
};

}  // namespace junction
