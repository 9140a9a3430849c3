#include <gtest/gtest.h>

#include "core/crypto.h"
#include "core/money.h"
#include "core/result.h"
#include "core/time_format.h"

namespace restock {
namespace {

TEST(StatusTest, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = NotFoundError("no such product");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: no such product");
}

Result<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgumentError("odd");
  return v / 2;
}

Status UseHalf(int v, int& out) {
  RESTOCK_ASSIGN_OR_RETURN(out, Half(v));
  return Status::Ok();
}

TEST(ResultTest, AssignOrReturnPropagatesErrors) {
  int out = 0;
  EXPECT_TRUE(UseHalf(8, out).ok());
  EXPECT_EQ(out, 4);
  EXPECT_EQ(UseHalf(3, out).code(), StatusCode::kInvalidArgument);
}

// Vectors from: printf '%s' MSG | openssl dgst -sha256 -hmac KEY -binary | base64
TEST(CryptoTest, HmacSha256MatchesOpenssl) {
  EXPECT_EQ(Base64Encode(HmacSha256("NT2kBcFx%!7dnAOVv9}i3CR*<L66w5", "test_user|1488466536")),
            "IYLYdrP/HAob0aCu54DIXrfqqOx3S7cgCIZeqv8Ai8o=");
}

TEST(CryptoTest, Base64RoundTripsAndRejectsGarbage) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto decoded = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_FALSE(Base64Decode("aGVsbG8").has_value());
  EXPECT_FALSE(Base64Decode("aGV*bG8=").has_value());
  EXPECT_FALSE(Base64Decode("a=Vs").has_value());
}

TEST(CryptoTest, PercentDecodeKeepsPlusAndRejectsBadEscapes) {
  EXPECT_EQ(PercentDecode("a%2Bb%3D%3d+"), "a+b==+");
  EXPECT_FALSE(PercentDecode("abc%").has_value());
  EXPECT_FALSE(PercentDecode("abc%4").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
}

TEST(CryptoTest, ConstantTimeEqualsComparesExactly) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(CryptoTest, RandomTokensAreUrlSafeAndDistinct) {
  std::string a = RandomToken(32), b = RandomToken(32);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(a.size(), 43u);
}

TEST(MoneyTest, ParsesDecimalStrings) {
  EXPECT_EQ(ParsePriceCents("12.99"), 1299);
  EXPECT_EQ(ParsePriceCents("12.5"), 1250);
  EXPECT_EQ(ParsePriceCents("0"), 0);
  EXPECT_EQ(ParsePriceCents("99999999.99"), kMaxPriceCents);
  for (const char* bad : {"", "-1", "1.999", "1.", ".5", "1e3", "abc", "100000000.00", " 1"}) {
    EXPECT_FALSE(ParsePriceCents(bad).has_value()) << bad;
  }
}

TEST(MoneyTest, ConvertsJsonNumbers) {
  EXPECT_EQ(PriceCentsFromDouble(12.99), 1299);
  EXPECT_EQ(PriceCentsFromDouble(0.1 + 0.2), 30);
  EXPECT_FALSE(PriceCentsFromDouble(12.999).has_value());
  EXPECT_FALSE(PriceCentsFromDouble(-0.01).has_value());
  EXPECT_FALSE(PriceCentsFromDouble(1e300).has_value());
  EXPECT_EQ(FormatCents(1250), "12.50");
  EXPECT_EQ(FormatCents(5), "0.05");
}

TEST(TimeFormatTest, DatesRoundTripAndRejectImpossibleDays) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(FormatDate(CivilFromDays(DaysFromCivil({2024, 2, 29}))), "2024-02-29");
  EXPECT_TRUE(ParseDate("2026-11-26").has_value());
  EXPECT_FALSE(ParseDate("2026-02-30").has_value());
  EXPECT_FALSE(ParseDate("2026-13-01").has_value());
  EXPECT_FALSE(ParseDate("26-11-2026").has_value());
  EXPECT_EQ(FormatIsoUtc(1'780'000'000'000'000), "2026-05-28T20:26:40Z");
  EXPECT_EQ(FormatIsoUtcMillis(1'780'000'000'000'000), "2026-05-28T20:26:40.000Z");
  EXPECT_EQ(FormatIsoUtcMillis(1'780'000'000'999'999), "2026-05-28T20:26:40.999Z");
  EXPECT_EQ(FormatIsoUtcMillis(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace restock
