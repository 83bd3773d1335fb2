#include "prefix_table.hpp"

#include <cctype>

namespace junction::prefix_routes {

ConfigSchema config_schema() {
  return ConfigSchema::map({
      {"routes",
       ConfigSchema::list(ConfigSchema::map({
           {"prefix", ConfigSchema::string(), required},
           {"target", ConfigSchema::string(), required},
           {"strip", ConfigSchema::integer(0, 32).with_default("0")},
           {"prepend", ConfigSchema::string().with_default("")},
       })),
       required},
  });
}

PrefixTable PrefixTable::from_config(const ConfigNode& routes) {
  PrefixTable table;
  for (const ConfigNode& item : routes.items()) {
    Route route;
    route.prefix = item.get_string("prefix");
    route.target = item.get_string("target");
    route.strip = static_cast<std::size_t>(item.get_int("strip"));
    route.prepend = item.get_string("prepend");
    const ConfigNode& prefix_node = *item.find("prefix");
    for (char c : route.prefix)
      if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '*' || c == '#' || c == '+'))
        throw ConfigError(prefix_node.mark(), prefix_node.path(), "a prefix may contain only digits, *, # and +");
    if (route.target.find('/') == std::string::npos) {
      const ConfigNode& target_node = *item.find("target");
      throw ConfigError(target_node.mark(), target_node.path(),
                        "expected \"driver/destination\", got '" + route.target + "'");
    }
    if (table.match(route.prefix) && table.match(route.prefix)->prefix == route.prefix)
      throw ConfigError(prefix_node.mark(), prefix_node.path(), "duplicate prefix '" + route.prefix + "'");
    table.add(std::move(route));
  }
  return table;
}

const Route* PrefixTable::match(const std::string& number) const {
  const Route* best = nullptr;
  for (const Route& route : routes_) {
    if (number.compare(0, route.prefix.size(), route.prefix) != 0) continue;
    if (!best || route.prefix.size() > best->prefix.size()) best = &route;
  }
  return best;
}

RouteDecision PrefixTable::route(const std::string& number) const {
  const Route* route = match(number);
  if (!route) return {};
  const std::string sent = route->prepend + (route->strip < number.size() ? number.substr(route->strip) : "");
  std::string target = route->target;
  const std::string placeholder = "{number}";
  for (auto at = target.find(placeholder); at != std::string::npos; at = target.find(placeholder, at + sent.size()))
    target.replace(at, placeholder.size(), sent);
  return RouteDecision{{target}, RouteDecision::Mode::sequential};
}

}  // namespace junction::prefix_routes
