// Moving values between Lua and the SDK's ScriptValue (which carries no Lua header).
#pragma once

#include <lua.hpp>

#include "junction/script.hpp"

namespace junction::lua {

void push(lua_State* L, const ScriptValue& value);
/// Header fields as a table of name -> value (the last of repeated names wins).
ScriptTable headers_table(const Headers& headers);
/// Converts the value at `index`. Functions, userdata and threads become nil; nested tables
/// deeper than 16 levels are cut off (a cycle must not hang the loop).
ScriptValue to_value(lua_State* L, int index, int depth = 0);
/// Lua's name for the type of the value at `index`, or "integer" for integral numbers.
const char* type_name(lua_State* L, int index);

}  // namespace junction::lua
