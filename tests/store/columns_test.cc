#include "store/columns.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "store/migration.h"

namespace restock::store {
namespace {

using model::WebhookEventType;

TEST(ColumnsTest, LimitValueCapsAtTheLargestInt64) {
  EXPECT_EQ(LimitValue(0), 0);
  EXPECT_EQ(LimitValue(50), 50);
  EXPECT_EQ(LimitValue(std::numeric_limits<std::size_t>::max()),
            std::numeric_limits<std::int64_t>::max());
}

TEST(ColumnsTest, EventTypesRoundTripThroughOneColumn) {
  std::vector<WebhookEventType> types = {WebhookEventType::kStockChanged,
                                         WebhookEventType::kOrderPlaced};
  std::string text = JoinEventTypes(types);
  EXPECT_EQ(text, "product.stock_changed,order.placed");
  Result<std::vector<WebhookEventType>> back = SplitEventTypes(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, types);
  EXPECT_EQ(JoinEventTypes({}), "");
  ASSERT_TRUE(SplitEventTypes("").ok());
  EXPECT_TRUE(SplitEventTypes("")->empty());
}

TEST(ColumnsTest, AnUnknownStoredEventTypeIsInternal) {
  EXPECT_EQ(SplitEventTypes("product.stock_changed,nope").status().code(), StatusCode::kInternal);
  EXPECT_EQ(ParseStoredEventType("nope").status().code(), StatusCode::kInternal);
}

TEST(ColumnsTest, DescribeDuplicateRenamesOnlyAlreadyExists) {
  Status dup = DescribeDuplicate(AlreadyExistsError("UNIQUE constraint failed: t.secret"), "key");
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "key");
  Status other = DescribeDuplicate(UnavailableError("gone"), "key");
  EXPECT_EQ(other.code(), StatusCode::kUnavailable);
  EXPECT_EQ(other.message(), "gone");
  EXPECT_TRUE(DescribeDuplicate(Status::Ok(), "key").ok());
}

TEST(MigrationTest, VersionsMustStrictlyIncrease) {
  constexpr Migration kGood[] = {{1, ""}, {2, ""}, {7, ""}};
  constexpr Migration kRepeated[] = {{1, ""}, {1, ""}};
  constexpr Migration kFromZero[] = {{0, ""}};
  static_assert(VersionsAreIncreasing(kGood));
  static_assert(!VersionsAreIncreasing(kRepeated));
  static_assert(!VersionsAreIncreasing(kFromZero));
}

}  // namespace
}  // namespace restock::store
