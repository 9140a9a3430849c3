// The 207 answer echoes each element's product_id; whatever a client sent there, the answer
// must stay JSON (fuzz/batch_body_fuzzer found ids that did not).
#include "api/batch_body.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace restock::api {
namespace {

TEST(BatchBodyTest, IdsHoldingNumbersBeyondADoubleAreEchoedAsNull) {
  const std::string body =
      R"([{"product_id": 2e308}, {"product_id": [{"a": 2e308}]}, {"product_id": {"b": [-1e999]}},)"
      R"( {"product_id": [1.5, {"c": 1e308}]}, {"product_id": "P1"}])";
  auto parsed = ParseBatchBody(body, BatchLimits{});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(
      parsed->product_id_json,
      (std::vector<std::string>{"null", "null", "null", R"([1.5E0,{"c":1E308}])", R"("P1")"}));
  std::vector<ElementResult> results(parsed->elements.size());
  boost::system::error_code ec;
  boost::json::parse(RenderBatchResults(parsed->product_id_json, results), ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(BatchBodyTest, ValidationKeepsInputOrderAndPatchesOnlyTheValidElements) {
  const std::string body =
      R"([{"product_id": "A", "live": true}, {"product_id": "B", "live": "yes"},)"
      R"( {"product_id": "C", "inventory": 3}])";
  auto batch = ParseAndValidateBatch(body, BatchLimits{});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->product_id_json, (std::vector<std::string>{R"("A")", R"("B")", R"("C")"}));
  ASSERT_EQ(batch->results.size(), 3u);
  EXPECT_EQ(batch->results[1].status, 400);
  ASSERT_EQ(batch->results[1].errors.size(), 1u);
  EXPECT_EQ(batch->results[1].errors[0].first, "live");
  EXPECT_EQ(batch->patch_index, (std::vector<std::size_t>{0, 2}));
  ASSERT_EQ(batch->patches.size(), 2u);
  EXPECT_EQ(batch->patches[0].product_id, "A");
  EXPECT_EQ(batch->patches[1].product_id, "C");
  EXPECT_EQ(BatchResultsResponse(*batch).status, 207);
}

TEST(BatchBodyTest, TooManyElementsIsResourceExhausted) {
  auto batch = ParseAndValidateBatch(R"([{}, {}, {}])", BatchLimits{.max_elements = 2});
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace restock::api
