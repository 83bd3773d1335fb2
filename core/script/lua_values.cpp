#include "core/script/lua_values.hpp"

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
  luaL_checkstack(L, 4, "push");
  std::visit(Pusher{L}, value.value);
}

ScriptTable headers_table(const Headers& headers) {
  ScriptTable table;
  for (const auto& [name, value] : headers) table.fields.emplace_back(name, value);
  return table;
}

ScriptValue to_value(lua_State* L, int index, int depth) {
  index = lua_absindex(L, index);
  switch (lua_type(L, index)) {
    case LUA_TBOOLEAN: return ScriptValue(lua_toboolean(L, index) != 0);
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
      if (depth >= 16) return ScriptValue(std::move(table));
      luaL_checkstack(L, 3, "to_value");
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L, index, i);
        table.array.push_back(to_value(L, -1, depth + 1));
        lua_pop(L, 1);
      }
      lua_pushnil(L);
      while (lua_next(L, index) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING) {
          table.fields.emplace_back(lua_tostring(L, -2), to_value(L, -1, depth + 1));
        }
        lua_pop(L, 1);
      }
      return ScriptValue(std::move(table));
    }
    default: return ScriptValue();
  }
}

const char* type_name(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TNUMBER && lua_isinteger(L, index)) return "integer";
  return luaL_typename(L, index);
}

}  // namespace junction::lua
