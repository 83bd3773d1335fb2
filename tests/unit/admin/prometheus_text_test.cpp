#include "core/metrics/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace junction {
namespace {

TEST(PrometheusText, EscapesLabelValues) {
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(PrometheusText, HelpKeepsQuotes) { EXPECT_EQ(escape_help("say \"hi\"\\\n"), "say \"hi\"\\\\\\n"); }

TEST(PrometheusText, FormatsLabelsInGivenOrder) {
  EXPECT_EQ(format_labels({}), "");
  EXPECT_EQ(format_labels({{"b", "1"}, {"a", "x\"y"}}), "{b=\"1\",a=\"x\\\"y\"}");
}

TEST(PrometheusText, FormatsValuesShortestRoundTrip) {
  EXPECT_EQ(format_sample_value(0), "0");
  EXPECT_EQ(format_sample_value(3), "3");
  EXPECT_EQ(format_sample_value(0.1), "0.1");
  EXPECT_EQ(format_sample_value(1e21), "1e+21");
  EXPECT_EQ(format_sample_value(std::nan("")), "NaN");
  EXPECT_EQ(format_sample_value(-INFINITY), "-Inf");
}

}  // namespace
}  // namespace junction
