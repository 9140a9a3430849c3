#include "http/message.h"

#include <gtest/gtest.h>

#include <string>

#include "http/percent_decode.h"

namespace restock::http {
namespace {

TEST(ErrorResponseTest, IsJsonDetail) {
  const Response r = ErrorResponse(404, "Not \"found\".");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{\"detail\":\"Not \\\"found\\\".\"}");
}

TEST(RequestTest, HeaderFindsFirstByLowerCaseName) {
  Request request;
  request.headers = {
      {"x-api-key", "k1"}, {"content-type", "application/json"}, {"x-api-key", "k2"}};
  EXPECT_EQ(request.Header("x-api-key"), "k1");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("authorization"), std::nullopt);
}

TEST(RequestTest, QueryParamDecodes) {
  Request request;
  request.query =
      "status=placed&q=a+b%20c&sig=ab%2Bcd%3D%3D&empty=&flag&bad=%zz%4&x%5Fy=1&dup=1&dup=2";
  EXPECT_EQ(request.QueryParam("status"), "placed");
  EXPECT_EQ(request.QueryParam("q"), "a b c");
  EXPECT_EQ(request.QueryParam("sig"), "ab+cd==");
  EXPECT_EQ(request.QueryParam("empty"), "");
  EXPECT_EQ(request.QueryParam("flag"), "");
  EXPECT_EQ(request.QueryParam("bad"), "%zz%4");
  EXPECT_EQ(request.QueryParam("x_y"), "1");  // names are decoded too
  EXPECT_EQ(request.QueryParam("dup"), "1");  // first wins
  EXPECT_EQ(request.QueryParam("missing"), std::nullopt);
}

TEST(RequestTest, QueryParamOnEmptyQuery) {
  Request request;
  EXPECT_EQ(request.QueryParam("a"), std::nullopt);
  request.query = "&&";
  EXPECT_EQ(request.QueryParam(""), std::nullopt);
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyInQueries) {
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
  EXPECT_EQ(PercentDecode("a+b%2B", false), "a+b+");
  EXPECT_EQ(PercentDecode("%41%6a%00", false), std::string("Aj\0", 3));
  EXPECT_EQ(PercentDecode("100%", false), "100%");
}

TEST(DecodeUnreservedEscapesTest, DecodesOnlyEscapesOfUnreservedCharacters) {
  const struct {
    const char* in;
    const char* out;
  } kCases[] = {
      {"/%68ealthz", "/healthz"},
      {"/products-batch/%75pdate/", "/products-batch/update/"},
      {"/%6F%72DERS/%2d%2E%5F%7E", "/orDERS/-._~"},  // either case of hex digits
      {"/products-batch%2Fupdate/", "/products-batch%2Fupdate/"},  // not a separator
      {"/a%20b%25c%00%ff/", "/a%20b%25c%00%ff/"},                  // reserved, '%', NUL, bytes
      {"/%2541", "/%2541"},                                        // decoded once, not twice
      {"/bad%zz/%4/%", "/bad%zz/%4/%"},                            // not escapes
      {"/%41%", "/A%"},
      {"", ""},
  };
  for (const auto& c : kCases) {
    std::string path = c.in;
    DecodeUnreservedEscapes(path);
    EXPECT_EQ(path, c.out) << c.in;
  }
}

}  // namespace
}  // namespace restock::http
