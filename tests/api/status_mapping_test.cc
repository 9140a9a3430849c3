#include "api/status_mapping.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace restock::api {
namespace {

std::optional<std::string> HeaderOf(const http::Response& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

TEST(StatusMappingTest, EveryCodeHasItsHttpStatus) {
  const struct {
    StatusCode code;
    int http;
  } kCases[] = {
      {StatusCode::kOk, 200},
      {StatusCode::kInvalidArgument, 400},
      {StatusCode::kUnauthenticated, 401},
      {StatusCode::kPermissionDenied, 403},
      {StatusCode::kNotFound, 404},
      {StatusCode::kAlreadyExists, 409},
      {StatusCode::kFailedPrecondition, 409},
      {StatusCode::kResourceExhausted, 429},
      {StatusCode::kInternal, 500},
      // Transient storage conditions (a busy or deadlocked database) are the server's, not
      // a conflict of the client's making: 503, never 409.
      {StatusCode::kAborted, 503},
      {StatusCode::kUnavailable, 503},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(HttpStatusFor(c.code), c.http) << StatusCodeName(c.code);
  }
}

TEST(StatusMappingTest, TransientFaultsAskToRetryWithoutTheOperatorsMessage) {
  for (const Status& status : {UnavailableError("database busy"), AbortedError("deadlock")}) {
    const http::Response response = ResponseForStatus(status);
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(HeaderOf(response, "Retry-After"), "1");
    EXPECT_EQ(response.body.find(status.message()), std::string::npos) << response.body;
  }
}

TEST(StatusMappingTest, ClientErrorsKeepTheirMessage) {
  const http::Response response =
      ResponseForStatus(PermissionDeniedError("Customer credentials may not list orders."));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, R"({"detail":"Customer credentials may not list orders."})");
  EXPECT_FALSE(HeaderOf(response, "Retry-After"));
}

TEST(StatusMappingTest, ABodyWithTooManyElementsIsTooLargeNotThrottled) {
  const http::Response too_many = ResponseForBodyError(ResourceExhaustedError("Too many."));
  EXPECT_EQ(too_many.status, 413);
  EXPECT_EQ(too_many.body, R"({"detail":"Too many."})");
  EXPECT_FALSE(HeaderOf(too_many, "Retry-After"));
  const http::Response malformed = ResponseForBodyError(InvalidArgumentError("Bad JSON."));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body, R"({"detail":"Bad JSON."})");
}

}  // namespace
}  // namespace restock::api
