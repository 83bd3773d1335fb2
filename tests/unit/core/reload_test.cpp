// Reloading scripts (SIGHUP): new calls get the new scripts, running calls keep theirs, and a
// broken script changes nothing.
#include <gtest/gtest.h>

#include "flow_harness.hpp"
#include "junction/cause.hpp"

using namespace std::chrono_literals;
using junction::testing::FlowHarness;

namespace junction {
namespace {

TEST(Reload, RunningCallsKeepTheirScriptsNewCallsGetTheNewOnes) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  sleep(1000)
  log("old script finishing " .. call.id)
  hangup(16)
end)");
  ASSERT_EQ(h.load(), "");
  const LegId old_call = h.call();
  EXPECT_EQ(h.runtime->generation(), 1u);

  h.write("flows/default.lua", R"(
function on_call(call)
  log("new script " .. call.id)
  hangup(17)
end)");
  ASSERT_TRUE(h.runtime->reload());
  EXPECT_EQ(h.runtime->generation(), 2u);

  const LegId new_call = h.call();
  EXPECT_TRUE(h.leg(new_call).ended);
  EXPECT_EQ(h.leg(new_call).end_cause, cause::user_busy);
  EXPECT_FALSE(h.leg(old_call).ended);

  h.loop.advance(1000ms);
  EXPECT_TRUE(h.leg(old_call).ended);
  EXPECT_EQ(h.leg(old_call).end_cause, cause::normal_clearing);
  EXPECT_NE(h.log().find("old script finishing c-1"), std::string::npos) << h.log();
  EXPECT_NE(h.log().find("new script c-2"), std::string::npos) << h.log();
}

TEST(Reload, BrokenScriptKeepsTheCurrentGeneration) {
  FlowHarness h("function on_call(call) hangup(17) end");
  ASSERT_EQ(h.load(), "");
  h.write("flows/default.lua", "function on_call(call)\n  hangup(\nend");
  EXPECT_FALSE(h.runtime->reload());
  EXPECT_EQ(h.runtime->generation(), 1u);
  EXPECT_NE(h.log().find("script reload failed, keeping generation 1: flows/default.lua:3:"), std::string::npos)
      << h.log();
  const LegId leg = h.call();
  EXPECT_EQ(h.leg(leg).end_cause, cause::user_busy);
}

TEST(Reload, LoadErrorsNameFileAndLine) {
  {
    FlowHarness h("function on_call(call)\n  x = = 1\nend");
    EXPECT_NE(h.load().find("flows/default.lua:2:"), std::string::npos);
  }
  {
    FlowHarness h("function not_the_entry() end");
    EXPECT_NE(h.load().find("does not define the function on_call(call)"), std::string::npos);
  }
  {
    FlowHarness h("function on_call(call) end", "-- no route here\n");
    EXPECT_NE(h.load().find("does not define the function route(request)"), std::string::npos);
  }
  {
    FlowHarness h("answer()\nfunction on_call(call) end");
    EXPECT_NE(h.load().find("flows/default.lua:1: answer: only available inside a call flow"), std::string::npos)
        << h.load();
  }
  {
    FlowHarness h("while true do end\nfunction on_call(call) end");
    EXPECT_NE(h.load().find("flows/default.lua:1: instruction budget"), std::string::npos);
  }
}

}  // namespace
}  // namespace junction
