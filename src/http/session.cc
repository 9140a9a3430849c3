#include "http/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cctype>
#include <exception>
#include <optional>
#include <utility>

#include "http/beast_request.h"
#include "http/response_wire.h"

namespace restock::http::internal {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::beast::error_code;

namespace {

constexpr std::size_t kIdleReadChunk = 4096;
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::uint64_t kLingerMaxBytes = std::uint64_t{1} << 20;

// Completes one request exactly once. Shared by every copy of the Respond callback; if the last
// copy goes away uncalled (a handler bug, or Handle threw), it answers 500 itself so the
// connection does not hang. Holding it keeps the I/O threads running (tracked work), so Stop()
// waits for requests in flight.
class Completion {
  using TrackedExecutor = decltype(net::prefer(std::declval<IoExecutor>(),
                                               net::execution::outstanding_work.tracked));

 public:
  Completion(std::shared_ptr<Connection> session, std::uint64_t seq, const IoExecutor& ex)
      : session_(std::move(session)),
        seq_(seq),
        work_(net::prefer(ex, net::execution::outstanding_work.tracked)) {}
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;
  ~Completion() {
    if (done_.load()) return;
    try {
      spdlog::error("http: handler dropped a request without responding");
      Deliver(ErrorResponse(500, "Internal server error."));
    } catch (const std::exception& e) {
      spdlog::critical("http: cannot answer a dropped request: {}", e.what());
    }
  }

  void Deliver(Response response) {
    if (done_.exchange(true)) {
      spdlog::error("http: handler responded twice to one request; ignored");
      return;
    }
    // Only the first caller gets here, so moving the members out is race-free. The posted
    // function is itself tracked work, so releasing work_ afterwards is safe.
    net::post(*work_, [session = std::move(session_), seq = seq_,
                      response = std::move(response)]() mutable {
      session->Complete(seq, std::move(response));
    });
    work_.reset();
  }

 private:
  std::atomic<bool> done_{false};
  std::shared_ptr<Connection> session_;
  const std::uint64_t seq_;
  std::optional<TrackedExecutor> work_;
};

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category();
}

// Header names and values from handlers must not be able to split the response.
bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c == ':' || c == 127) return false;
  }
  return value.find_first_of("\r\n") == std::string_view::npos &&
         value.find('\0') == std::string_view::npos;
}

}  // namespace

template <class Stream>
Session<Stream>::Session(Stream stream, const ServerOptions& options, Handler& handler,
                         std::shared_ptr<ConnectionTracker> tracker, std::uint64_t id)
    : stream_(std::move(stream)),
      options_(options),
      handler_(handler),
      tracker_(std::move(tracker)),
      id_(id) {
  error_code ec;
  const auto endpoint = Tcp().socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
}

template <class Stream>
Session<Stream>::~Session() {
  std::lock_guard lock(tracker_->mu);
  tracker_->live.erase(id_);
}

template <class Stream>
void Session<Stream>::Run() {
  net::dispatch(stream_.get_executor(), [self = Self()] {
    if constexpr (kTls) {
      // A handshake is as short as a header block; stalled ones must not pile up.
      self->Tcp().expires_after(
          std::min(self->options_.header_timeout, self->options_.read_timeout));
      self->stream_.async_handshake(net::ssl::stream_base::server,
                                    beast::bind_front_handler(&Session::OnHandshake, self));
    } else {
      self->DoRead();
    }
  });
}

template <class Stream>
void Session<Stream>::OnHandshake(error_code ec) {
  if (ec) {
    // Scanners and plain-HTTP clients end here; nothing useful can be sent back.
    spdlog::debug("http: TLS handshake with {} failed: {}", remote_address_, ec.message());
    return Close();
  }
  DoRead();
}

template <class Stream>
void Session<Stream>::Shutdown() {
  net::post(stream_.get_executor(), [self = Self()] {
    self->stopping_ = true;
    self->read_closed_ = true;
    if (self->closed_) return;
    if (self->lingering_ || (self->slots_.empty() && !self->writing_)) {
      self->Close();
    } else if (self->reading_) {
      // Ends the pending read with EOF but leaves the sending side open for responses owed.
      error_code ec;
      self->Tcp().socket().shutdown(net::ip::tcp::socket::shutdown_receive, ec);
    }
  });
}

template <class Stream>
void Session<Stream>::DoRead() {
  if (closed_ || read_closed_ || reading_ || lingering_) return;
  if (slots_.size() >= options_.pipeline_limit) return;  // OnWrite resumes reading
  // Requests of one connection take effect in order: the next is read only once the
  // handler has answered the previous one (Complete resumes reading).
  if (handling_) return;
  reading_ = true;
  parser_.emplace();
  parser_->header_limit(options_.header_limit);
  parser_->body_limit(options_.body_limit);
  if (buffer_.size() > 0) {
    DoReadHeader();  // a pipelined request is already (partly) buffered
    return;
  }
  idle_.store(slots_.empty(), std::memory_order_relaxed);
  Tcp().expires_after(options_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kIdleReadChunk),
                          beast::bind_front_handler(&Session<Stream>::OnIdleRead, Self()));
}

template <class Stream>
void Session<Stream>::OnIdleRead(error_code ec, std::size_t bytes) {
  idle_.store(false, std::memory_order_relaxed);
  if (ec) return FailRead(ec);
  buffer_.commit(bytes);
  DoReadHeader();
}

template <class Stream>
void Session<Stream>::DoReadHeader() {
  // The header block has its own, shorter deadline; the whole request (header and body) is
  // bounded by read_timeout from its first byte.
  request_started_ = std::chrono::steady_clock::now();
  // Usually the idle read has brought the whole request (or a pipelined one is buffered):
  // parse it right here instead of through two more asynchronous reads and their timers.
  // The parser's limits apply the same way; a partial request goes on asynchronously.
  if (buffer_.size() > 0) {
    if (const error_code ec = ParseBuffered()) return FailRead(ec);
    if (parser_->is_header_done()) return OnReadHeader({}, 0);
  }
  Tcp().expires_after(std::min(options_.header_timeout, options_.read_timeout));
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session<Stream>::OnReadHeader, Self()));
}

template <class Stream>
error_code Session<Stream>::ParseBuffered() {
  error_code ec;
  while (!parser_->is_done() && buffer_.size() > 0) {
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) return {};
    if (ec) return ec;
    if (used == 0) break;
  }
  return {};
}

template <class Stream>
void Session<Stream>::OnReadHeader(error_code ec, std::size_t /*bytes*/) {
  if (ec) return FailRead(ec);
  const auto& header = parser_->get();
  // A request whose Transfer-Encoding does not end in chunked has no knowable length (RFC 9112
  // §6.3: answer 400 and close). Beast would read it as bodiless and then parse the body as
  // the next request: a request-smuggling vector behind a proxy that frames it differently.
  if (header.count(bhttp::field::transfer_encoding) > 0 && !parser_->chunked()) {
    return FailRead(bhttp::error::bad_transfer_encoding);
  }
  // RFC 9112 §3.2: an HTTP/1.1 request with no Host field, or more than one, is answered 400.
  if (header.version() >= 11 && header.count(bhttp::field::host) != 1) {
    return RefuseRequest(400, "HTTP/1.1 requests need exactly one Host header.");
  }
  if (!parser_->is_done() && header.version() >= 11 &&
      beast::iequals(header[bhttp::field::expect], "100-continue")) {
    EnqueueReady(Response{}, header.version(), /*interim=*/true, /*keep_alive=*/true);
  }
  if (parser_->is_done()) return OnReadBody({}, 0);
  Tcp().expires_at(request_started_ + options_.read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session<Stream>::OnReadBody, Self()));
}

template <class Stream>
void Session<Stream>::OnReadBody(error_code ec, std::size_t /*bytes*/) {
  if (ec) return FailRead(ec);
  reading_ = false;
  Dispatch();
  DoRead();
}

template <class Stream>
void Session<Stream>::FailRead(error_code ec) {
  reading_ = false;
  read_closed_ = true;
  if (closed_) return;
  int status = 0;
  const char* detail = nullptr;
  if (ec == bhttp::error::header_limit) {
    status = 431;
    detail = "Request header fields too large.";
  } else if (ec == bhttp::error::body_limit) {
    status = 413;
    detail = "Request body too large.";
  } else if (IsHttpParseError(ec) && ec != bhttp::error::end_of_stream &&
             ec != bhttp::error::partial_message) {
    status = 400;
    detail = "Malformed HTTP request.";
  }
  if (status != 0) {
    spdlog::info("http: {} from {}: {}", status, remote_address_, ec.message());
    return RefuseRequest(status, detail);
  }
  if (ec == beast::error::timeout) {
    // tcp_stream has already closed the socket; whatever was owed cannot be sent.
    spdlog::debug("http: read timeout from {}", remote_address_);
    return Close();
  }
  if (ec != bhttp::error::end_of_stream && ec != net::error::eof &&
      ec != net::error::operation_aborted) {
    spdlog::debug("http: read from {} ended: {}", remote_address_, ec.message());
  }
  MaybeFinish();  // the client may have half-closed after pipelining: still answer it
}

template <class Stream>
void Session<Stream>::RefuseRequest(int status, const char* detail) {
  reading_ = false;
  read_closed_ = true;
  if (closed_) return;
  const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  EnqueueReady(ErrorResponse(status, detail), version, /*interim=*/false, /*keep_alive=*/false);
}

template <class Stream>
void Session<Stream>::Dispatch() {
  auto& message = parser_->get();
  Request request = RequestFromBeast(message, remote_address_);

  Slot& slot = slots_.emplace_back();
  slot.seq = next_seq_++;
  slot.version = message.version();
  slot.keep_alive = message.keep_alive();
  slot.head = message.method() == bhttp::verb::head;
  if (!slot.keep_alive) read_closed_ = true;
  const std::uint64_t seq = slot.seq;
  parser_.reset();

  handling_ = true;
  auto completion = std::make_shared<Completion>(Self(), seq, stream_.get_executor());
  try {
    handler_.Handle(std::move(request),
                    [completion](Response response) { completion->Deliver(std::move(response)); });
  } catch (const std::exception& e) {
    spdlog::error("http: handler threw: {}", e.what());
    completion->Deliver(ErrorResponse(500, "Internal server error."));
  } catch (...) {
    spdlog::error("http: handler threw a non-exception");
    completion->Deliver(ErrorResponse(500, "Internal server error."));
  }
}

template <class Stream>
void Session<Stream>::Complete(std::uint64_t seq, Response response) {
  if (closed_) return;
  handling_ = false;
  DoRead();
  for (Slot& slot : slots_) {
    if (slot.seq != seq) continue;
    if (response.status < 100 || response.status > 999) {
      spdlog::error("http: handler returned invalid status {}", response.status);
      response = ErrorResponse(500, "Internal server error.");
    }
    std::erase_if(response.headers, [](const auto& header) {
      if (IsSafeHeader(header.first, header.second)) return false;
      spdlog::error("http: handler returned an invalid header; dropped");
      return true;
    });
    slot.response = std::move(response);
    slot.ready = true;
    return DoWrite();
  }
  spdlog::error("http: response for unknown request {}", seq);
}

template <class Stream>
void Session<Stream>::EnqueueReady(Response response, unsigned version, bool interim,
                                   bool keep_alive) {
  Slot slot;
  slot.seq = next_seq_++;
  slot.version = version;
  slot.keep_alive = keep_alive;
  slot.interim = interim;
  slot.ready = true;
  slot.response = std::move(response);
  slots_.push_back(std::move(slot));
  DoWrite();
}

template <class Stream>
void Session<Stream>::DoWrite() {
  if (closed_ || writing_ || slots_.empty() || !slots_.front().ready) return;
  const Slot& slot = slots_.front();
  bool keep_alive = true;
  bool with_body = false;
  out_.clear();
  if (slot.interim) {
    AppendContinue(slot.version, out_);
  } else {
    // The last response before we stop reading announces the close.
    const bool last = read_closed_ && !reading_ && slots_.size() == 1;
    keep_alive = slot.keep_alive && !last;
    // Content-Length stays that of the body a GET would get (RFC 9110 §9.3.2).
    with_body =
        AppendResponseHead(slot.response, slot.version, keep_alive, CurrentHttpDate(), out_) &&
        !slot.head;
  }
  // Head and body in one gathered write; the body stays in its slot (deque elements do not
  // move) until OnWrite pops it.
  const std::array<net::const_buffer, 2> buffers = {
      net::buffer(out_), with_body ? net::buffer(slot.response.body) : net::const_buffer()};
  writing_ = true;
  Tcp().expires_after(options_.write_timeout);
  net::async_write(stream_, buffers,
                   beast::bind_front_handler(&Session<Stream>::OnWrite, Self(), slot.interim,
                                             keep_alive));
}

template <class Stream>
void Session<Stream>::OnWrite(bool interim, bool keep_alive, error_code ec,
                              std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) {
    if (ec != net::error::operation_aborted) {
      spdlog::debug("http: write to {} failed: {}", remote_address_, ec.message());
    }
    return Close();
  }
  slots_.pop_front();
  if (!interim && !keep_alive) {
    read_closed_ = true;
    if (reading_ || stopping_) return Close();  // only when stopping: no one to linger for
    lingering_ = true;
    if constexpr (kTls) {
      // Send close_notify (and wait briefly for the client's) instead of draining.
      Tcp().expires_after(kLingerTimeout);
      return stream_.async_shutdown([self = Self()](error_code) { self->Close(); });
    }
    error_code ignored;
    Tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return DoLinger();
  }
  DoWrite();
  DoRead();
  MaybeFinish();
}

template <class Stream>
void Session<Stream>::DoLinger() {
  buffer_.consume(buffer_.size());
  Tcp().expires_after(kLingerTimeout);
  stream_.async_read_some(buffer_.prepare(kIdleReadChunk),
                          beast::bind_front_handler(&Session<Stream>::OnLinger, Self()));
}

template <class Stream>
void Session<Stream>::OnLinger(error_code ec, std::size_t bytes) {
  lingered_bytes_ += bytes;
  if (ec || closed_ || lingered_bytes_ > kLingerMaxBytes) return Close();
  buffer_.commit(bytes);
  DoLinger();
}

template <class Stream>
void Session<Stream>::MaybeFinish() {
  if (read_closed_ && !reading_ && !writing_ && slots_.empty() && !lingering_) Close();
}

template <class Stream>
void Session<Stream>::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  Tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  Tcp().close();
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace restock::http::internal
