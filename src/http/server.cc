#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <cstdlib>
#include <exception>
#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <vector>

#include "core/thread_name.h"
#include "http/session.h"

namespace restock::http {
namespace internal {
namespace net = boost::asio;
using boost::system::error_code;
using net::ip::tcp;

namespace {
// After an accept error (e.g. out of file descriptors) wait before retrying instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// Modern defaults: TLS 1.2 and 1.3 only; for 1.2 only forward-secret AEAD suites
// (Mozilla's "intermediate" list); no compression, no renegotiation, server cipher order.
Result<std::unique_ptr<net::ssl::context>> MakeTlsContext(const TlsOptions& tls) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  error_code ec;
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
                       net::ssl::context::single_dh_use,
                   ec);
  SSL_CTX* native = ctx->native_handle();
  if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native,
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1) {
    return InternalError("cannot configure TLS");
  }
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) {
    return InvalidArgumentError("cannot load TLS certificate '" + tls.cert_file +
                                "': " + ec.message());
  }
  // An encrypted key would make OpenSSL prompt for its pass phrase on the terminal (and a
  // service wait forever): refuse to give one, and say why the key cannot be read.
  bool asked_for_pass_phrase = false;
  SSL_CTX_set_default_passwd_cb_userdata(native, &asked_for_pass_phrase);
  SSL_CTX_set_default_passwd_cb(native, [](char*, int, int, void* asked) -> int {
    *static_cast<bool*>(asked) = true;
    return 0;  // no pass phrase
  });
  ctx->use_private_key_file(tls.key_file, net::ssl::context::pem, ec);
  SSL_CTX_set_default_passwd_cb(native, nullptr);
  SSL_CTX_set_default_passwd_cb_userdata(native, nullptr);
  if (ec && asked_for_pass_phrase) {
    return InvalidArgumentError("TLS key '" + tls.key_file +
                                "' is encrypted with a pass phrase; restock reads only "
                                "unencrypted keys (decrypt it: openssl pkey -in KEY -out KEY2)");
  }
  if (ec) {
    return InvalidArgumentError("cannot load TLS key '" + tls.key_file + "': " + ec.message());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return InvalidArgumentError("TLS key '" + tls.key_file + "' does not match the certificate");
  }
  return ctx;
}

}  // namespace

// Owns the I/O contexts, the acceptor and the session registry. Accepting runs on the acceptor's
// strand; Listen/Close are called by Server from its controlling thread.
//
// One io_context per I/O thread, each run by its thread alone (like nginx's workers): a
// connection lives on one context, and work posted to it — a handler's answer from the
// writer — wakes that context's thread only, with no scheduler shared between I/O threads.
// New connections go to the contexts in turn.
class Listener {
 public:
  Listener(const ServerOptions& options, Handler& handler)
      : options_(options),
        handler_(handler),
        iocs_(MakeContexts(std::max<std::size_t>(1, options.io_threads))),
        acceptor_(net::make_strand(*iocs_.front())),
        retry_timer_(acceptor_.get_executor()),
        tracker_(std::make_shared<ConnectionTracker>()) {}

  Result<std::uint16_t> Listen(std::string host, std::uint16_t port) {
    if (!options_.tls.cert_file.empty() || !options_.tls.key_file.empty()) {
      RESTOCK_ASSIGN_OR_RETURN(tls_, MakeTlsContext(options_.tls));
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) host = "0.0.0.0";
    error_code ec;
    tcp::resolver resolver(*iocs_.front());
    const auto results = resolver.resolve(
        host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return InvalidArgumentError("cannot resolve listen address " + host + ": " + ec.message());
    }
    const tcp::endpoint endpoint = results.begin()->endpoint();
    const auto fail = [&](std::string_view step) -> Status {
      error_code ignored;
      acceptor_.close(ignored);
      return UnavailableError("cannot listen on " + host + ":" + std::to_string(port) + " (" +
                              std::string(step) + "): " + ec.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return fail("open");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return fail("reuse_address");
    acceptor_.bind(endpoint, ec);
    if (ec) return fail("bind");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen");
    const tcp::endpoint local = acceptor_.local_endpoint(ec);
    if (ec) return fail("local_endpoint");
    spdlog::info("http: listening on {}:{}", local.address().to_string(), local.port());
    return local.port();
  }

  bool IsListening() const { return acceptor_.is_open(); }

  // One thread per I/O context.
  void Start(std::vector<std::thread>& out) {
    for (const auto& ioc : iocs_) work_.emplace_back(ioc->get_executor());
    net::post(acceptor_.get_executor(), [this] { DoAccept(); });
    for (const auto& ioc : iocs_) {
      out.emplace_back([this, ioc = ioc.get()] { RunIo(*ioc); });
    }
  }

  // Stops accepting and asks every session to finish. Returns at once; the I/O threads return
  // from RunIo once the last session and the last request in flight are done.
  void Stop(bool started) {
    std::vector<std::shared_ptr<Connection>> sessions;
    {
      std::lock_guard lock(tracker_->mu);
      tracker_->stopping = true;
      for (const auto& [id, weak] : tracker_->live) {
        if (auto session = weak.lock()) sessions.push_back(std::move(session));
      }
    }
    if (!started) {
      error_code ignored;
      acceptor_.close(ignored);
      return;
    }
    net::post(acceptor_.get_executor(), [this] {
      error_code ignored;
      acceptor_.close(ignored);
      retry_timer_.cancel();
    });
    for (const auto& session : sessions) session->Shutdown();
    sessions.clear();  // outside the lock: a session destructor takes it
    work_.clear();
  }

 private:
  static std::vector<std::unique_ptr<net::io_context>> MakeContexts(std::size_t n) {
    std::vector<std::unique_ptr<net::io_context>> iocs;
    iocs.reserve(n);
    // Concurrency hint 1: each context is run by one thread (posts from other threads are
    // still safe).
    for (std::size_t i = 0; i < n; ++i) iocs.push_back(std::make_unique<net::io_context>(1));
    return iocs;
  }

  void RunIo(net::io_context& ioc) {
    NameThisThread("restock-io");
    // The boundary of every asynchronous handler: nothing may escape into std::thread.
    while (true) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http: exception escaped an I/O handler: {}", e.what());
      } catch (...) {
        spdlog::error("http: unknown exception escaped an I/O handler");
      }
    }
  }

  void DoAccept() {
    net::io_context& next = *iocs_[next_ioc_++ % iocs_.size()];
    acceptor_.async_accept(next.get_executor(),
                           boost::beast::bind_front_handler(&Listener::OnAccept, this));
  }

  void OnAccept(error_code ec, TcpStream::socket_type socket) {
    if (!acceptor_.is_open()) return;
    if (ec) {
      if (ec == net::error::operation_aborted) return;
      spdlog::warn("http: accept failed: {}", ec.message());
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([this](error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open()) DoAccept();
      });
      return;
    }
    // Responses go out in one write each; do not let Nagle's algorithm hold a small one back
    // waiting for the client's delayed ACK (nginx's tcp_nodelay does the same).
    error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    bool at_cap = false;
    {
      std::lock_guard lock(tracker_->mu);
      at_cap = tracker_->live.size() >= options_.max_connections;
    }
    const bool room = !at_cap || EvictIdle();
    std::shared_ptr<Connection> session;
    {
      std::lock_guard lock(tracker_->mu);
      if (tracker_->stopping) return;  // `socket` closes on return
      if (!room) {
        spdlog::warn("http: connection limit {} reached; closing new connection",
                     options_.max_connections);
      } else {
        const std::uint64_t id = tracker_->next_id++;
        if (tls_) {
          session = std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *tls_),
                                                         options_, handler_, tracker_, id);
        } else {
          session = std::make_shared<Session<PlainStream>>(PlainStream(std::move(socket)),
                                                           options_, handler_, tracker_, id);
        }
        tracker_->live.emplace(id, session);
      }
    }
    if (session) session->Run();
    DoAccept();
  }

  // At the cap, closes the oldest idle keep-alive connection to make room (the new one is
  // admitted at once; the count is briefly one over), so idle connections cannot lock new
  // clients out. Returns false when none is idle.
  // REQUIRES: tracker_->mu not held (a session reference dropped here may run its
  // destructor, which takes the lock).
  bool EvictIdle() {
    std::vector<std::pair<std::uint64_t, std::weak_ptr<Connection>>> live;
    {
      std::lock_guard lock(tracker_->mu);
      live.assign(tracker_->live.begin(), tracker_->live.end());
    }
    std::shared_ptr<Connection> victim;
    std::uint64_t victim_id = 0;
    for (const auto& [id, weak] : live) {
      if (victim && id > victim_id) continue;
      auto session = weak.lock();
      if (session && session->IsIdle()) {
        victim = std::move(session);
        victim_id = id;
      }
    }
    if (!victim) return false;
    spdlog::debug("http: connection limit {} reached; closing an idle connection",
                  options_.max_connections);
    victim->Shutdown();
    return true;
  }

  const ServerOptions options_;
  Handler& handler_;
  std::unique_ptr<net::ssl::context> tls_;  // null for plain HTTP
  std::vector<std::unique_ptr<net::io_context>> iocs_;  // one per I/O thread
  std::size_t next_ioc_ = 0;                            // on the acceptor's strand
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::shared_ptr<ConnectionTracker> tracker_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work_;
};

}  // namespace internal

Server::Server(ServerOptions options, Handler& handler)
    : listener_(std::make_unique<internal::Listener>(options, handler)) {}

Server::~Server() {
  try {
    Stop();
  } catch (const std::exception& e) {
    // Only std::thread::join can throw here, on a broken invariant.
    spdlog::critical("http: stopping the server failed: {}", e.what());
    std::abort();
  }
}

Result<std::uint16_t> Server::Listen(std::string host, std::uint16_t port) {
  if (started_ || stopped_ || listener_->IsListening()) {
    return FailedPreconditionError("the server is already listening or has stopped");
  }
  return listener_->Listen(std::move(host), port);
}

void Server::Start() {
  if (started_ || stopped_ || !listener_->IsListening()) {
    spdlog::critical("http: Server::Start called twice, after Stop, or before Listen");
    std::abort();
  }
  started_ = true;
  listener_->Start(threads_);
}

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  listener_->Stop(started_);
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace restock::http
