// What plugins (and the core itself) offer: channel drivers, routing strategies, Lua verbs.
// Every entry remembers its owner, so a stopping plugin's entries can be removed, and holds
// a reference on the owner's library (see library_keepalive.hpp).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/plugins/library_keepalive.hpp"
#include "junction/call.hpp"
#include "junction/mailboxes.hpp"
#include "junction/messages.hpp"
#include "junction/routing.hpp"
#include "junction/script.hpp"
#include "junction/trunks.hpp"

namespace junction {

struct RegisteredVerb {
  VerbSpec spec;      ///< handler is empty while a reserved verb has no implementation
  std::string owner;  ///< "core" or the implementing plugin's name
  bool reserved = false;
};

/// Used on the call loop (and single-threaded during start-up); not thread-safe.
class ServiceRegistry {
 public:
  void add_driver(const std::string& owner, std::shared_ptr<ChannelDriver> driver, LibraryRef library = {});
  std::shared_ptr<ChannelDriver> driver(std::string_view name) const;
  std::vector<std::string> driver_names() const;

  void add_strategy(const std::string& owner, std::shared_ptr<RoutingStrategy> strategy, LibraryRef library = {});
  std::shared_ptr<RoutingStrategy> strategy(std::string_view name) const;

  /// Declares a verb whose implementation a plugin will bring (play, record, collect ...),
  /// so its place and documentation exist before the plugin does.
  void reserve_verb(VerbSpec spec);
  /// Adds a verb or implements a reserved one. Throws std::invalid_argument on a clash.
  void add_verb(const std::string& owner, VerbSpec spec, LibraryRef library = {});
  const std::map<std::string, RegisteredVerb, std::less<>>& verbs() const { return verbs_; }

  void add_trunk_source(const std::string& owner, std::shared_ptr<TrunkStatusSource> source, LibraryRef library = {});
  /// Every published trunk's state, in the order the sources were added.
  std::vector<TrunkStatus> trunk_status() const;

  /// Throws std::invalid_argument when another owner's anchor is set.
  void set_media_anchor(const std::string& owner, std::shared_ptr<MediaAnchor> anchor, LibraryRef library = {});
  /// The media anchor, or nullptr.
  MediaAnchor* media_anchor() const { return media_anchor_.object.get(); }

  /// Throws std::invalid_argument when a connector with the same name exists.
  void add_connector(const std::string& owner, std::shared_ptr<MessageConnector> connector, LibraryRef library = {});
  std::shared_ptr<MessageConnector> connector(std::string_view name) const;

  void add_mailbox_watcher(const std::string& owner, std::shared_ptr<MailboxWatcher> watcher, LibraryRef library = {});
  /// Tells every watcher (on the call loop).
  void mailbox_changed(const std::string& box, const MailboxCounts& counts) const;

  /// Removes everything `owner` registered; reserved verbs it implemented become unimplemented.
  void remove_owner(std::string_view owner);

 private:
  template <class T>
  struct Owned {
    std::string owner;
    std::shared_ptr<T> object;
  };
  std::map<std::string, Owned<ChannelDriver>, std::less<>> drivers_;
  std::map<std::string, Owned<RoutingStrategy>, std::less<>> strategies_;
  std::map<std::string, RegisteredVerb, std::less<>> verbs_;
  std::map<std::string, VerbSpec, std::less<>> reserved_;
  std::vector<Owned<TrunkStatusSource>> trunk_sources_;
  Owned<MediaAnchor> media_anchor_;
  std::map<std::string, Owned<MessageConnector>, std::less<>> connectors_;
  std::vector<Owned<MailboxWatcher>> mailbox_watchers_;
};

}  // namespace junction
