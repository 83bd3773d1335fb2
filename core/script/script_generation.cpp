#include "core/script/script_generation.hpp"

#include "core/script/sandbox.hpp"
#include "core/script/script_context.hpp"
#include "core/script/script_runtime.hpp"
#include "core/script/verb_binding.hpp"

namespace junction {

namespace {

// _ENV lookups: the running call's own globals first, then what the scripts defined at load
// time, then the sandbox base (standard functions and verbs).
// Upvalues: 1 = globals table, 2 = base table.
int env_index(lua_State* L) {
  if (FlowInstance* flow = script_context::flow_of(L); flow && flow->locals_ref != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, flow->locals_ref);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TNIL) return 1;
    lua_pop(L, 2);
  }
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(2));
  return 1;
}

// _ENV assignments: a call's globals stay with that call, so one call cannot change what
// another sees. While the scripts load, assignments define the generation's globals; after
// that, code outside a call (routing rules) must use locals.
// Upvalues: 1 = globals table, 2 = the generation's "sealed" flag (a boolean in a table).
int env_newindex(lua_State* L) {
  if (FlowInstance* flow = script_context::flow_of(L)) {
    if (flow->locals_ref == LUA_NOREF) {
      lua_newtable(L);
      flow->locals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, flow->locals_ref);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
    return 0;
  }
  lua_getfield(L, lua_upvalueindex(2), "sealed");
  const bool sealed = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (sealed) {
    return luaL_error(L, "cannot set global '%s' outside a call flow (use a local)", luaL_tolstring(L, 2, nullptr));
  }
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_rawset(L, lua_upvalueindex(1));
  return 0;
}

}  // namespace

ScriptGeneration::ScriptGeneration(lua_State* L, std::uint64_t number, const ScriptSettings& settings,
                                   const ServiceRegistry& registry, ScriptRuntime* runtime)
    : L_(L), number_(number), runtime_(runtime) {
  const int top = lua_gettop(L);
  lua_newtable(L);  // globals
  const int globals = lua_gettop(L);
  lua_newtable(L);  // flags
  const int flags = lua_gettop(L);
  lua_newtable(L);  // the proxy seen as _ENV
  const int env = lua_gettop(L);

  sandbox::push_base(L, settings.directory, env, runtime->logger());
  const int base = lua_gettop(L);
  for (const auto& [name, verb] : registry.verbs()) {
    verbs_.push_back(std::make_unique<BoundVerb>(BoundVerb{verb.spec, runtime}));
    // "module.verb" goes into a module table; the module is read-only to scripts.
    const auto dot = name.find('.');
    int target = base;
    if (dot != std::string::npos) {
      const std::string module = name.substr(0, dot);
      if (lua_getfield(L, base, module.c_str()) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, base, module.c_str());
      }
      target = lua_gettop(L);
    }
    verb_binding::push_verb(L, verbs_.back().get());
    lua_setfield(L, target, dot == std::string::npos ? name.c_str() : name.c_str() + dot + 1);
    if (dot != std::string::npos) lua_pop(L, 1);
  }
  // Module tables become read-only, like the standard libraries.
  for (const auto& [name, verb] : registry.verbs()) {
    const auto dot = name.find('.');
    if (dot == std::string::npos) continue;
    const std::string module = name.substr(0, dot);
    lua_getfield(L, base, module.c_str());
    if (lua_getmetatable(L, -1)) {  // already wrapped
      lua_pop(L, 2);
      continue;
    }
    sandbox::make_read_only(L);
    lua_setfield(L, base, module.c_str());
  }

  lua_newtable(L);  // metatable of the proxy
  lua_pushvalue(L, globals);
  lua_pushvalue(L, base);
  lua_pushcclosure(L, env_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, globals);
  lua_pushvalue(L, flags);
  lua_pushcclosure(L, env_newindex, 2);
  lua_setfield(L, -2, "__newindex");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, env);

  lua_pushvalue(L, env);
  env_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, globals);
  globals_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);

  try {
    load_file(settings.routing, settings);
    load_file(settings.flow, settings);
    if (!has_function("on_call"))
      throw ScriptError(settings.flow.string() + ": does not define the function on_call(call)");
    if (!has_function("route"))
      throw ScriptError(settings.routing.string() + ": does not define the function route(request)");
  } catch (...) {
    lua_settop(L, top);
    luaL_unref(L, LUA_REGISTRYINDEX, env_ref_);
    luaL_unref(L, LUA_REGISTRYINDEX, globals_ref_);
    throw;
  }
  lua_pushboolean(L, 1);
  lua_setfield(L, flags, "sealed");
  lua_settop(L, top);
}

ScriptGeneration::~ScriptGeneration() {
  luaL_unref(L_, LUA_REGISTRYINDEX, env_ref_);
  luaL_unref(L_, LUA_REGISTRYINDEX, globals_ref_);
}

void ScriptGeneration::load_file(const std::filesystem::path& file, const ScriptSettings& settings) {
  std::string chunk_name = "@" + file.lexically_relative(settings.directory).string();
  if (chunk_name == "@" || chunk_name.rfind("@..", 0) == 0) chunk_name = "@" + file.string();
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_ref_);
  const bool loaded = sandbox::load_text_file(L_, file, chunk_name.c_str(), -1);
  if (loaded) {
    // Top-level code runs once per generation, with the budget of one flow resume.
    ScriptContext context;
    context.limit = settings.instruction_limit;
    if (runtime_->protected_call(L_, 0, 0, context) == LUA_OK) {
      lua_pop(L_, 1);
      return;
    }
  }
  std::string message = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "unknown error";
  lua_pop(L_, 2);
  throw ScriptError(message);
}

void ScriptGeneration::push_function(const char* name) const {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, globals_ref_);
  lua_getfield(L_, -1, name);
  lua_remove(L_, -2);
  if (!lua_isfunction(L_, -1)) {
    lua_pop(L_, 1);
    lua_pushnil(L_);
  }
}

bool ScriptGeneration::has_function(const char* name) const {
  push_function(name);
  const bool present = !lua_isnil(L_, -1);
  lua_pop(L_, 1);
  return present;
}

}  // namespace junction
