#include "core/plugins/service_registry.hpp"

#include <cctype>
#include <stdexcept>

namespace junction {

namespace {
void check_name(std::string_view what, std::string_view name) {
  if (name.empty()) throw std::invalid_argument(std::string(what) + " with an empty name");
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      throw std::invalid_argument(std::string(what) + " name '" + std::string(name) +
                                  "' may only contain letters, digits, '_' and '-'");
}

// Verb names are Lua identifiers, optionally in a module: "play" or "hello.greet".
void check_verb_name(const std::string& name) {
  bool ok = !name.empty();
  int dots = 0;
  bool at_start = true;
  for (char c : name) {
    if (c == '.') {
      ok = ok && !at_start && ++dots == 1;
      at_start = true;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
               (!at_start && std::isdigit(static_cast<unsigned char>(c)))) {
      at_start = false;
    } else {
      ok = false;
    }
  }
  if (!ok || at_start)
    throw std::invalid_argument("verb name '" + name + "' must be a Lua identifier or module.identifier");
  // The sandbox's own names (and its library tables as modules) cannot be taken over.
  static const char* const kSandboxNames[] = {
      "assert", "error",   "ipairs",   "next",     "pairs",  "pcall",        "select",       "tonumber", "tostring",
      "type",   "xpcall",  "rawequal", "rawlen",   "rawget", "getmetatable", "setmetatable", "unpack",   "print",
      "load",   "require", "_G",       "_VERSION", "string", "table",        "math",         "os",       "utf8"};
  const std::string head = name.substr(0, name.find('.'));
  for (const char* reserved : kSandboxNames)
    if (head == reserved)
      throw std::invalid_argument("verb name '" + name + "' clashes with the sandbox's '" + head + "'");
}

bool same_signature(const VerbSpec& a, const VerbSpec& b) {
  if (a.params.size() != b.params.size()) return false;
  for (std::size_t i = 0; i < a.params.size(); ++i)
    if (a.params[i].type != b.params[i].type || a.params[i].optional != b.params[i].optional) return false;
  return true;
}
}  // namespace

void ServiceRegistry::add_driver(const std::string& owner, std::shared_ptr<ChannelDriver> driver, LibraryRef library) {
  if (!driver) throw std::invalid_argument("null channel driver");
  std::string name(driver->name());
  check_name("channel driver", name);
  if (auto it = drivers_.find(name); it != drivers_.end())
    throw std::invalid_argument("channel driver '" + name + "' is already registered by " + it->second.owner);
  drivers_.emplace(name, Owned<ChannelDriver>{owner, keep_library_alive(std::move(driver), std::move(library))});
}

std::shared_ptr<ChannelDriver> ServiceRegistry::driver(std::string_view name) const {
  auto it = drivers_.find(name);
  return it == drivers_.end() ? nullptr : it->second.object;
}

std::vector<std::string> ServiceRegistry::driver_names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : drivers_) names.push_back(name);
  return names;
}

void ServiceRegistry::add_strategy(const std::string& owner, std::shared_ptr<RoutingStrategy> strategy,
                                   LibraryRef library) {
  if (!strategy) throw std::invalid_argument("null routing strategy");
  std::string name(strategy->name());
  check_name("routing strategy", name);
  if (auto it = strategies_.find(name); it != strategies_.end())
    throw std::invalid_argument("routing strategy '" + name + "' is already registered by " + it->second.owner);
  strategies_.emplace(name, Owned<RoutingStrategy>{owner, keep_library_alive(std::move(strategy), std::move(library))});
}

std::shared_ptr<RoutingStrategy> ServiceRegistry::strategy(std::string_view name) const {
  auto it = strategies_.find(name);
  return it == strategies_.end() ? nullptr : it->second.object;
}

void ServiceRegistry::reserve_verb(VerbSpec spec) {
  check_verb_name(spec.name);
  spec.handler = nullptr;
  std::string name = spec.name;
  verbs_[name] = RegisteredVerb{spec, "core", true};
  reserved_[name] = std::move(spec);
}

void ServiceRegistry::add_verb(const std::string& owner, VerbSpec spec, LibraryRef library) {
  check_verb_name(spec.name);
  if (!spec.handler) throw std::invalid_argument("verb '" + spec.name + "' has no handler");
  // "x" and "x.y" cannot both exist: one is a function, the other needs a module table x.
  const auto dot = spec.name.find('.');
  const std::string module = spec.name.substr(0, dot);
  for (const auto& [other, entry] : verbs_) {
    const bool other_is_module_of_this = dot == std::string::npos && other.rfind(spec.name + ".", 0) == 0;
    const bool this_is_module_of_other = dot != std::string::npos && other == module;
    if (other_is_module_of_this || this_is_module_of_other)
      throw std::invalid_argument("verb '" + spec.name + "' clashes with verb '" + other +
                                  "' (a name is either a verb or a module)");
  }
  auto existing = verbs_.find(spec.name);
  bool implements_reserved = false;
  if (existing != verbs_.end()) {
    if (!existing->second.reserved || existing->second.spec.handler)
      throw std::invalid_argument("verb '" + spec.name + "' is already provided by " + existing->second.owner);
    if (!same_signature(existing->second.spec, spec))
      throw std::invalid_argument("verb '" + spec.name + "' must take the parameters the core declares for it");
    implements_reserved = true;
  }
  RegisteredVerb entry;
  entry.owner = owner;
  entry.reserved = implements_reserved;
  if (implements_reserved) {
    // The core's declaration (names, docs) stays the reference; the plugin brings the code.
    entry.spec = existing->second.spec;
    entry.spec.handler = keep_library_alive(std::move(spec.handler), std::move(library));
  } else {
    spec.handler = keep_library_alive(std::move(spec.handler), std::move(library));
    entry.spec = std::move(spec);
  }
  verbs_[entry.spec.name] = std::move(entry);
}

void ServiceRegistry::add_trunk_source(const std::string& owner, std::shared_ptr<TrunkStatusSource> source,
                                       LibraryRef library) {
  if (!source) throw std::invalid_argument("null trunk status source");
  trunk_sources_.push_back({owner, keep_library_alive(std::move(source), std::move(library))});
}

void ServiceRegistry::set_media_anchor(const std::string& owner, std::shared_ptr<MediaAnchor> anchor,
                                       LibraryRef library) {
  if (!anchor) throw std::invalid_argument("null media anchor");
  if (media_anchor_.object && media_anchor_.owner != owner)
    throw std::invalid_argument("the media anchor is already provided by " + media_anchor_.owner);
  media_anchor_ = {owner, keep_library_alive(std::move(anchor), std::move(library))};
}

void ServiceRegistry::add_connector(const std::string& owner, std::shared_ptr<MessageConnector> connector,
                                    LibraryRef library) {
  if (!connector) throw std::invalid_argument("null message connector");
  std::string name(connector->name());
  if (connectors_.count(name))
    throw std::invalid_argument("message connector '" + name + "' exists already (from " + connectors_[name].owner +
                                ")");
  connectors_[name] = {owner, keep_library_alive(std::move(connector), std::move(library))};
}

std::shared_ptr<MessageConnector> ServiceRegistry::connector(std::string_view name) const {
  auto it = connectors_.find(name);
  return it == connectors_.end() ? nullptr : it->second.object;
}

void ServiceRegistry::add_mailbox_watcher(const std::string& owner, std::shared_ptr<MailboxWatcher> watcher,
                                          LibraryRef library) {
  if (!watcher) throw std::invalid_argument("null mailbox watcher");
  mailbox_watchers_.push_back({owner, keep_library_alive(std::move(watcher), std::move(library))});
}

void ServiceRegistry::mailbox_changed(const std::string& box, const MailboxCounts& counts) const {
  // A copy: a watcher may (indirectly) stop a plugin and change the list.
  const auto watchers = mailbox_watchers_;
  for (const auto& watcher : watchers) watcher.object->mailbox_changed(box, counts);
}

std::vector<TrunkStatus> ServiceRegistry::trunk_status() const {
  std::vector<TrunkStatus> all;
  for (const auto& source : trunk_sources_) {
    std::vector<TrunkStatus> some = source.object->trunk_status();
    all.insert(all.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
  }
  return all;
}

void ServiceRegistry::remove_owner(std::string_view owner) {
  std::erase_if(trunk_sources_, [&](const auto& e) { return e.owner == owner; });
  if (media_anchor_.owner == owner) media_anchor_ = {};
  std::erase_if(connectors_, [&](const auto& e) { return e.second.owner == owner; });
  std::erase_if(mailbox_watchers_, [&](const auto& e) { return e.owner == owner; });
  std::erase_if(drivers_, [&](const auto& e) { return e.second.owner == owner; });
  std::erase_if(strategies_, [&](const auto& e) { return e.second.owner == owner; });
  for (auto it = verbs_.begin(); it != verbs_.end();) {
    if (it->second.owner != owner) {
      ++it;
    } else if (auto reserved = reserved_.find(it->first); reserved != reserved_.end()) {
      it->second = RegisteredVerb{reserved->second, "core", true};
      ++it;
    } else {
      it = verbs_.erase(it);
    }
  }
}

}  // namespace junction
