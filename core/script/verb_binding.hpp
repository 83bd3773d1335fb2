// Verbs as Lua functions: argument checks from the declaration, then the handler; the
// calling coroutine yields until the verb's Completion is resolved.
#pragma once

#include <lua.hpp>

#include "core/script/script_generation.hpp"

namespace junction::verb_binding {

/// Pushes the Lua function for `verb` (which must outlive the function).
void push_verb(lua_State* L, BoundVerb* verb);

/// Checks the arguments on the stack against the verb's parameters. On a problem, pushes
/// "verb: problem" and returns false.
bool check_arguments(lua_State* L, const VerbSpec& spec);

}  // namespace junction::verb_binding
