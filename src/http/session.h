// restock::http — internal to server.cc: one HTTP/1.1 connection. Not a public API; include
// http/server.h instead.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "http/message.h"
#include "http/server.h"

namespace restock::http::internal {

// What the server and in-flight requests know of a session, whatever its transport.
// Thread-safety: Shutdown may be called from any thread; Complete only on the session's I/O
// thread.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  // Starts the session (TLS handshake if any, then reading requests). Any thread.
  virtual void Run() = 0;
  // Stops reading; closes the connection once responses already owed are written.
  virtual void Shutdown() = 0;
  // Delivers the handler's response for request `seq`. Called on the session's I/O thread.
  virtual void Complete(std::uint64_t seq, Response response) = 0;
  // True while the connection waits for the first byte of its next request with nothing
  // owed (an idle keep-alive connection, the first to go when the cap is reached). Any thread.
  bool IsIdle() const { return idle_.load(std::memory_order_relaxed); }

 protected:
  std::atomic<bool> idle_{false};
};

// A connection's handlers run on its I/O thread's io_context, which that thread alone runs, so
// they are serialised without a strand; the concrete executor type spares every operation the
// type-erased any_io_executor.
using IoExecutor = boost::asio::io_context::executor_type;
using TcpStream = boost::beast::basic_stream<boost::asio::ip::tcp, IoExecutor>;
using PlainStream = TcpStream;
using TlsStream = boost::beast::ssl_stream<TcpStream>;

// The live sessions of one server, for the connection cap and for Stop().
// Thread-safety: guarded by `mu`. Shared by the listener and every session, so a session that
// outlives the listener can still unregister.
struct ConnectionTracker {
  std::mutex mu;
  bool stopping = false;                                           // guarded by mu
  std::uint64_t next_id = 0;                                       // guarded by mu
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> live;  // guarded by mu
};

// Reads requests from one connection, hands them to the handler and writes the responses in
// request order. All state is touched only on the session's I/O thread (the one running the
// io_context of its socket); Run and Shutdown may be called from any thread.
// `Stream` is PlainStream or TlsStream (explicitly instantiated in session.cc); with TLS the
// session starts with the server-side handshake.
// Ownership: kept alive by its pending asynchronous operations and by respond callbacks not yet
// called; `options` and `handler` must outlive it (the server ensures this by joining its I/O
// threads only after every session is gone).
template <class Stream>
class Session final : public Connection {
 public:
  // REQUIRES: the stream's socket is connected, and its io_context is run by one thread.
  Session(Stream stream, const ServerOptions& options, Handler& handler,
          std::shared_ptr<ConnectionTracker> tracker, std::uint64_t id);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Run() override;
  void Shutdown() override;
  void Complete(std::uint64_t seq, Response response) override;

 private:
  // One response owed, in request order. `ready` turns true when the handler answers (error
  // and interim responses are ready when queued).
  struct Slot {
    std::uint64_t seq = 0;
    unsigned version = 11;
    bool keep_alive = true;  // what the request asked for
    bool interim = false;    // a "100 Continue", written before its request's final response
    bool head = false;       // a HEAD request: its response goes without the body
    bool ready = false;
    Response response;
  };

  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  TcpStream& Tcp() { return boost::beast::get_lowest_layer(stream_); }
  void OnHandshake(boost::beast::error_code ec);
  void DoRead();
  void OnIdleRead(boost::beast::error_code ec, std::size_t bytes);
  void DoReadHeader();
  // Feeds what is buffered to the parser; stops when the request is done or needs more.
  boost::beast::error_code ParseBuffered();
  void OnReadHeader(boost::beast::error_code ec, std::size_t bytes);
  void OnReadBody(boost::beast::error_code ec, std::size_t bytes);
  void FailRead(boost::beast::error_code ec);
  // Answers `status` {"detail": detail} to a request that will not be handled, and stops
  // reading: the connection closes after the response.
  void RefuseRequest(int status, const char* detail);
  void Dispatch();

  // Queues a response that is ready now (interim or error), closing after it when !keep_alive.
  void EnqueueReady(Response response, unsigned version, bool interim, bool keep_alive);
  // Writes the first owed response once it is ready: its head rendered into out_
  // (response_wire.h), then its body.
  void DoWrite();
  void OnWrite(bool interim, bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  // After a final "Connection: close" response: stop sending, drain what the client still sends
  // (so closing does not reset the connection before it read the response), then close.
  void DoLinger();
  void OnLinger(boost::beast::error_code ec, std::size_t bytes);
  void MaybeFinish();
  void Close();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  const ServerOptions& options_;
  Handler& handler_;
  const std::shared_ptr<ConnectionTracker> tracker_;
  const std::uint64_t id_;
  std::string remote_address_;

  std::deque<Slot> slots_;
  std::string out_;  // the head of the response being written; reused across responses
  std::uint64_t next_seq_ = 0;
  std::uint64_t lingered_bytes_ = 0;
  std::chrono::steady_clock::time_point request_started_;
  bool reading_ = false;      // a read operation (or a read phase) is in progress
  bool handling_ = false;     // a request is with the handler, not yet answered
  bool read_closed_ = false;  // no further requests will be read
  bool writing_ = false;
  bool lingering_ = false;
  bool stopping_ = false;
  bool closed_ = false;
};

}  // namespace restock::http::internal
