// Lua access to the location service: location.lookup(extension).
#pragma once

#include "core/plugins/service_registry.hpp"
#include "junction/location.hpp"

namespace junction {

void register_location_verbs(ServiceRegistry& registry, LocationService& location);

}  // namespace junction
