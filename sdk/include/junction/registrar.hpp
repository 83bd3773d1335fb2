// What a plugin offers to the daemon is registered here, explicitly, from Plugin::start.
// The host keeps the plugin's shared library loaded while anything registered may be alive.
#pragma once

#include <memory>

#include "junction/call.hpp"
#include "junction/mailboxes.hpp"
#include "junction/messages.hpp"
#include "junction/routing.hpp"
#include "junction/script.hpp"
#include "junction/trunks.hpp"

namespace junction {

class Registrar {
 public:
  virtual ~Registrar() = default;

  /// Throws std::invalid_argument when a driver with the same name exists.
  virtual void add_channel_driver(std::shared_ptr<ChannelDriver> driver) = 0;

  /// Throws std::invalid_argument when a strategy with the same name exists.
  virtual void add_routing_strategy(std::shared_ptr<RoutingStrategy> strategy) = 0;

  /// Adds a Lua verb, or implements one the core reserves (play, record, collect ...).
  /// Throws std::invalid_argument on a clash with an implemented verb or a reserved verb's
  /// declared parameters.
  virtual void add_script_verb(VerbSpec verb) = 0;

  /// Publishes the state of this plugin's trunks to routing (RouteRequest::trunks).
  virtual void add_trunk_status_source(std::shared_ptr<TrunkStatusSource> source) = 0;
  /// Makes `anchor` the daemon's media anchor. Throws std::invalid_argument when another
  /// plugin already is.
  virtual void set_media_anchor(std::shared_ptr<MediaAnchor> anchor) = 0;
  /// Adds a way out for messages. Throws std::invalid_argument when one has the same name.
  virtual void add_message_connector(std::shared_ptr<MessageConnector> connector) = 0;
  /// Tells `watcher` of every change of a mailbox's counts (message-waiting indication).
  virtual void add_mailbox_watcher(std::shared_ptr<MailboxWatcher> watcher) = 0;
};

}  // namespace junction
