#include "core/script/lua_values.hpp"

#include <algorithm>
#include <vector>

namespace junction::lua {

void push(lua_State* L, const ScriptValue& value) {
  struct Pusher {
    lua_State* L;
    void operator()(std::monostate) const { lua_pushnil(L); }
    void operator()(bool b) const { lua_pushboolean(L, b); }
    void operator()(std::int64_t i) const { lua_pushinteger(L, static_cast<lua_Integer>(i)); }
    void operator()(double d) const { lua_pushnumber(L, d); }
    void operator()(const std::string& s) const { lua_pushlstring(L, s.data(), s.size()); }
    void operator()(const ScriptTable& t) const {
      lua_createtable(L, static_cast<int>(t.array.size()), static_cast<int>(t.fields.size()));
      for (std::size_t i = 0; i < t.array.size(); ++i) {
        push(L, t.array[i]);
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
      }
      for (const auto& [key, v] : t.fields) {
        push(L, v);
        lua_setfield(L, -2, key.c_str());
      }
    }
  };
  // A value nested deeper than the Lua stack allows becomes nil rather than an error that
  // would unwind over the caller's C++ objects.
  if (!lua_checkstack(L, 4)) return;
  std::visit(Pusher{L}, value.value);
}

ScriptTable headers_table(const Headers& headers) {
  ScriptTable table;
  for (const auto& [name, value] : headers) table.fields.emplace_back(name, value);
  return table;
}

namespace {

// Bounds what one conversion may build: a table that contains itself, or a small table
// referenced many times, must not turn into an unbounded C++ tree (the Lua memory cap does
// not cover the C++ heap).
struct Conversion {
  std::size_t remaining = kMaxConvertedValues;
  std::vector<const void*> path;  // tables being converted, to cut cycles
};

ScriptValue convert(lua_State* L, int index, Conversion& conversion) {
  index = lua_absindex(L, index);
  if (conversion.remaining == 0) return ScriptValue();
  --conversion.remaining;
  switch (lua_type(L, index)) {
    case LUA_TBOOLEAN:
      return ScriptValue(lua_toboolean(L, index) != 0);
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return ScriptValue(static_cast<std::int64_t>(lua_tointeger(L, index)));
      return ScriptValue(static_cast<double>(lua_tonumber(L, index)));
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, index, &len);
      return ScriptValue(std::string(s, len));
    }
    case LUA_TTABLE: {
      ScriptTable table;
      const void* identity = lua_topointer(L, index);
      if (conversion.path.size() >= kMaxConvertedDepth ||
          std::find(conversion.path.begin(), conversion.path.end(), identity) != conversion.path.end() ||
          !lua_checkstack(L, 3))
        return ScriptValue(std::move(table));
      conversion.path.push_back(identity);
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
      for (lua_Integer i = 1; i <= n && conversion.remaining > 0; ++i) {
        lua_rawgeti(L, index, i);
        table.array.push_back(convert(L, -1, conversion));
        lua_pop(L, 1);
      }
      lua_pushnil(L);
      while (lua_next(L, index) != 0) {
        // Copy the key before converting: lua_tolstring on a number key would confuse next().
        if (lua_type(L, -2) == LUA_TSTRING && conversion.remaining > 0)
          table.fields.emplace_back(lua_tostring(L, -2), convert(L, -1, conversion));
        lua_pop(L, 1);
      }
      conversion.path.pop_back();
      return ScriptValue(std::move(table));
    }
    default:
      return ScriptValue();
  }
}

}  // namespace

ScriptValue to_value(lua_State* L, int index) {
  Conversion conversion;
  return convert(L, index, conversion);
}

const char* type_name(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TNUMBER && lua_isinteger(L, index)) return "integer";
  return luaL_typename(L, index);
}

}  // namespace junction::lua
