// Moving values between Lua and the SDK's ScriptValue (which carries no Lua header).
#pragma once

#include <lua.hpp>

#include "junction/script.hpp"

namespace junction::lua {

void push(lua_State* L, const ScriptValue& value);
/// Header fields as a table of name -> value (the last of repeated names wins).
ScriptTable headers_table(const Headers& headers);
inline constexpr std::size_t kMaxConvertedValues = 100'000;
inline constexpr std::size_t kMaxConvertedDepth = 16;

/// Converts the value at `index`. Functions, userdata and threads become nil. A table that
/// contains itself is cut where it repeats, nesting deeper than kMaxConvertedDepth is cut,
/// and conversion stops after kMaxConvertedValues values (the rest become nil / absent).
ScriptValue to_value(lua_State* L, int index);
/// Lua's name for the type of the value at `index`, or "integer" for integral numbers.
const char* type_name(lua_State* L, int index);

}  // namespace junction::lua
