#include "auth/authorization_header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace restock::auth {
namespace {

using namespace std::string_literals;

const std::string kSig = "IYLYdrP/HAob0aCu54DIXrfqqOx3S7cgCIZeqv8Ai8o=";

struct ValidCase {
  std::string name;
  std::string header;
  SignedClaim expected;
};

TEST(ParseAuthorizationHeaderTest, AcceptsValidHeaders) {
  const SignedClaim seed{"pid", 1488466536, "test_user", kSig};
  const std::vector<ValidCase> cases = {
      {"int ts",
       R"({"public_id": "pid", "ts": 1488466536, "sig_field": "test_user", "sig": ")" + kSig +
           R"("})",
       seed},
      {"string ts",
       R"({"public_id":"pid","ts":"1488466536","sig_field":"test_user","sig":")" + kSig + R"("})",
       seed},
      {"string ts with leading zeros",
       R"({"public_id":"pid","ts":"001488466536","sig_field":"test_user","sig":")" + kSig + R"("})",
       seed},
      {"zero ts", R"({"public_id":"p","ts":0,"sig_field":"u","sig":"s"})", {"p", 0, "u", "s"}},
      {"18-digit ts",
       R"({"public_id":"p","ts":999999999999999999,"sig_field":"u","sig":"s"})",
       {"p", 999999999999999999, "u", "s"}},
      {"percent-encoded sig",
       R"({"public_id":"pid","ts":1488466536,"sig_field":"test_user",)"
       R"("sig":"IYLYdrP%2FHAob0aCu54DIXrfqqOx3S7cgCIZeqv8Ai8o%3D"})",
       seed},
      {"plus kept in percent-encoded sig",
       R"({"public_id":"p","ts":1,"sig_field":"u","sig":"a+b%3D"})",
       {"p", 1, "u", "a+b="}},
      {"whitespace everywhere",
       " \t\r\n{ \"sig\" :\n\"" + kSig +
           "\" , \"ts\"\t: 1488466536 ,\"sig_field\": \"test_user\" ,\"public_id\":\"pid\" }\n ",
       seed},
      {"key order irrelevant",
       R"({"sig":")" + kSig + R"(","sig_field":"test_user","ts":1488466536,"public_id":"pid"})",
       seed},
      {"simple escapes",
       R"({"public_id":"a\"b\\c\/d","ts":1,"sig_field":"\b\f\n\r\t","sig":"s"})",
       {"a\"b\\c/d", 1, "\b\f\n\r\t", "s"}},
      {"unicode escapes and surrogate pair",
       R"({"public_id":"\u00e4\u00C4","ts":1,"sig_field":"x\ud83d\ude00y","sig":"s"})",
       {"\xC3\xA4\xC3\x84", 1, "x\xF0\x9F\x98\x80y", "s"}},
      {"raw UTF-8",
       "{\"public_id\":\"p\",\"ts\":1,\"sig_field\":\"kunde-\xC3\xA4-\xE9\xA1\xA7\","
       "\"sig\":\"s\"}",
       {"p", 1, "kunde-\xC3\xA4-\xE9\xA1\xA7", "s"}},
      {"unknown keys of every kind ignored",
       R"({"x":1,"public_id":"p","y":-1.5e+3,"ts":1,"z":[true,false,null,{"a":[]}],)"
       R"("sig_field":"u","w":{},"sig":"s","trust_level":"1"})",
       {"p", 1, "u", "s"}},
      {"max lengths",
       R"({"public_id":")" + std::string(256, 'p') + R"(","ts":1,"sig_field":")" +
           std::string(256, 'u') + R"(","sig":")" + std::string(512, 's') + R"("})",
       {std::string(256, 'p'), 1, std::string(256, 'u'), std::string(512, 's')}},
  };
  for (const ValidCase& c : cases) {
    Result<SignedClaim> claim = ParseAuthorizationHeader(c.header);
    ASSERT_TRUE(claim.ok()) << c.name << ": " << claim.status().ToString();
    EXPECT_EQ(*claim, c.expected) << c.name;
  }
}

struct MalformedCase {
  std::string name;
  std::string header;
};

std::string WithTs(const std::string& ts) {
  return R"({"public_id":"p","ts":)" + ts + R"(,"sig_field":"u","sig":"s"})";
}
std::string WithSig(const std::string& sig) {
  return R"({"public_id":"p","ts":1,"sig_field":"u","sig":)" + sig + "}";
}
std::string WithPublicId(const std::string& public_id) {
  return R"({"public_id":)" + public_id + R"(,"ts":1,"sig_field":"u","sig":"s"})";
}

TEST(ParseAuthorizationHeaderTest, RejectsMalformedHeaders) {
  const std::string valid = WithTs("1");
  const std::vector<MalformedCase> cases = {
      {"empty", ""},
      {"whitespace only", "  \t"},
      {"not JSON", "Token abc"},
      {"array", "[" + valid + "]"},
      {"string", R"("pid")"},
      {"empty object", "{}"},
      {"missing public_id", R"({"ts":1,"sig_field":"u","sig":"s"})"},
      {"missing ts", R"({"public_id":"p","sig_field":"u","sig":"s"})"},
      {"missing sig_field", R"({"public_id":"p","ts":1,"sig":"s"})"},
      {"missing sig", R"({"public_id":"p","ts":1,"sig_field":"u"})"},
      {"key case matters", R"({"Public_Id":"p","ts":1,"sig_field":"u","sig":"s"})"},
      {"duplicate key", R"({"public_id":"p","public_id":"q","ts":1,"sig_field":"u","sig":"s"})"},
      {"public_id number", WithPublicId("5")},
      {"public_id null", WithPublicId("null")},
      {"public_id empty", WithPublicId(R"("")")},
      {"public_id too long", WithPublicId("\"" + std::string(257, 'p') + "\"")},
      {"sig too long", WithSig("\"" + std::string(513, 's') + "\"")},
      {"sig empty", WithSig(R"("")")},
      {"sig array", WithSig(R"(["s"])")},
      {"bad percent escape", WithSig(R"("abc%2")")},
      {"non-hex percent escape", WithSig(R"("abc%zz")")},
      {"negative ts", WithTs("-1")},
      {"negative string ts", WithTs(R"("-1")")},
      {"plus ts", WithTs("+1")},
      {"plus string ts", WithTs(R"("+1")")},
      {"float ts", WithTs("1488466536.0")},
      {"exponent ts", WithTs("1e9")},
      {"upper exponent ts", WithTs("1E9")},
      {"19-digit ts", WithTs("1000000000000000000")},
      {"overflowing ts", WithTs("99999999999999999999999")},
      {"19-digit string ts", WithTs(R"("1000000000000000000")")},
      {"leading zero int ts", WithTs("0123")},
      {"empty string ts", WithTs(R"("")")},
      {"string ts with space", WithTs(R"(" 1")")},
      {"string ts with letters", WithTs(R"("12a")")},
      {"string float ts", WithTs(R"("1.5")")},
      {"bool ts", WithTs("true")},
      {"null ts", WithTs("null")},
      {"truncated", valid.substr(0, valid.size() - 1)},
      {"truncated in string", R"({"public_id":"p)"},
      {"truncated escape", R"({"public_id":"p\)"},
      {"trailing garbage", valid + "x"},
      {"two objects", valid + valid},
      {"trailing comma", R"({"public_id":"p","ts":1,"sig_field":"u","sig":"s",})"},
      {"missing colon", R"({"public_id" "p","ts":1,"sig_field":"u","sig":"s"})"},
      {"single quotes", R"({'public_id':'p','ts':1,'sig_field':'u','sig':'s'})"},
      {"unquoted key", R"({public_id:"p","ts":1,"sig_field":"u","sig":"s"})"},
      {"raw NUL inside string",
       "{\"public_id\":\"p\0q\",\"ts\":1,\"sig_field\":\"u\",\"sig\":\"s\"}"s},
      {"NUL after object", valid + "\0"s},
      {"escaped NUL in field", WithPublicId(R"("p\u0000q")")},
      {"raw newline in string", WithPublicId("\"p\nq\"")},
      {"bad escape", WithPublicId(R"("p\x")")},
      {"short unicode escape", WithPublicId(R"("p\u12")")},
      {"non-hex unicode escape", WithPublicId(R"("p\u12g4")")},
      {"lone high surrogate", WithPublicId(R"("p\ud83d")")},
      {"high surrogate then non-surrogate", WithPublicId(R"("p\ud83d\u0041")")},
      {"lone low surrogate", WithPublicId(R"("p\ude00")")},
      {"invalid UTF-8 byte", WithPublicId("\"p\xFF\"")},
      {"overlong UTF-8", WithPublicId("\"p\xC0\xAF\"")},
      {"UTF-8 encoded surrogate", WithPublicId("\"p\xED\xA0\x80\"")},
      {"truncated UTF-8", WithPublicId("\"p\xE9\xA1\"")},
      {"byte order mark", "\xEF\xBB\xBF" + valid},
      {"unknown key with bad value",
       R"({"x":tru,"public_id":"p","ts":1,"sig_field":"u","sig":"s"})"},
      {"unknown key with bad number",
       R"({"x":01,"public_id":"p","ts":1,"sig_field":"u","sig":"s"})"},
      {"deep nesting in unknown key", R"({"x":)" + std::string(100, '[') + std::string(100, ']') +
                                          R"(,"public_id":"p","ts":1,"sig_field":"u","sig":"s"})"},
      {"too large", WithPublicId("\"p\"") + std::string(kMaxAuthorizationHeaderBytes, ' ')},
  };
  for (const MalformedCase& c : cases) {
    Result<SignedClaim> claim = ParseAuthorizationHeader(c.header);
    EXPECT_EQ(claim.status(), UnauthenticatedError("Malformed authorization header.")) << c.name;
  }
}

TEST(ParseAuthorizationHeaderTest, SurvivesEveryPrefixAndByteFlip) {
  // Cheap robustness sweep: no input derived from a valid header may crash or hang.
  const std::string valid =
      R"({"public_id":"p\u00e4","ts":"17","sig_field":"\ud83d\ude00","sig":"a%2Fb","x":[1,{}]})";
  ASSERT_TRUE(ParseAuthorizationHeader(valid).ok());
  for (std::size_t n = 0; n < valid.size(); ++n) {
    EXPECT_FALSE(ParseAuthorizationHeader(valid.substr(0, n)).ok()) << n;
  }
  for (std::size_t i = 0; i < valid.size(); ++i) {
    for (int b = 0; b < 256; b += 7) {
      std::string mutated = valid;
      mutated[i] = static_cast<char>(b);
      (void)ParseAuthorizationHeader(mutated);
    }
  }
}

}  // namespace
}  // namespace restock::auth
