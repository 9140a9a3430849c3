#include "http/message.h"

#include <gtest/gtest.h>

#include <string>

#include "http/percent_decode.h"

namespace restock::http {
namespace {

struct QuoteCase {
  std::string input;
  std::string expected;
};

TEST(JsonQuoteTest, EscapesPerRfc8259) {
  const QuoteCase cases[] = {
      {"", "\"\""},
      {"plain", "\"plain\""},
      {"a\"b", "\"a\\\"b\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\""},
      {std::string("\x00\x01\x1f", 3), "\"\\u0000\\u0001\\u001f\""},
      {"/ and \x7f stay", "\"/ and \x7f stay\""},
  };
  for (const auto& c : cases) EXPECT_EQ(JsonQuote(c.input), c.expected) << c.input;
}

TEST(JsonQuoteTest, KeepsValidUtf8) {
  const std::string valid =
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(JsonQuote(valid), "\"" + valid + "\"");
}

TEST(JsonQuoteTest, ReplacesInvalidUtf8WithReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  const QuoteCase cases[] = {
      {"\xFF", r},                          // never valid
      {"\x80", r},                          // lone continuation
      {"\xC0\xAF", r + r},                  // overlong lead byte
      {"\xE0\x80\xAF", r + r + r},          // overlong 3-byte: second byte out of range
      {"\xED\xA0\x80", r + r + r},          // UTF-16 surrogate
      {"\xF4\x90\x80\x80", r + r + r + r},  // above U+10FFFF
      {"\xE2\x82", r},                      // truncated at end: one maximal subpart
      {"\xE2\x82x", r + "x"},               // truncated before ASCII
      {"\xF0\x9F\x98", r},                  // truncated 4-byte
      {"a\xC3", "a" + r},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(JsonQuote(c.input), "\"" + c.expected + "\"") << "input bytes: " << c.input.size();
  }
}

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

}  // namespace
}  // namespace restock::http
