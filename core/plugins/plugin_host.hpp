// Loads the configured plugins, orders them by their dependencies, starts them in that order
// and stops them in reverse. A plugin's library stays loaded until the host is destroyed and
// while anything it registered is still referenced.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/plugins/core_services.hpp"
#include "core/plugins/plugin_library.hpp"
#include "junction/config.hpp"

namespace junction {

/// One entry of the config's plugin list.
struct PluginRequest {
  std::string name;
  std::filesystem::path path;  ///< empty: searched as junction_<name>.so in the search dirs
  ConfigNode config;           ///< the plugin's block (a map)
  std::string key_path;        ///< "plugins[2]", for messages
};

/// What `junctiond --check` prints about a plugin.
struct PluginSummary {
  std::string name;
  std::string version;
  std::string description;
  std::filesystem::path path;
  std::vector<std::string> requires_plugins;
};

class PluginHost {
 public:
  PluginHost(CoreServices services, std::vector<std::filesystem::path> search_dirs);
  ~PluginHost();  // stops what runs, destroys plugin objects, then unloads libraries
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  /// Loads and checks every library, orders by dependencies, validates each plugin's config
  /// block against its schema and lets it configure(). Throws PluginError listing every
  /// problem found (one per line); nothing is started.
  void load(const std::vector<PluginRequest>& requests);

  /// The plugins in start order (after load()).
  std::vector<PluginSummary> plan() const;

  /// Starts in dependency order. When one throws, the ones already started are stopped in
  /// reverse and PluginError("plugin 'x' failed to start: reason") is thrown.
  void start_all();

  /// Stops started plugins in reverse order and removes their registrations. Idempotent.
  void stop_all();

 private:
  struct Loaded;
  std::filesystem::path resolve(const PluginRequest& request) const;
  void order_by_dependencies(const std::set<std::string>& listed, std::vector<std::string>& problems);
  void stop_range(std::size_t count);

  CoreServices services_;
  std::vector<std::filesystem::path> search_dirs_;
  std::vector<std::unique_ptr<Loaded>> plugins_;  // in start order after load()
  std::size_t started_ = 0;
};

}  // namespace junction
