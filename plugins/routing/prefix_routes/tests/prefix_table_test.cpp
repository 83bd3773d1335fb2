#include "prefix_table.hpp"

#include <gtest/gtest.h>

namespace junction::prefix_routes {
namespace {

TEST(PrefixTable, LongestPrefixWinsAndDigitsAreManipulated) {
  PrefixTable table;
  table.add({"0", "trunk-a/{number}", 1, "+49"});
  table.add({"00", "trunk-b/{number}", 2, "+"});
  table.add({"", "loopback/busy", 0, ""});
  EXPECT_EQ(table.route("030123").targets, std::vector<std::string>{"trunk-a/+4930123"});
  EXPECT_EQ(table.route("0033123").targets, std::vector<std::string>{"trunk-b/+33123"});
  EXPECT_EQ(table.route("1001").targets, std::vector<std::string>{"loopback/busy"});
}

TEST(PrefixTable, NoMatchIsAnEmptyDecision) {
  PrefixTable table;
  table.add({"9", "loopback/answer", 0, ""});
  EXPECT_TRUE(table.route("1001").targets.empty());
  EXPECT_EQ(table.match("1001"), nullptr);
}

TEST(PrefixTable, StripLongerThanTheNumberSendsOnlyThePrepend) {
  PrefixTable table;
  table.add({"9", "x/{number}", 5, "p"});
  EXPECT_EQ(table.route("91").targets, std::vector<std::string>{"x/p"});
}

}  // namespace
}  // namespace junction::prefix_routes
