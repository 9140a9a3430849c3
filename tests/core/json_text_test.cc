#include "core/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace restock::core {
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

TEST(JsonQuoteTest, AsciiModeEscapesNonAscii) {
  EXPECT_EQ(JsonQuote("caf\xC3\xA9", JsonQuoting::kAscii), "\"caf\\u00e9\"");
  EXPECT_EQ(JsonQuote("\xE2\x82\xAC", JsonQuoting::kAscii), "\"\\u20ac\"");
  EXPECT_EQ(JsonQuote("\xF0\x9F\x98\x80", JsonQuoting::kAscii), "\"\\ud83d\\ude00\"");
  EXPECT_EQ(JsonQuote("a\x7f\"\n", JsonQuoting::kAscii), "\"a\\u007f\\\"\\n\"");
  EXPECT_EQ(JsonQuote("\xFFx", JsonQuoting::kAscii), "\"\\ufffdx\"");
}

TEST(DecodeUtf8Test, DecodesAndMeasuresIllFormedSubparts) {
  const Utf8Sequence euro = DecodeUtf8("\xE2\x82\xAC!");
  EXPECT_TRUE(euro.valid);
  EXPECT_EQ(euro.code_point, U'\u20AC');
  EXPECT_EQ(euro.length, 3u);
  EXPECT_EQ(DecodeUtf8("A").code_point, U'A');
  const Utf8Sequence truncated = DecodeUtf8("\xF0\x9F\x98");
  EXPECT_FALSE(truncated.valid);
  EXPECT_EQ(truncated.length, 3u);
  const Utf8Sequence surrogate = DecodeUtf8("\xED\xA0\x80");
  EXPECT_FALSE(surrogate.valid);
  EXPECT_EQ(surrogate.length, 1u);
}

TEST(AppendUtf8Test, RoundTripsThroughDecode) {
  for (const char32_t cp : {U'\u0024', U'\u00A2', U'\u20AC', U'\U0001F600', U'\U0010FFFF'}) {
    std::string s;
    AppendUtf8(s, cp);
    const Utf8Sequence seq = DecodeUtf8(s);
    EXPECT_TRUE(seq.valid);
    EXPECT_EQ(seq.code_point, cp);
    EXPECT_EQ(seq.length, s.size());
  }
}

}  // namespace
}  // namespace restock::core
