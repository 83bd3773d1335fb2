// A longest-prefix routing table: dialled number -> target, with digit manipulation.
#pragma once

#include <string>
#include <vector>

#include "junction/config.hpp"
#include "junction/routing.hpp"

namespace junction::prefix_routes {

struct Route {
  std::string prefix;     ///< digits (and * # +) the number must start with; "" matches all
  std::string target;     ///< "driver/destination"; "{number}" is replaced by the number sent
  std::size_t strip = 0;  ///< leading digits removed before sending
  std::string prepend;    ///< added in front after stripping
};

class PrefixTable {
 public:
  /// Builds the table from the plugin's validated `routes` list. Throws ConfigError on a
  /// duplicate prefix or a strip longer than the prefix.
  static PrefixTable from_config(const ConfigNode& routes);

  void add(Route route) { routes_.push_back(std::move(route)); }
  /// The longest matching prefix wins; nullptr when none matches.
  const Route* match(const std::string& number) const;
  /// The target for `number` after digit manipulation, or an empty decision.
  RouteDecision route(const std::string& number) const;
  std::size_t size() const { return routes_.size(); }

 private:
  std::vector<Route> routes_;
};

/// The schema of the plugin's config block.
ConfigSchema config_schema();

}  // namespace junction::prefix_routes
