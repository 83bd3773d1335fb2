#include "core/script/sandbox.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/script/script_context.hpp"

namespace junction::sandbox {

namespace {

// Functions in this file follow one rule: no C++ object with a destructor may be alive when
// Lua can raise an error (it longjmps), so C++ work happens in helpers that return before.

int refuse_write(lua_State* L) {
  return luaL_error(L, "attempt to modify a read-only library table (field '%s')", luaL_optstring(L, 2, "?"));
}

}  // namespace

void make_read_only(lua_State* L) {
  lua_newtable(L);  // proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, refuse_write);
  lua_setfield(L, -2, "__newindex");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_remove(L, -2);
}

namespace {

// Copies the listed fields of global library `lib` into a new read-only table.
void push_library_subset(lua_State* L, const char* lib, const char* const* fields) {
  lua_getglobal(L, lib);
  lua_newtable(L);
  for (; *fields; ++fields) {
    lua_getfield(L, -2, *fields);
    lua_setfield(L, -2, *fields);
  }
  lua_remove(L, -2);
  make_read_only(L);
}

std::string context_of(lua_State* L) {
  FlowInstance* flow = script_context::flow_of(L);
  return flow ? "call=" + flow->call.call_id : std::string();
}

int sandbox_print(lua_State* L) {
  auto* logger = static_cast<Logger*>(lua_touserdata(L, lua_upvalueindex(1)));
  const int n = lua_gettop(L);
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&buffer, '\t');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&buffer);
  }
  luaL_pushresult(&buffer);
  const char* text = lua_tostring(L, -1);
  logger->write(LogLevel::info, context_of(L), text);
  return 0;
}

// load(chunk [, chunkname [, mode [, env]]]): text chunks only; env defaults to the sandbox.
int sandbox_load(lua_State* L) {
  std::size_t len = 0;
  const char* text = lua_tolstring(L, 1, &len);
  if (!text) {
    lua_pushnil(L);
    lua_pushliteral(L, "load: only string chunks are allowed in the sandbox");
    return 2;
  }
  const char* name = luaL_optstring(L, 2, "=(load)");
  const char* mode = luaL_optstring(L, 3, "t");
  if (std::strcmp(mode, "t") != 0) {
    lua_pushnil(L);
    lua_pushliteral(L, "load: binary chunks are not allowed in the sandbox");
    return 2;
  }
  const int has_env = !lua_isnone(L, 4);
  if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushvalue(L, has_env ? 4 : lua_upvalueindex(1));
  lua_setupvalue(L, -2, 1);
  return 1;
}

// setmetatable without the metamethods that escape the budget or the call: __gc finalizers
// run whenever and on whichever call's thread the collector happens to run, without hooks;
// __len makes the table library's C loops run as long as it says.
int sandbox_setmetatable(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_type(L, 2) == LUA_TTABLE) {
    for (const char* field : {"__gc", "__len"}) {
      if (lua_getfield(L, 2, field) != LUA_TNIL)
        return luaL_error(L, "setmetatable: %s is not allowed in the sandbox", field);
      lua_pop(L, 1);
    }
  }
  lua_getglobal(L, "setmetatable");
  lua_insert(L, 1);
  lua_settop(L, 3);
  lua_call(L, 2, 1);
  return 1;
}

bool valid_module_name(const char* name) {
  if (!*name || *name == '.') return false;
  char previous = '.';
  for (const char* p = name; *p; ++p) {
    const bool ok = std::isalnum(static_cast<unsigned char>(*p)) || *p == '_' || (*p == '.' && previous != '.');
    if (!ok) return false;
    previous = *p;
  }
  return previous != '.';
}

// Resolves a module name to a file inside the scripts directory; empty when it is not there.
std::string module_path(const std::filesystem::path& dir, const char* name, std::string& chunk_name) {
  std::string relative(name);
  for (char& c : relative)
    if (c == '.') c = '/';
  relative += ".lua";
  std::error_code ec;
  const auto root = std::filesystem::weakly_canonical(dir, ec);
  const auto file = std::filesystem::weakly_canonical(dir / relative, ec);
  if (ec || !std::filesystem::is_regular_file(file, ec)) return {};
  // A symlink must not lead out of the scripts directory.
  auto mismatch = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (mismatch.first != root.end()) return {};
  chunk_name = "@" + relative;
  return file.string();
}

// require(name): upvalues 1 = environment, 2 = cache table, 3 = scripts directory.
int sandbox_require(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  if (!valid_module_name(name)) return luaL_error(L, "require: module name '%s' is not allowed", name);
  lua_getfield(L, lua_upvalueindex(2), name);
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  bool found = false;
  bool loaded = false;
  {
    std::string chunk_name;
    const std::string file = module_path(lua_tostring(L, lua_upvalueindex(3)), name, chunk_name);
    found = !file.empty();
    if (found) loaded = load_text_file(L, file, chunk_name.c_str(), lua_upvalueindex(1));
  }
  if (!found) return luaL_error(L, "require: module '%s' not found in the scripts directory", name);
  if (!loaded) return lua_error(L);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, lua_upvalueindex(2), name);
  return 1;
}

const char* const kSafeGlobals[] = {"assert", "error",    "ipairs",       "next", "pairs",  "pcall",
                                    "select", "tonumber", "tostring",     "type", "xpcall", "rawequal",
                                    "rawlen", "rawget",   "getmetatable", nullptr};
const char* const kStringFields[] = {"byte",  "char",  "find",     "format", "gmatch",  "gsub",
                                     "len",   "lower", "match",    "rep",    "reverse", "sub",
                                     "upper", "pack",  "packsize", "unpack", nullptr};
// table.move is left out: it loops in C over any index range it is given, where the
// instruction budget cannot see it.
const char* const kTableFields[] = {"concat", "insert", "pack", "remove", "sort", "unpack", nullptr};
const char* const kMathFields[] = {"abs",  "ceil", "cos",    "deg",        "exp",  "floor",      "fmod",
                                   "huge", "log",  "max",    "maxinteger", "min",  "mininteger", "modf",
                                   "pi",   "rad",  "random", "sin",        "sqrt", "tan",        "tointeger",
                                   "type", "ult",  "atan",   "asin",       "acos", nullptr};
const char* const kOsFields[] = {"time", "clock", "date", "difftime", nullptr};
const char* const kUtf8Fields[] = {"char", "charpattern", "codes", "codepoint", "len", "offset", nullptr};

}  // namespace

bool load_text_file(lua_State* L, const std::filesystem::path& file, const char* chunk_name, int env_index) {
  env_index = lua_absindex(L, env_index);
  int status;
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      lua_pushfstring(L, "cannot read %s", file.c_str());
      return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    status = luaL_loadbufferx(L, content.data(), content.size(), chunk_name, "t");
  }
  if (status != LUA_OK) return false;
  lua_pushvalue(L, env_index);
  lua_setupvalue(L, -2, 1);
  return true;
}

void push_base(lua_State* L, const std::filesystem::path& scripts_dir, int env_index, Logger& logger) {
  env_index = lua_absindex(L, env_index);
  lua_newtable(L);
  for (const char* const* name = kSafeGlobals; *name; ++name) {
    lua_getglobal(L, *name);
    lua_setfield(L, -2, *name);
  }
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "unpack");
  lua_setfield(L, -3, "unpack");
  lua_pop(L, 1);
  lua_pushliteral(L, LUA_VERSION);
  lua_setfield(L, -2, "_VERSION");
  lua_pushvalue(L, env_index);
  lua_setfield(L, -2, "_G");

  push_library_subset(L, "string", kStringFields);
  lua_setfield(L, -2, "string");
  push_library_subset(L, "table", kTableFields);
  lua_setfield(L, -2, "table");
  push_library_subset(L, "math", kMathFields);
  lua_setfield(L, -2, "math");
  push_library_subset(L, "os", kOsFields);
  lua_setfield(L, -2, "os");
  push_library_subset(L, "utf8", kUtf8Fields);
  lua_setfield(L, -2, "utf8");

  lua_pushcfunction(L, sandbox_setmetatable);
  lua_setfield(L, -2, "setmetatable");

  lua_pushlightuserdata(L, &logger);
  lua_pushcclosure(L, sandbox_print, 1);
  lua_setfield(L, -2, "print");

  lua_pushvalue(L, env_index);
  lua_pushcclosure(L, sandbox_load, 1);
  lua_setfield(L, -2, "load");

  lua_pushvalue(L, env_index);
  lua_newtable(L);
  lua_pushstring(L, scripts_dir.c_str());
  lua_pushcclosure(L, sandbox_require, 3);
  lua_setfield(L, -2, "require");
}

}  // namespace junction::sandbox
