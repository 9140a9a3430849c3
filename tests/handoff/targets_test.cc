// Placement targets (handoff/targets.h): defaults, changes, removal and every refusal.
#include "handoff/targets.h"

#include <gtest/gtest.h>

namespace restock::handoff {
namespace {

TEST(TargetsTest, UrlAloneTakesTheDefaults) {
  TargetChange c;
  c.url = "https://shop.example.com/orders";
  auto t = ApplyTargetChange(std::nullopt, c, core::TargetPolicy());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(**t, (model::PlacementTarget{"https://shop.example.com/orders",
                                         model::PlacementFormat::kXml, 4, 30000, 3}));
}

TEST(TargetsTest, SettingsChangeOnlyWhatIsGiven) {
  model::PlacementTarget current{"https://a.example/x", model::PlacementFormat::kXml, 4, 30000, 3};
  TargetChange c;
  c.format = "json";
  c.max_retries = 0;
  auto t = ApplyTargetChange(current, c, core::TargetPolicy());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->format, model::PlacementFormat::kJson);
  EXPECT_EQ((*t)->max_retries, 0);
  EXPECT_EQ((*t)->url, current.url);
}

TEST(TargetsTest, EmptyUrlRemovesAndTakesNothingElse) {
  model::PlacementTarget current{"https://a.example/x", model::PlacementFormat::kXml, 4, 30000, 3};
  TargetChange c;
  c.url = "";
  auto t = ApplyTargetChange(current, c, core::TargetPolicy());
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
  c.concurrency = 2;
  EXPECT_EQ(ApplyTargetChange(current, c, core::TargetPolicy()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TargetsTest, RefusedValues) {
  auto refused = [](TargetChange c) {
    if (!c.url) c.url = "https://shop.example.com/x";
    return ApplyTargetChange(std::nullopt, c, core::TargetPolicy()).status().code();
  };
  EXPECT_EQ(refused({.url = "ftp://x.example/"}), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused({.url = "http://127.0.0.1/x"}), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused({.format = "csv"}), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused({.concurrency = 0}), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused({.concurrency = kMaxConcurrency + 1}), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused({.timeout_ms = 0}), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused({.max_retries = -1}), StatusCode::kInvalidArgument);
  TargetChange no_url;
  no_url.format = "json";
  EXPECT_EQ(ApplyTargetChange(std::nullopt, no_url, core::TargetPolicy()).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace restock::handoff
