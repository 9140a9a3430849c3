#include "http/router.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace restock::http {
namespace {

// Answers every request at once with `status` and remembers what it saw; or, when deferred,
// keeps the callback for the test to call.
class FakeHandler final : public Handler {
 public:
  explicit FakeHandler(int status = 200) : status_(status) {}
  void Handle(Request request, Respond respond) override {
    seen.push_back(request);
    if (defer) {
      pending.push_back(std::move(respond));
      return;
    }
    Response response;
    response.status = status_;
    response.body = "{}";
    respond(std::move(response));
  }
  std::vector<Request> seen;
  std::vector<Respond> pending;
  bool defer = false;

 private:
  int status_;
};

Request MakeRequest(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  // Sends a request through the router and returns the response it produced synchronously.
  std::optional<Response> Send(std::string method, std::string path) {
    std::optional<Response> out;
    router_.Handle(MakeRequest(std::move(method), std::move(path)),
                   [&out](Response r) { out = std::move(r); });
    return out;
  }
  std::uint64_t Requests(const std::string& route, const std::string& method, int status) {
    return registry_
        .GetCounter("restock_http_requests_total", "",
                    {{"route", route}, {"method", method}, {"status", std::to_string(status)}})
        .Value();
  }

  metrics::Registry registry_;
  Router router_{registry_};
  FakeHandler batch_{207};
  FakeHandler products_{200};
  FakeHandler product_{200};
};

TEST_F(RouterTest, UnknownPathIs404) {
  router_.Add("PATCH", "/products-batch/update/", batch_, "products_batch_update");
  const auto r = Send("GET", "/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "{\"detail\":\"Not found.\"}");
  EXPECT_TRUE(batch_.seen.empty());
}

TEST_F(RouterTest, OtherMethodIs405WithAllow) {
  router_.Add("PATCH", "/products-batch/update/", batch_, "products_batch_update");
  const auto r = Send("GET", "/products-batch/update/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->body, "{\"detail\":\"Method \\\"GET\\\" not allowed.\"}");
  ASSERT_EQ(r->headers.size(), 1u);
  EXPECT_EQ(r->headers[0].first, "Allow");
  EXPECT_EQ(r->headers[0].second, "PATCH");
}

TEST_F(RouterTest, AllowListsEveryMethodOfThePath) {
  router_.Add("GET", "/products/", products_, "products_list");
  router_.Add("POST", "/products", products_, "products_create");
  const auto r = Send("DELETE", "/products");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->headers.at(0).second, "GET, HEAD, POST");
}

TEST_F(RouterTest, HeadIsServedByTheGetRouteAsAGet) {
  router_.Add("GET", "/products/", products_, "products_list");
  router_.Add("PATCH", "/products-batch/update/", batch_, "products_batch_update");
  EXPECT_EQ(Send("HEAD", "/products/")->status, 200);
  ASSERT_EQ(products_.seen.size(), 1u);
  EXPECT_EQ(products_.seen[0].method, "GET");
  EXPECT_EQ(Requests("products_list", "GET", 200), 1u);
  const auto r = Send("HEAD", "/products-batch/update/");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->headers.at(0).second, "PATCH");
  EXPECT_TRUE(batch_.seen.empty());
}

TEST_F(RouterTest, PathMatchesWithAndWithoutTrailingSlash) {
  router_.Add("PATCH", "/products-batch/update/", batch_, "products_batch_update");
  router_.Add("GET", "/healthz", products_, "healthz");
  EXPECT_EQ(Send("PATCH", "/products-batch/update/")->status, 207);
  EXPECT_EQ(Send("PATCH", "/products-batch/update")->status, 207);
  EXPECT_EQ(Send("GET", "/healthz/")->status, 200);
  EXPECT_EQ(Send("GET", "/healthz//")->status, 404);
  EXPECT_EQ(batch_.seen.size(), 2u);
  EXPECT_EQ(batch_.seen[1].path, "/products-batch/update");  // the handler sees the raw path
}

TEST_F(RouterTest, PatternSegmentMatchesOneSegmentAndLiteralsWin) {
  router_.Add("GET", "/products/{id}/", product_, "product_get");
  router_.Add("GET", "/products/export/", products_, "products_export");
  EXPECT_EQ(Send("GET", "/products/abc%20d/")->status, 200);
  EXPECT_EQ(Send("GET", "/products/export")->status, 200);
  EXPECT_EQ(Send("GET", "/products/a/b")->status, 404);
  EXPECT_EQ(Send("GET", "/products//")->status, 404);
  ASSERT_EQ(product_.seen.size(), 1u);
  EXPECT_EQ(products_.seen.size(), 1u);
  const auto params = MatchPath("/products/{id}/", product_.seen[0].path);
  ASSERT_TRUE(params);
  EXPECT_EQ(*params, std::vector<std::string>{"abc d"});
}

TEST(MatchPathTest, Cases) {
  EXPECT_EQ(MatchPath("/a/{x}/b/{y}", "/a/1/b/2/"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(MatchPath("/a/", "/a"), std::vector<std::string>{});
  EXPECT_EQ(MatchPath("/", "/"), std::vector<std::string>{});
  EXPECT_EQ(MatchPath("/a/{x}", "/a"), std::nullopt);
  EXPECT_EQ(MatchPath("/a/{x}", "/b/1"), std::nullopt);
}

TEST_F(RouterTest, CountsRequestsByRouteMethodAndStatus) {
  router_.Add("PATCH", "/products-batch/update/", batch_, "products_batch_update");
  Send("PATCH", "/products-batch/update/");
  Send("PATCH", "/products-batch/update");
  Send("GET", "/products-batch/update");
  Send("GET", "/missing");
  Send("BREW", "/missing");
  EXPECT_EQ(Requests("products_batch_update", "PATCH", 207), 2u);
  EXPECT_EQ(Requests("products_batch_update", "GET", 405), 1u);
  EXPECT_EQ(Requests("unmatched", "GET", 404), 1u);
  EXPECT_EQ(Requests("unmatched", "OTHER", 404), 1u);  // arbitrary methods do not add series
  const std::string text = registry_.RenderPrometheus();
  EXPECT_NE(text.find("restock_http_request_duration_seconds_count{route=\"products_batch_update\"}"
                      " 3\n"),
            std::string::npos)
      << text;
}

TEST_F(RouterTest, DeferredResponseIsCountedWhenItIsDelivered) {
  batch_.defer = true;
  router_.Add("PATCH", "/products-batch/update/", batch_, "products_batch_update");
  std::optional<Response> out;
  router_.Handle(MakeRequest("PATCH", "/products-batch/update/"),
                 [&out](Response r) { out = std::move(r); });
  EXPECT_FALSE(out);
  EXPECT_EQ(Requests("products_batch_update", "PATCH", 503), 0u);
  ASSERT_EQ(batch_.pending.size(), 1u);
  batch_.pending[0](ErrorResponse(503, "Try later."));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 503);
  EXPECT_EQ(Requests("products_batch_update", "PATCH", 503), 1u);
}

TEST(RouterDeathTest, AddingARouteTwiceAborts) {
  metrics::Registry registry;
  Router router(registry);
  FakeHandler handler;
  router.Add("GET", "/x/", handler, "x");
  EXPECT_DEATH(router.Add("GET", "/x", handler, "x"), "route added twice");
}

}  // namespace
}  // namespace restock::http
