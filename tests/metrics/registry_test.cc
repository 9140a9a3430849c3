#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace restock::metrics {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

TEST(RegistryTest, SameNameAndLabelsReturnSameCounter) {
  Registry registry;
  Counter& a = registry.GetCounter("x_total", "X.", {{"a", "1"}, {"b", "2"}});
  Counter& b = registry.GetCounter("x_total", "X.", {{"b", "2"}, {"a", "1"}});
  Counter& c = registry.GetCounter("x_total", "X.", {{"a", "1"}, {"b", "3"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  a.Inc();
  b.Inc(4);
  EXPECT_EQ(a.Value(), 5u);
  EXPECT_EQ(c.Value(), 0u);
}

TEST(RegistryTest, RendersCounterFamilyWithHelpAndTypeOnce) {
  Registry registry;
  registry.GetCounter("req_total", "Requests.", {{"code", "200"}}).Inc(3);
  registry.GetCounter("req_total", "Requests.", {{"code", "404"}}).Inc();
  registry.GetCounter("plain_total", "No labels.").Inc(7);
  const std::string text = registry.RenderPrometheus();
  EXPECT_EQ(Count(text, "# HELP req_total Requests.\n"), 1u);
  EXPECT_EQ(Count(text, "# TYPE req_total counter\n"), 1u);
  EXPECT_TRUE(Contains(text, "req_total{code=\"200\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "req_total{code=\"404\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "plain_total 7\n")) << text;
  // Families are sorted by name.
  EXPECT_LT(text.find("plain_total"), text.find("req_total"));
}

TEST(RegistryTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.GetCounter("esc_total", "Line one\nback\\slash", {{"v", "a\"b\\c\nd"}}).Inc();
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "# HELP esc_total Line one\\nback\\\\slash\n")) << text;
  EXPECT_TRUE(Contains(text, "esc_total{v=\"a\\\"b\\\\c\\nd\"} 1\n")) << text;
}

TEST(RegistryTest, HistogramBucketsAreCumulativeAndInclusive) {
  Registry registry;
  Histogram& h = registry.GetHistogram("lat_seconds", "Latency.", {0.1, 1}, {{"route", "r"}});
  h.Observe(0.05);
  h.Observe(0.1);  // on the bound: counts in le="0.1"
  h.Observe(0.5);
  h.Observe(7);
  const Histogram::Snapshot s = h.Read();
  ASSERT_EQ(s.cumulative.size(), 3u);
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[1], 3u);
  EXPECT_EQ(s.cumulative[2], 4u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum, 7.65);

  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "# TYPE lat_seconds histogram\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_seconds_bucket{route=\"r\",le=\"1\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_seconds_sum{route=\"r\"} 7.65\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_seconds_count{route=\"r\"} 4\n")) << text;
}

TEST(RegistryTest, HistogramWithoutLabelsRendersOnlyLe) {
  Registry registry;
  registry.GetHistogram("h", "H.", {0.0005}).Observe(0.0001);
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "h_bucket{le=\"0.0005\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "h_count 1\n")) << text;
}

TEST(RegistryTest, GaugeIsSampledAtRenderAndCanBeReplaced) {
  Registry registry;
  double value = 1.5;
  registry.SetGauge("queue_depth", "Depth.", [&value] { return value; });
  EXPECT_TRUE(Contains(registry.RenderPrometheus(), "queue_depth 1.5\n"));
  value = 42;
  EXPECT_TRUE(Contains(registry.RenderPrometheus(), "queue_depth 42\n"));
  registry.SetGauge("queue_depth", "Depth.", [] { return -3.0; });
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "queue_depth -3\n")) << text;
  EXPECT_EQ(Count(text, "# TYPE queue_depth gauge\n"), 1u);
}

TEST(RegistryTest, GaugeMayUseTheRegistryWhileRendering) {
  Registry registry;
  registry.SetGauge("self", "Reads a counter.", [&registry] {
    return static_cast<double>(registry.GetCounter("inner_total", "Inner.").Value());
  });
  EXPECT_TRUE(Contains(registry.RenderPrometheus(), "self 0\n"));
}

TEST(RegistryTest, ConcurrentIncrementsAndObservationsAreAllCounted) {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry] {
      Counter& c = registry.GetCounter("hits_total", "Hits.");
      Histogram& h = registry.GetHistogram("obs", "Obs.", DefaultLatencyBuckets());
      for (int i = 0; i < kPerThread; ++i) {
        c.Inc();
        h.Observe(0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(registry.GetCounter("hits_total", "Hits.").Value(),
            static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(registry.GetHistogram("obs", "Obs.", DefaultLatencyBuckets()).Read().count,
            static_cast<std::uint64_t>(kThreads * kPerThread));
}

TEST(RegistryDeathTest, OneNameWithTwoTypesAborts) {
  Registry registry;
  registry.GetCounter("dual", "D.");
  EXPECT_DEATH(registry.GetHistogram("dual", "D.", {1}), "two types");
}

TEST(RegistryDeathTest, InvalidNamesAbort) {
  Registry registry;
  EXPECT_DEATH(registry.GetCounter("bad-name", "B."), "invalid metric name");
  EXPECT_DEATH(registry.GetCounter("ok", "B.", {{"le", "1"}}), "invalid label name");
}

TEST(RegistryDeathTest, UnsortedBoundsAbort) {
  Registry registry;
  EXPECT_DEATH(registry.GetHistogram("h", "H.", {1, 0.5}), "strictly increasing");
}

}  // namespace
}  // namespace restock::metrics
