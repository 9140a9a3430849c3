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

}  // namespace
}  // namespace restock::api
