#include "core/plugins/plugin_host.hpp"

#include "core/text/join_lines.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/config/schema_validator.hpp"
#include "core/plugins/plugin_context.hpp"

namespace junction {

struct PluginHost::Loaded {
  PluginRequest request;
  PluginLibrary library;
  std::vector<std::string> requires_plugins;
  std::vector<std::string> optional_plugins;
  // Destroyed through the plugin's own destroy(); the context outlives the plugin object.
  std::unique_ptr<PluginContext> context;
  std::unique_ptr<Plugin, void (*)(Plugin*)> plugin{nullptr, nullptr};
};

namespace {
std::vector<std::string> name_list(const char* const* names) {
  std::vector<std::string> out;
  for (; names && *names; ++names) out.emplace_back(*names);
  return out;
}

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

PluginHost::PluginHost(CoreServices services, std::vector<std::filesystem::path> search_dirs)
    : services_(std::move(services)), search_dirs_(std::move(search_dirs)) {}

PluginHost::~PluginHost() {
  stop_all();
  // Plugin objects go before their libraries; registrations may still pin a library longer.
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) (*it)->plugin.reset();
  plugins_.clear();
}

std::filesystem::path PluginHost::resolve(const PluginRequest& request) const {
  // Absolute, so that the existence check, the loader probe and Boost.DLL all mean the same
  // file (dlopen would search the system library path for a bare name).
  if (!request.path.empty()) return std::filesystem::absolute(request.path);
  const std::string file = "junction_" + request.name + ".so";
  for (const auto& dir : search_dirs_) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / file, ec)) return dir / file;
  }
  return std::filesystem::absolute(search_dirs_.empty() ? std::filesystem::path(file) : search_dirs_.front() / file);
}

void PluginHost::load(const std::vector<PluginRequest>& requests) {
  std::vector<std::string> problems;
  for (const auto& request : requests) {
    try {
      auto loaded = std::make_unique<Loaded>();
      loaded->request = request;
      const std::filesystem::path path = resolve(request);
      if (request.path.empty() && !std::filesystem::exists(path)) {
        std::string searched;
        for (const auto& dir : search_dirs_) searched += (searched.empty() ? "" : ", ") + dir.string();
        throw PluginError("plugin '" + request.name + "': junction_" + request.name + ".so not found (searched " +
                          (searched.empty() ? std::string("no directory") : searched) + ")");
      }
      loaded->library = load_plugin_library(request.name, path);
      loaded->requires_plugins = name_list(loaded->library.descriptor->required_plugins);
      loaded->optional_plugins = name_list(loaded->library.descriptor->optional_plugins);
      plugins_.push_back(std::move(loaded));
    } catch (const PluginError& e) {
      problems.emplace_back(e.what());
    }
  }
  std::set<std::string> listed;
  for (const auto& request : requests) listed.insert(request.name);
  order_by_dependencies(listed, problems);

  for (auto& loaded : plugins_) {
    const PluginDescriptor& d = *loaded->library.descriptor;
    ConfigNode& block = loaded->request.config;
    ConfigSchema schema;
    try {
      schema = d.describe_config ? d.describe_config() : ConfigSchema::map({});
    } catch (const std::exception& e) {
      problems.push_back("plugin '" + loaded->request.name + "': describe_config() failed: " + e.what());
      continue;
    }
    std::vector<std::string> config_problems = config::validate(block, schema);
    if (!config_problems.empty()) {
      problems.insert(problems.end(), config_problems.begin(), config_problems.end());
      continue;
    }
    try {
      loaded->plugin = {d.create(), d.destroy};
      if (!loaded->plugin) throw PluginError("create() returned no plugin");
      loaded->plugin->configure(block);
    } catch (const ConfigError& e) {
      problems.emplace_back(e.what());
    } catch (const std::exception& e) {
      problems.push_back("plugin '" + loaded->request.name + "': configuration refused: " + e.what());
    }
  }
  if (!problems.empty()) throw PluginError(join_lines(problems));
}

// Kahn's algorithm; among plugins that are ready at the same time, lower load_priority and
// then config order go first, so the order is stable and predictable.
void PluginHost::order_by_dependencies(const std::set<std::string>& listed, std::vector<std::string>& problems) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < plugins_.size(); ++i) index[plugins_[i]->request.name] = i;

  std::vector<std::set<std::size_t>> before(plugins_.size());  // dependencies of each plugin
  for (std::size_t i = 0; i < plugins_.size(); ++i) {
    for (const auto& dep : plugins_[i]->requires_plugins) {
      auto it = index.find(dep);
      if (it == index.end()) {
        // A listed plugin that failed to load was reported already.
        if (listed.count(dep)) continue;
        problems.push_back("plugin '" + plugins_[i]->request.name + "' requires plugin '" + dep +
                           "', which is not in the plugin list");
      } else {
        before[i].insert(it->second);
      }
    }
    for (const auto& dep : plugins_[i]->optional_plugins)
      if (auto it = index.find(dep); it != index.end()) before[i].insert(it->second);
  }

  std::vector<std::unique_ptr<Loaded>> ordered;
  std::vector<bool> placed(plugins_.size(), false);
  for (std::size_t round = 0; round < plugins_.size(); ++round) {
    std::size_t best = plugins_.size();
    for (std::size_t i = 0; i < plugins_.size(); ++i) {
      if (placed[i]) continue;
      bool ready = std::all_of(before[i].begin(), before[i].end(), [&](std::size_t d) { return placed[d]; });
      if (!ready) continue;
      if (best == plugins_.size() ||
          plugins_[i]->library.descriptor->load_priority < plugins_[best]->library.descriptor->load_priority)
        best = i;
    }
    if (best == plugins_.size()) break;
    placed[best] = true;
    ordered.push_back(std::move(plugins_[best]));
  }
  std::string cycle;
  for (std::size_t i = 0; i < plugins_.size(); ++i)
    if (!placed[i]) cycle += (cycle.empty() ? "" : ", ") + plugins_[i]->request.name;
  if (!cycle.empty()) {
    problems.push_back("plugins depend on each other in a cycle: " + cycle);
    for (std::size_t i = 0; i < plugins_.size(); ++i)
      if (!placed[i]) ordered.push_back(std::move(plugins_[i]));
  }
  plugins_ = std::move(ordered);
}

std::vector<PluginSummary> PluginHost::plan() const {
  std::vector<PluginSummary> out;
  for (const auto& loaded : plugins_) {
    const PluginDescriptor& d = *loaded->library.descriptor;
    out.push_back({d.name, d.version ? d.version : "", d.description ? d.description : "", loaded->library.path,
                   loaded->requires_plugins});
  }
  return out;
}

void PluginHost::start_all() {
  ComponentLogger log(services_.log, "plugins");
  for (; started_ < plugins_.size(); ++started_) {
    Loaded& loaded = *plugins_[started_];
    loaded.context =
        std::make_unique<PluginContext>(services_, loaded.request.name, loaded.request.config, loaded.library.library);
    try {
      loaded.plugin->start(*loaded.context);
    } catch (...) {
      std::string reason = "plugin '" + loaded.request.name + "' failed to start: " + describe_current_exception();
      services_.registry.remove_owner(loaded.request.name);
      stop_range(started_);
      throw PluginError(reason);
    }
    const char* version = loaded.library.descriptor->version;
    log.info("started " + loaded.request.name + " " + (version ? version : "(no version)") + " from " +
             loaded.library.path.string());
  }
}

void PluginHost::stop_all() { stop_range(started_); }

void PluginHost::stop_range(std::size_t count) {
  ComponentLogger log(services_.log, "plugins");
  for (std::size_t i = count; i-- > 0;) {
    Loaded& loaded = *plugins_[i];
    try {
      loaded.plugin->stop();
    } catch (const std::exception& e) {
      log.error("plugin '" + loaded.request.name + "' failed to stop cleanly: " + e.what());
    }
    services_.registry.remove_owner(loaded.request.name);
    log.info("stopped " + loaded.request.name);
  }
  started_ = 0;
}

}  // namespace junction
