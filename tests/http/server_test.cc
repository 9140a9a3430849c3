#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace restock::http {
namespace {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using net::ip::tcp;
using HttpResponse = bhttp::response<bhttp::string_body>;

// Echoes the request, or keeps the callback when the path starts with /defer, or misbehaves on
// /throw and /drop. Thread-safe.
class TestHandler final : public Handler {
 public:
  void Handle(Request request, Respond respond) override {
    if (request.path == "/throw") throw std::runtime_error("boom");
    if (request.path == "/drop") return;
    std::unique_lock lock(mu_);
    seen_.push_back(request);
    if (request.path.starts_with("/defer")) {
      pending_.push_back(std::move(respond));
      cv_.notify_all();
      return;
    }
    lock.unlock();
    Response response;
    response.content_type = "text/plain";
    response.headers.emplace_back("X-Echo", "yes");
    response.body = request.method + " " + request.path + " ? " + request.query + " | " +
                    request.body + " | " + std::string(request.Header("x-test").value_or("-"));
    respond(std::move(response));
  }

  // Waits until `n` deferred requests are pending and returns their callbacks.
  std::vector<Respond> WaitForPending(std::size_t n) {
    std::unique_lock lock(mu_);
    const bool ok =
        cv_.wait_for(lock, std::chrono::seconds(10), [&] { return pending_.size() >= n; });
    EXPECT_TRUE(ok) << "only " << pending_.size() << " requests arrived";
    return pending_;
  }
  std::vector<Request> Seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> seen_;
  std::vector<Respond> pending_;
};

Response TextResponse(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

// A blocking client on a raw socket.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  void Write(std::string_view raw) { net::write(socket_, net::buffer(raw.data(), raw.size())); }
  HttpResponse Read() {
    HttpResponse response;
    boost::beast::error_code ec;
    bhttp::read(socket_, buffer_, response, ec);
    EXPECT_FALSE(ec) << ec.message();
    return response;
  }
  // True when the server closed the connection (EOF or reset) with nothing more to read.
  bool ReadsClosed() {
    if (buffer_.size() > 0) return false;
    char byte;
    boost::system::error_code ec;
    socket_.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    server_ = std::make_unique<Server>(options, handler_);
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  TestHandler handler_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

TEST_F(ServerTest, AnswersARequest) {
  StartServer();
  Client client(port_);
  client.Write(
      "PATCH /things/1?a=b HTTP/1.1\r\nHost: x\r\nX-Test: Value\r\nContent-Length: 5\r\n\r\nhello");
  const HttpResponse r = client.Read();
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "PATCH /things/1 ? a=b | hello | Value");
  EXPECT_EQ(r[bhttp::field::server], "restock");
  EXPECT_EQ(r[bhttp::field::content_type], "text/plain");
  EXPECT_EQ(r[bhttp::field::content_length], std::to_string(r.body().size()));
  EXPECT_EQ(r["X-Echo"], "yes");
  EXPECT_TRUE(r.keep_alive());
  const auto seen = handler_.Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/things/1?a=b");
  EXPECT_EQ(seen[0].remote_address, "127.0.0.1");
  EXPECT_EQ(seen[0].Header("host"), "x");  // names arrive lower-cased
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  Client client(port_);
  for (int i = 0; i < 3; ++i) {
    client.Write("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const HttpResponse r = client.Read();
    EXPECT_EQ(r.body(), "GET /n" + std::to_string(i) + " ?  |  | -");
    EXPECT_TRUE(r.keep_alive());
  }
  client.Write("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const HttpResponse last = client.Read();
  EXPECT_EQ(last.result_int(), 200);
  EXPECT_FALSE(last.keep_alive());
  EXPECT_TRUE(client.ReadsClosed());
}

TEST_F(ServerTest, PipelinedRequestsAreHandledOneAfterAnother) {
  StartServer();
  Client client(port_);
  client.Write(
      "GET /defer1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /defer2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
      "GET /defer3 HTTP/1.1\r\nHost: x\r\n\r\n");
  // The effects of one connection's requests apply in order: the second reaches the handler
  // only once the first is answered, even though all three are already buffered.
  for (std::size_t n = 1; n <= 3; ++n) {
    std::vector<Respond> pending = handler_.WaitForPending(n);
    ASSERT_EQ(pending.size(), n);
    EXPECT_EQ(handler_.Seen().size(), n);
    std::thread responder([&pending, n] { pending[n - 1](TextResponse("r" + std::to_string(n))); });
    responder.join();
  }
  EXPECT_EQ(client.Read().body(), "r1");
  EXPECT_EQ(client.Read().body(), "r2");
  EXPECT_EQ(client.Read().body(), "r3");
  EXPECT_EQ(handler_.Seen()[1].body, "hi");
}

TEST_F(ServerTest, ContentLengthOverBodyLimitIs413AtOnce) {
  ServerOptions options;
  options.body_limit = 1024;
  StartServer(options);
  Client client(port_);
  // Only the header is sent: the answer must not wait for the body.
  client.Write("PATCH /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
  const HttpResponse r = client.Read();
  EXPECT_EQ(r.result_int(), 413);
  EXPECT_EQ(r.body(), "{\"detail\":\"Request body too large.\"}");
  EXPECT_FALSE(r.keep_alive());
  EXPECT_TRUE(client.ReadsClosed());
  EXPECT_TRUE(handler_.Seen().empty());
}

TEST_F(ServerTest, ChunkedBodyOverBodyLimitIs413) {
  ServerOptions options;
  options.body_limit = 16;
  StartServer(options);
  Client client(port_);
  client.Write(
      "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "20\r\n0123456789abcdef0123456789abcdef\r\n0\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 413);
}

TEST_F(ServerTest, HugeHeaderIs431) {
  ServerOptions options;
  options.header_limit = 1024;
  StartServer(options);
  Client client(port_);
  client.Write("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  const HttpResponse r = client.Read();
  EXPECT_EQ(r.result_int(), 431);
  EXPECT_EQ(r.body(), "{\"detail\":\"Request header fields too large.\"}");
  EXPECT_TRUE(client.ReadsClosed());
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  StartServer();
  Client client(port_);
  client.Write("NOT HTTP AT ALL\r\n\r\n");
  const HttpResponse r = client.Read();
  EXPECT_EQ(r.result_int(), 400);
  EXPECT_EQ(r[bhttp::field::content_type], "application/json");
  EXPECT_TRUE(client.ReadsClosed());
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponseBeforeBody) {
  StartServer();
  Client client(port_);
  client.Write("PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 100);
  client.Write("data");
  const HttpResponse r = client.Read();
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "PUT /up ?  | data | -");
}

TEST_F(ServerTest, HandlerThatThrowsOrDropsTheRequestGets500) {
  StartServer();
  Client client(port_);
  client.Write("GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /drop HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 500);
  EXPECT_EQ(client.Read().result_int(), 500);
}

TEST_F(ServerTest, Http10ClosesAfterTheResponse) {
  StartServer();
  Client client(port_);
  client.Write("GET /old HTTP/1.0\r\n\r\n");
  const HttpResponse r = client.Read();
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_TRUE(client.ReadsClosed());
}

TEST_F(ServerTest, ConnectionsOverTheCapAreClosed) {
  ServerOptions options;
  options.max_connections = 1;
  StartServer(options);
  Client first(port_);
  first.Write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(first.Read().result_int(), 200);  // the first is now certainly registered
  Client second(port_);
  EXPECT_TRUE(second.ReadsClosed());
  first.Write("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(first.Read().result_int(), 200);
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  StartServer(options);
  Client client(port_);
  client.Write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ReadsClosed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ServerTest, StopClosesIdleConnectionsPromptly) {
  StartServer();  // idle_timeout 60 s: only Stop can end these connections quickly
  Client used(port_);
  used.Write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(used.Read().result_int(), 200);
  Client silent(port_);
  Client partial(port_);
  partial.Write("GET /half HTTP/1.1\r\nHo");
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(used.ReadsClosed());
  EXPECT_TRUE(silent.ReadsClosed());
  EXPECT_TRUE(partial.ReadsClosed());
}

TEST_F(ServerTest, StopFinishesRequestsInFlight) {
  StartServer();
  Client client(port_);
  client.Write("GET /defer HTTP/1.1\r\nHost: x\r\n\r\n");
  std::vector<Respond> pending = handler_.WaitForPending(1);
  ASSERT_EQ(pending.size(), 1u);
  auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
  pending[0](TextResponse("late"));
  const HttpResponse r = client.Read();
  EXPECT_EQ(r.body(), "late");
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(client.ReadsClosed());
}

TEST(ServerListenTest, ReportsUnbindableAddress) {
  TestHandler handler;
  Server server({}, handler);
  const auto port = server.Listen("203.0.113.1", 0);  // TEST-NET-3: not a local address
  EXPECT_FALSE(port.ok());
  EXPECT_EQ(port.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace restock::http
