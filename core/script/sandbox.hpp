// The sandboxed environment scripts run in: safe standard functions, read-only library
// tables, print() to the log, load() of text chunks only, require() confined to the scripts
// directory. No io, os.execute, debug, package, dofile, loadfile, string.dump or coroutine.
#pragma once

#include <filesystem>

#include <lua.hpp>

#include "junction/logger.hpp"

namespace junction::sandbox {

/// Pushes a new base table. `env_index` is the stack index of the environment that chunks
/// loaded through load() and require() get as their _ENV.
void push_base(lua_State* L, const std::filesystem::path& scripts_dir, int env_index, Logger& logger);

/// Replaces the table at the top of the stack with a read-only proxy of it.
void make_read_only(lua_State* L);

/// Loads a text chunk from `file` with `chunk_name` ("@flows/default.lua") and sets its _ENV
/// to the value at `env_index`. On success pushes the function and returns true; on failure
/// pushes the error message and returns false. Binary chunks are refused.
bool load_text_file(lua_State* L, const std::filesystem::path& file, const char* chunk_name, int env_index);

}  // namespace junction::sandbox
