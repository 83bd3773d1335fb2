// docs/lua-api.md, generated from the verb declarations (the single source of truth).
#pragma once

#include <string>

#include "core/plugins/service_registry.hpp"

namespace junction {

/// Markdown reference of the script API: the flow model, the sandbox and every registered verb.
std::string render_lua_api(const ServiceRegistry& registry);

}  // namespace junction
