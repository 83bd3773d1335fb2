#include "core/script/verb_binding.hpp"

#include "core/script/lua_values.hpp"
#include "core/script/script_runtime.hpp"

namespace junction::verb_binding {

namespace {

const char* type_label(ParamType type) {
  switch (type) {
    case ParamType::string:
      return "a string";
    case ParamType::integer:
      return "an integer";
    case ParamType::number:
      return "a number";
    case ParamType::boolean:
      return "a boolean";
    case ParamType::table:
      return "a table";
    case ParamType::any:
      return "a value";
  }
  return "a value";
}

bool matches(lua_State* L, int index, ParamType type) {
  switch (type) {
    case ParamType::string:
      return lua_type(L, index) == LUA_TSTRING;
    case ParamType::integer:
      return lua_type(L, index) == LUA_TNUMBER && lua_isinteger(L, index);
    case ParamType::number:
      return lua_type(L, index) == LUA_TNUMBER;
    case ParamType::boolean:
      return lua_type(L, index) == LUA_TBOOLEAN;
    case ParamType::table:
      return lua_type(L, index) == LUA_TTABLE;
    case ParamType::any:
      return true;
  }
  return false;
}

// Lua side of every verb. Errors and yields are raised here, after ScriptRuntime::invoke_verb
// has returned and every C++ object it used is gone (Lua unwinds with longjmp).
int trampoline(lua_State* L) {
  auto* verb = static_cast<BoundVerb*>(lua_touserdata(L, lua_upvalueindex(1)));
  const int results = verb->runtime->invoke_verb(L, *verb);
  if (results == ScriptRuntime::kVerbError) return lua_error(L);
  if (results == ScriptRuntime::kVerbYield) return lua_yield(L, 0);
  return results;
}

}  // namespace

void push_verb(lua_State* L, BoundVerb* verb) {
  lua_pushlightuserdata(L, verb);
  lua_pushcclosure(L, trampoline, 1);
}

bool check_arguments(lua_State* L, const VerbSpec& spec) {
  const int given = lua_gettop(L);
  const int declared = static_cast<int>(spec.params.size());
  if (given > declared) {
    lua_pushfstring(L, "%s: takes at most %d argument%s, got %d", spec.name.c_str(), declared, declared == 1 ? "" : "s",
                    given);
    return false;
  }
  for (int i = 0; i < declared; ++i) {
    const ParamSpec& param = spec.params[static_cast<std::size_t>(i)];
    const int index = i + 1;
    if (index > given || lua_isnil(L, index)) {
      if (param.optional) continue;
      lua_pushfstring(L, "%s: argument %d (%s) is missing; expected %s", spec.name.c_str(), index, param.name.c_str(),
                      type_label(param.type));
      return false;
    }
    if (!matches(L, index, param.type)) {
      lua_pushfstring(L, "%s: argument %d (%s) must be %s, got %s", spec.name.c_str(), index, param.name.c_str(),
                      type_label(param.type), lua::type_name(L, index));
      return false;
    }
  }
  return true;
}

}  // namespace junction::verb_binding
