// Reading platform answers (handoff/answer.h): every row of the answer table of
// docs/handoff.md, in both formats, and what is not an answer.
#include "handoff/answer.h"

#include <gtest/gtest.h>

namespace restock::handoff {
namespace {

TEST(AnswerTest, XmlSuccessCarriesTheOrderId) {
  Answer a = ClassifyAnswer(200, "", "<order><code>SUCCESS</code><orderId>X-17</orderId></order>");
  EXPECT_EQ(a.kind, AnswerKind::kSuccess);
  EXPECT_EQ(a.order_id, "X-17");
}

TEST(AnswerTest, CdataAndWhitespaceAreRead) {
  Answer a = ClassifyAnswer(
      200, "", "<?xml version=\"1.0\"?>\n<order>\n <code><![CDATA[SUCCESS]]></code>\n"
               " <orderId> <![CDATA[a&b]]> </orderId></order>");
  EXPECT_EQ(a.kind, AnswerKind::kSuccess);
  EXPECT_EQ(a.order_id, "a&b");
}

TEST(AnswerTest, SuccessWith010AndProcessingArePending) {
  EXPECT_EQ(ClassifyAnswer(200, "",
                           "<order><code>SUCCESS</code><responseCode>010</responseCode></order>")
                .kind,
            AnswerKind::kProcessing);
  EXPECT_EQ(ClassifyAnswer(200, "", "<order><code>PROCESSING</code></order>").kind,
            AnswerKind::kProcessing);
  EXPECT_EQ(ClassifyAnswer(200, "", R"({"code":"SUCCESS","response_code":"010"})").kind,
            AnswerKind::kProcessing);
  EXPECT_EQ(ClassifyAnswer(200, "", R"({"code":"PROCESSING"})").kind, AnswerKind::kProcessing);
}

TEST(AnswerTest, EveryKnownErrorCodeIsAnError) {
  for (const char* code : {"020", "100", "110", "120", "130", "140", "150", "160", "170", "180",
                           "999"}) {
    Answer a = ClassifyAnswer(400, "", std::string("<order><code>ERROR</code><errorCode>") + code +
                                           "</errorCode><errorMsg>no</errorMsg></order>");
    EXPECT_EQ(a.kind, AnswerKind::kError) << code;
    EXPECT_EQ(a.error_code, code);
    EXPECT_EQ(a.error_message, "no");
  }
}

TEST(AnswerTest, OutOfStockNamesProducts) {
  Answer a = ClassifyAnswer(200, "",
                            "<order><code>ERROR</code><errorCode>999</errorCode><outOfStock>"
                            "<product_id>A</product_id><product_id><![CDATA[B 2]]></product_id>"
                            "</outOfStock></order>");
  EXPECT_EQ(a.kind, AnswerKind::kError);
  EXPECT_EQ(a.out_of_stock, (std::vector<std::string>{"A", "B 2"}));
  Answer j = ClassifyAnswer(200, "",
                            R"({"code":"ERROR","error_code":999,"out_of_stock":["A","B"]})");
  EXPECT_EQ(j.error_code, "999");
  EXPECT_EQ(j.out_of_stock, (std::vector<std::string>{"A", "B"}));
}

TEST(AnswerTest, JsonCodesMayBeNumbers) {
  Answer a = ClassifyAnswer(200, "", R"({"code":"ERROR","error_code":20,"error_message":"x"})");
  EXPECT_EQ(a.kind, AnswerKind::kError);
  EXPECT_EQ(a.error_code, "020");
  Answer s = ClassifyAnswer(200, "", R"({"code":"SUCCESS","order_id":"S-1"})");
  EXPECT_EQ(s.kind, AnswerKind::kSuccess);
  EXPECT_EQ(s.order_id, "S-1");
}

TEST(AnswerTest, NoConnectionAndBare5xxAreNoAnswer) {
  EXPECT_EQ(ClassifyAnswer(std::nullopt, "Connection refused", "").kind, AnswerKind::kNoAnswer);
  EXPECT_EQ(ClassifyAnswer(503, "", "Service Unavailable").kind, AnswerKind::kNoAnswer);
  EXPECT_EQ(ClassifyAnswer(500, "", "").kind, AnswerKind::kNoAnswer);
  // A 5xx with a readable answer is that answer.
  EXPECT_EQ(ClassifyAnswer(500, "", "<order><code>ERROR</code><errorCode>020</errorCode></order>")
                .kind,
            AnswerKind::kError);
}

TEST(AnswerTest, AnythingElseIsUnreadable) {
  for (const char* body :
       {"", "OK", "<order><code>ERROR</code><errorCode>555</errorCode></order>",
        "<order><code>SUCCESS</code></order>", "<order><code>MAYBE</code></order>",
        "<reply><code>SUCCESS</code><orderId>1</orderId></reply>",
        "<order><code>SUCCESS</code><orderId>1</orderId>", R"({"code":"SUCCESS"})",
        R"({"code":"ERROR","error_code":"abc"})", "[1,2]",
        "<!DOCTYPE order [<!ENTITY x \"y\">]><order><code>SUCCESS</code><orderId>&x;</orderId>"
        "</order>"}) {
    EXPECT_EQ(ClassifyAnswer(200, "", body).kind, AnswerKind::kUnreadable) << body;
  }
  EXPECT_EQ(ClassifyAnswer(404, "", "not found").kind, AnswerKind::kUnreadable);
}

TEST(AnswerTest, ACompleteAnswerOverTheLimitIsUnreadableOrA5xx) {
  Answer a = ClassifyAnswer(200, "", "", /*body_too_large=*/true);
  EXPECT_EQ(a.kind, AnswerKind::kUnreadable);
  EXPECT_EQ(a.reason, "HTTP 200 with an answer over 1 MiB");
  EXPECT_EQ(ClassifyAnswer(502, "", "", true).kind, AnswerKind::kNoAnswer);
}

}  // namespace
}  // namespace restock::handoff
