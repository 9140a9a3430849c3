#include "api/rate_limits.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace restock::api {
namespace {

http::Request From(std::string address,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request r;
  r.remote_address = std::move(address);
  r.headers = std::move(headers);
  return r;
}

TEST(ClientKeyTest, PeerAddressUnlessForwardedForIsTrusted) {
  http::Request r = From("10.1.1.1", {{"x-forwarded-for", "203.0.113.9"}});
  EXPECT_EQ(ClientKey(r, false), "10.1.1.1");
  EXPECT_EQ(ClientKey(r, true), "203.0.113.9");
}

TEST(ClientKeyTest, TrustedForwardedForUsesTheLastEntryOfTheLastHeader) {
  http::Request r = From("10.1.1.1", {{"x-forwarded-for", "1.1.1.1, 2.2.2.2"},
                                      {"x-forwarded-for", "6.6.6.6 ,  7.7.7.7 "}});
  EXPECT_EQ(ClientKey(r, true), "7.7.7.7");
  EXPECT_EQ(ClientKey(From("10.1.1.1", {{"x-forwarded-for", " , "}}), true), "10.1.1.1");
  EXPECT_EQ(ClientKey(From("10.1.1.1", {{"x-forwarded-for", ""}}), true), "10.1.1.1");
}

TEST(ClientKeyTest, Ipv6IsCountedPerSlash64AndMappedV4AsV4) {
  EXPECT_EQ(ClientKey(From("2001:db8:1:2:3:4:5:6"), false), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientKey(From("2001:db8:1:2::ffff"), false), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientKey(From("::ffff:192.0.2.7"), false), "192.0.2.7");
  EXPECT_EQ(ClientKey(From("not-an-address"), false), "not-an-address");
}

TEST(ClientKeyTest, Ipv4TextIsKeptWhetherOrNotItParses) {
  for (const char* text : {"0.0.0.0", "127.0.0.1", "255.255.255.255", "256.1.1.1", "01.2.3.4",
                           "1.2.3", "1.2.3.4.", "1.2.3.4.5", "1..3.4", "1.2.3.1000"}) {
    EXPECT_EQ(ClientKey(From(text), false), text);
    EXPECT_EQ(ClientKey(From("10.1.1.1", {{"x-forwarded-for", text}}), true), text);
  }
  EXPECT_EQ(ClientKey(From("::ffff:10.0.0.1"), false), "10.0.0.1");
}

TEST(RateLimitsTest, TooManyRequestsHasRetryAfterAndDetail) {
  http::Response r = TooManyRequests(7);
  EXPECT_EQ(r.status, 429);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "7"}));
  EXPECT_EQ(r.body, R"({"detail":"Request was throttled. Expected available in 7 seconds."})");
}

TEST(RateLimitsTest, ClientAndMerchantBucketsAreSeparateAndCounted) {
  testing::FakeClock clock;
  metrics::Registry registry;
  RateLimits limits(clock, registry, {.per_client_per_minute = 2, .per_merchant_per_minute = 1});
  http::Request a = From("10.0.0.1");
  EXPECT_FALSE(limits.CheckClient(a));
  EXPECT_FALSE(limits.CheckClient(a));
  auto refused = limits.CheckClient(a);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_FALSE(limits.CheckClient(From("10.0.0.2")));
  EXPECT_FALSE(limits.CheckMerchant(1));
  EXPECT_TRUE(limits.CheckMerchant(1));
  EXPECT_FALSE(limits.CheckMerchant(2));
  clock.AdvanceSeconds(60);
  EXPECT_FALSE(limits.CheckMerchant(1));
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("restock_rate_limited_total{limit=\"client\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("restock_rate_limited_total{limit=\"merchant\"} 1"), std::string::npos)
      << text;
}

TEST(RateLimitsTest, ZeroIsOff) {
  testing::FakeClock clock;
  metrics::Registry registry;
  RateLimits limits(clock, registry, {.per_client_per_minute = 0, .per_merchant_per_minute = 0});
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_FALSE(limits.CheckClient(From("10.0.0.1")));
    ASSERT_FALSE(limits.CheckMerchant(1));
  }
}

// Answers 200 to everything, counting what reaches it.
class CountingHandler final : public http::Handler {
 public:
  void Handle(http::Request, http::Respond respond) override {
    ++calls;
    respond(http::Response{});
  }
  int calls = 0;
};

TEST(ClientRateLimitedHandlerTest, ExemptPathsPassWithoutSpendingTheClientsTokens) {
  testing::FakeClock clock;
  metrics::Registry registry;
  RateLimits limits(clock, registry, {.per_client_per_minute = 2, .per_merchant_per_minute = 0});
  CountingHandler inner;
  ClientRateLimitedHandler handler(limits, inner, {"/healthz", "/metrics"});
  auto status_of = [&](std::string path) {
    http::Request r = From("10.0.0.1");
    r.path = std::move(path);
    int status = 0;
    handler.Handle(std::move(r), [&](http::Response response) { status = response.status; });
    return status;
  };
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(status_of("/healthz"), 200);
    EXPECT_EQ(status_of("/metrics/"), 200);
  }
  EXPECT_EQ(status_of("/products/"), 200);
  EXPECT_EQ(status_of("/products/"), 200);
  EXPECT_EQ(status_of("/products/"), 429);
  EXPECT_EQ(status_of("/healthz"), 200);  // still answered when the client is throttled
  EXPECT_EQ(status_of("/healthzz"), 429);
  EXPECT_EQ(status_of("/metrics/x"), 429);
  EXPECT_EQ(inner.calls, 103);
}

}  // namespace
}  // namespace restock::api
