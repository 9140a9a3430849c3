#include "http/response_wire.h"

#include <gtest/gtest.h>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <string>
#include <string_view>

namespace restock::http {
namespace {

namespace bhttp = boost::beast::http;

// What the session wrote before responses were rendered directly: a Beast message built
// field by field, serialized by Beast. The reference the renderer must match byte for byte.
std::string BeastBytes(const Response& response, unsigned version, bool keep_alive,
                       std::string_view date = {}) {
  bhttp::response<bhttp::string_body> message(static_cast<bhttp::status>(response.status),
                                              version);
  message.set(bhttp::field::server, "restock");
  if (!date.empty()) message.set(bhttp::field::date, date);
  if (!response.content_type.empty()) {
    message.set(bhttp::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  message.body() = response.body;
  message.prepare_payload();
  message.keep_alive(keep_alive);
  std::ostringstream out;
  out << message;
  return out.str();
}

// The bytes the session writes: the rendered head, then the body when the head says so.
std::string Rendered(const Response& response, unsigned version, bool keep_alive,
                     std::string_view date = {}) {
  std::string out;
  if (AppendResponseHead(response, version, keep_alive, date, out)) out += response.body;
  return out;
}

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(ResponseWireTest, MultiStatusKeepAliveIsWhatBeastWrites) {
  const Response r = Json(207, R"([{"product_id":"P1","status":200}])");
  EXPECT_EQ(Rendered(r, 11, true),
            "HTTP/1.1 207 Multi-Status\r\nServer: restock\r\nContent-Type: application/json\r\n"
            "Content-Length: 34\r\n\r\n[{\"product_id\":\"P1\",\"status\":200}]");
  EXPECT_EQ(Rendered(r, 11, true), BeastBytes(r, 11, true));
}

TEST(ResponseWireTest, ConnectionHeaderFollowsVersionAndKeepAlive) {
  const Response r = Json(200, "{}");
  for (unsigned version : {10u, 11u}) {
    for (bool keep_alive : {true, false}) {
      EXPECT_EQ(Rendered(r, version, keep_alive), BeastBytes(r, version, keep_alive))
          << "version " << version << " keep_alive " << keep_alive;
    }
  }
  EXPECT_NE(Rendered(r, 11, false).find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(Rendered(r, 10, true).find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(Rendered(r, 11, true).find("Connection"), std::string::npos);
  EXPECT_EQ(Rendered(r, 10, false).find("Connection"), std::string::npos);
}

TEST(ResponseWireTest, ExtraHeadersKeepTheirOrderAndSpelling) {
  Response r = ErrorResponse(429, "Too many requests.");
  r.headers = {{"Retry-After", "3"}, {"X-RateLimit-Limit", "600"}, {"location", "/a?b=1"}};
  EXPECT_EQ(Rendered(r, 11, true), BeastBytes(r, 11, true));
  EXPECT_EQ(Rendered(r, 11, false), BeastBytes(r, 11, false));
}

TEST(ResponseWireTest, HandlerFramingHeadersAreDroppedInAnySpelling) {
  Response r = Json(200, "{}");
  r.headers = {{"content-length", "999"}, {"Retry-After", "1"}, {"Transfer-Encoding", "chunked"},
               {"CONNECTION", "keep-alive"}};
  const std::string bytes = Rendered(r, 11, false);
  EXPECT_EQ(bytes,
            "HTTP/1.1 200 OK\r\nServer: restock\r\nContent-Type: application/json\r\n"
            "Retry-After: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
}

TEST(ResponseWireTest, EmptyContentTypeIsLeftOut) {
  Response r = Json(200, "ok");
  r.content_type.clear();
  EXPECT_EQ(Rendered(r, 11, true), BeastBytes(r, 11, true));
  EXPECT_EQ(Rendered(r, 11, true).find("Content-Type"), std::string::npos);
}

// Here the renderer departs from Beast 1.81, which writes "Content-Length: 0": RFC 9110
// §8.6 forbids Content-Length in a 204, and in a 304 it would describe a body not sent.
// (No endpoint answers either today.)
TEST(ResponseWireTest, BodylessStatusesHaveNoContentLengthNorBody) {
  for (int status : {204, 304}) {
    Response r = Json(status, "ignored");
    const std::string bytes = Rendered(r, 11, true);
    EXPECT_EQ(bytes.find("Content-Length"), std::string::npos) << status;
    EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n") << status;
  }
}

TEST(ResponseWireTest, EmptyBodyOfOtherStatusesHasContentLengthZero) {
  const Response r = Json(200, "");
  EXPECT_EQ(Rendered(r, 11, true), BeastBytes(r, 11, true));
  EXPECT_NE(Rendered(r, 11, true).find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(ResponseWireTest, ReasonPhrasesAreBeasts) {
  for (int status : {200, 201, 400, 401, 403, 404, 405, 408, 411, 413, 415, 429, 431, 500, 503,
                     599, 999}) {
    const Response r = ErrorResponse(status, "x");
    EXPECT_EQ(Rendered(r, 11, true), BeastBytes(r, 11, true)) << status;
  }
}

TEST(ResponseWireTest, LargeBodyIsCopiedWhole) {
  const Response r = Json(207, std::string(1 << 20, 'a'));
  const std::string bytes = Rendered(r, 11, true);
  EXPECT_EQ(bytes, BeastBytes(r, 11, true));
  EXPECT_NE(bytes.find("Content-Length: 1048576\r\n"), std::string::npos);
}

TEST(ResponseWireTest, HeadIsAppendedAfterWhatIsAlreadyThereAndLeavesTheBodyOut) {
  std::string out = "previous";
  EXPECT_TRUE(AppendResponseHead(Json(200, "{\"a\":1}"), 11, true, {}, out));
  EXPECT_EQ(out.rfind("previousHTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
  EXPECT_EQ(out.find("{\"a\":1}"), std::string::npos);
  EXPECT_FALSE(AppendResponseHead(Json(204, ""), 11, true, {}, out));
}

TEST(ResponseWireTest, DateFollowsServer) {
  const Response r = Json(404, R"({"detail":"Not found."})");
  const std::string date = "Sun, 06 Nov 1994 08:49:37 GMT";
  EXPECT_EQ(Rendered(r, 11, true, date), BeastBytes(r, 11, true, date));
  EXPECT_EQ(Rendered(r, 11, true, date)
                .rfind("HTTP/1.1 404 Not Found\r\nServer: restock\r\nDate: " + date + "\r\n", 0),
            0u);
}

TEST(ResponseWireTest, CurrentHttpDateIsAnImfFixdateOfNow) {
  const std::string first(CurrentHttpDate());
  ASSERT_EQ(first.size(), 29u) << first;
  std::tm parsed{};
  const char* end = strptime(first.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parsed);
  ASSERT_NE(end, nullptr) << first;
  EXPECT_EQ(*end, '\0');
  const std::time_t then = timegm(&parsed);
  const std::time_t now = std::time(nullptr);
  EXPECT_LE(std::abs(static_cast<long>(now - then)), 2L) << first;
}

TEST(ResponseWireTest, ContinueIsWhatBeastWrites) {
  for (unsigned version : {10u, 11u}) {
    bhttp::response<bhttp::empty_body> message(bhttp::status::continue_, version);
    std::ostringstream beast;
    beast << message;
    std::string out;
    AppendContinue(version, out);
    EXPECT_EQ(out, beast.str());
  }
  std::string out;
  AppendContinue(11, out);
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
}

}  // namespace
}  // namespace restock::http
