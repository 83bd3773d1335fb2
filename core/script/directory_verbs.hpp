// Lua access to the user directory: directory.lookup(extension).
#pragma once

#include "core/plugins/service_registry.hpp"
#include "junction/directory.hpp"

namespace junction {

void register_directory_verbs(ServiceRegistry& registry, const Directory& directory);

}  // namespace junction
