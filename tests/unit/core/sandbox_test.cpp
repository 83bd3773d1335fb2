// Escapes from the script sandbox, tried and refused. Each snippet runs as a call flow; a
// refused escape is a script error (the call fails) whose message says why.
#include <gtest/gtest.h>

#include <filesystem>

#include "flow_harness.hpp"
#include "junction/cause.hpp"

using junction::testing::FlowHarness;

namespace junction {
namespace {

struct Escape {
  const char* name;
  const char* code;
  const char* message;  ///< part of the script error
};

class SandboxEscape : public ::testing::TestWithParam<Escape> {};

TEST_P(SandboxEscape, IsRefused) {
  const Escape& escape = GetParam();
  FlowHarness h(std::string("function on_call(call)\n") + escape.code + "\nanswer()\nend");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_FALSE(h.leg(leg).answered) << "the escape must stop the flow: " << escape.code;
  EXPECT_EQ(h.leg(leg).end_cause, cause::temporary_failure);
  EXPECT_NE(h.log().find(escape.message), std::string::npos) << escape.code << "\n" << h.log();
}

INSTANTIATE_TEST_SUITE_P(
    Sandbox, SandboxEscape,
    ::testing::Values(
        Escape{"io", "io.open('/etc/passwd')", "attempt to index a nil value (global 'io')"},
        Escape{"os_execute", "os.execute('true')", "attempt to call a nil value (field 'execute')"},
        Escape{"os_exit", "os.exit(1)", "attempt to call a nil value (field 'exit')"},
        Escape{"os_getenv", "os.getenv('HOME')", "attempt to call a nil value (field 'getenv')"},
        Escape{"debug", "debug.getinfo(1)", "attempt to index a nil value (global 'debug')"},
        Escape{"package", "package.loadlib('x', 'y')", "attempt to index a nil value (global 'package')"},
        Escape{"dofile", "dofile('/etc/passwd')", "attempt to call a nil value (global 'dofile')"},
        Escape{"loadfile", "loadfile('/etc/passwd')", "attempt to call a nil value (global 'loadfile')"},
        Escape{"collectgarbage", "collectgarbage('stop')", "attempt to call a nil value (global 'collectgarbage')"},
        Escape{"coroutine", "coroutine.yield()", "attempt to index a nil value (global 'coroutine')"},
        Escape{"string_dump", "string.dump(on_call)", "attempt to call a nil value (field 'dump')"},
        Escape{"rawset", "rawset(_G, 'x', 1)", "attempt to call a nil value (global 'rawset')"},
        Escape{"binary_chunk", "assert(load('\\27Lua\\84\\0', 'x', 'b'))", "binary chunks are not allowed"},
        Escape{"binary_chunk_default_mode", "assert(load('\\27Lua\\84\\0'))", "attempt to load a binary chunk"},
        Escape{"library_write", "string.upper = function() return 'pwned' end", "read-only library table"},
        Escape{"string_metatable", "getmetatable('').__index.upper = nil",
               "attempt to index a nil value (field '__index')"},
        Escape{"env_metatable", "setmetatable(_G, {})", "cannot change a protected metatable"},
        Escape{"require_parent", "require('..etc.passwd')", "module name '..etc.passwd' is not allowed"},
        Escape{"require_path", "require('/etc/passwd')", "module name '/etc/passwd' is not allowed"},
        Escape{"require_missing", "require('nope')", "module 'nope' not found in the scripts directory"},
        Escape{"table_move", "table.move({}, 1, math.maxinteger - 1, 1, {})",
               "attempt to call a nil value (field 'move')"},
        Escape{"gc_finalizer", "setmetatable({}, {__gc = function() end})", "__gc is not allowed in the sandbox"},
        Escape{"len_metamethod", "setmetatable({}, {__len = function() return 2^62 end})",
               "__len is not allowed in the sandbox"},
        Escape{"string_dump_via_metatable", "local d = ('').dump; d(on_call)",
               "attempt to call a nil value (local 'd')"},
        Escape{"require_symlink_out", "require('outside')", "module 'outside' not found in the scripts directory"}),
    [](const ::testing::TestParamInfo<Escape>& info) { return info.param.name; });

TEST(Sandbox, RequireLoadsModulesFromTheScriptsDirectory) {
  FlowHarness h(R"(
local greet = require("lib.greeting")
function on_call(call)
  log(greet(call.caller))
end)");
  h.write("lib/greeting.lua", "return function(who) return 'hello ' .. who end\n");
  ASSERT_EQ(h.load(), "");
  h.call("100", "alice");
  EXPECT_NE(h.log().find("hello alice"), std::string::npos) << h.log();
}

TEST(Sandbox, SymlinkOutOfTheScriptsDirectoryIsNotFollowed) {
  FlowHarness h("function on_call(call) require('outside') end");
  const auto outside =
      std::filesystem::temp_directory_path() / ("junction-outside-" + std::to_string(::getpid()) + ".lua");
  { std::ofstream(outside) << "answer() return true\n"; }
  std::filesystem::create_symlink(outside, h.dir() / "outside.lua");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_FALSE(h.leg(leg).answered);
  EXPECT_NE(h.log().find("module 'outside' not found"), std::string::npos) << h.log();
  std::filesystem::remove(outside);
}

TEST(Sandbox, TextLoadRunsInTheSandbox) {
  FlowHarness h(R"(
function on_call(call)
  local f = assert(load("return io == nil and os.execute == nil"))
  log("sandboxed load: " .. tostring(f()))
end)");
  ASSERT_EQ(h.load(), "");
  h.call();
  EXPECT_NE(h.log().find("sandboxed load: true"), std::string::npos) << h.log();
}

TEST(Sandbox, MemoryCapStopsTheFlowNotTheDaemon) {
  FlowHarness h(R"(
function on_call(call)
  local t = {}
  for i = 1, 1e9 do t[i] = string.rep("x", 1024) .. i end
end)",
                junction::testing::kDefaultRouting, 1'000'000'000, 16u << 20);
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_TRUE(h.leg(leg).ended);
  EXPECT_NE(h.log().find("not enough memory"), std::string::npos) << h.log();
  // The state is still usable for the next call.
  h.write("flows/default.lua", "function on_call(call) log('still alive') end");
  ASSERT_TRUE(h.runtime->reload());
  h.call();
  EXPECT_NE(h.log().find("still alive"), std::string::npos);
}

}  // namespace
}  // namespace junction
