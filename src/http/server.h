// restock::http — the HTTP/1.1 server: listener, connections, limits and timeouts.
//
// Shape of Beast's example/advanced/server: one listener, one session per connection, every read
// bounded by size and time. Each connection lives on one I/O thread's io_context, which that
// thread alone runs, so its handlers are serialised without a strand. Requests are converted
// to http::Request and given to a Handler, which may answer later from any thread (e.g. the
// database writer) without blocking an I/O thread. Keep-alive and pipelining are supported: a
// session keeps reading while fewer than `pipeline_limit` responses are pending and writes
// responses strictly in request order.
//
// Answers on its own, then closes the connection:
//   431 {"detail":"Request header fields too large."}  header block over `header_limit`
//   413 {"detail":"Request body too large."}           Content-Length (checked as soon as the
//                                                       header is read) or body over `body_limit`
//   400 {"detail":"Malformed HTTP request."}           anything the HTTP parser rejects
//   400 {"detail":"HTTP/1.1 requests need exactly one Host header."}   (RFC 9112 §3.2)
//   500 {"detail":"Internal server error."}            the handler threw, or dropped `respond`
//                                                       without calling it
// With ServerOptions::tls every connection starts with a TLS handshake (TLS 1.2+, forward-secret
// AEAD ciphers for 1.2); a failed handshake closes the connection silently.
// `Expect: 100-continue` is answered with an interim 100 before the body is read.
// Every response carries `Server: restock`, `Date` (formatted once a second per I/O thread),
// Content-Type and Content-Length. The response to a HEAD request is sent without its body
// (the Router serves HEAD with the GET handler). Logs (spdlog) hold
// one line per error and never headers or bodies, which may carry credentials.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "http/message.h"

namespace restock::http {

// HTTPS: both set = TLS (1.2 or newer) on every connection; both empty = plain HTTP.
struct TlsOptions {
  std::string cert_file;  // PEM certificate chain, leaf first
  std::string key_file;   // PEM private key, not encrypted
};

struct ServerOptions {
  std::size_t io_threads = 2;  // one io_context each; 0 counts as 1
  std::uint64_t body_limit = 16 * 1024 * 1024;  // bytes
  std::uint32_t header_limit = 16 * 1024;       // bytes, request line and fields
  // Bounds reading one request's header block, from its first byte (slow-header clients).
  // With TLS it also bounds the handshake.
  std::chrono::seconds header_timeout{10};
  // Bounds reading one request, from its first byte to the end of its body.
  std::chrono::seconds read_timeout{30};
  // Bounds waiting for the first byte of the next request on a kept-alive connection (also while
  // earlier responses of that connection are still being produced).
  std::chrono::seconds idle_timeout{60};
  std::size_t pipeline_limit = 16;      // responses pending per connection before reading pauses
  std::size_t max_connections = 10000;  // connections above this are closed on accept
  // Bounds writing one response (not in the original brief; added so a client that stops
  // reading cannot hold a connection forever).
  std::chrono::seconds write_timeout{30};
  TlsOptions tls;
};

namespace internal {
class Listener;
}  // namespace internal

// Lifecycle: construct, Listen once, Start once, Stop (also done by the destructor).
// Thread-safety: Listen, Start and Stop must be called from one thread that is not one of the
// server's I/O threads (i.e. never from inside Handler::Handle or a respond callback).
// Ownership: holds a reference to `handler`, which must outlive the server and must call each
// `respond` it receives exactly once (Stop waits for every request in flight).
class Server {
 public:
  Server(ServerOptions options, Handler& handler);
  ~Server();  // Stop()s if still running.
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on `host` (an IP address or a name to resolve; "" = all IPv4 interfaces;
  // "[::1]" brackets allowed) and `port` (0 = an ephemeral port). Returns the bound port.
  // InvalidArgument: host does not resolve, or the TLS certificate or key cannot be loaded.
  // Unavailable: the address cannot be bound.
  // FailedPrecondition: already listening, or stopped.
  // REQUIRES: not started.
  Result<std::uint16_t> Listen(std::string host, std::uint16_t port);

  // Starts accepting and runs `io_threads` I/O threads. Returns at once.
  // REQUIRES: Listen succeeded; Start not called before.
  void Start();

  // Stops accepting, closes idle connections (and ones mid-way through reading a request),
  // lets requests already handed to the handler finish and their responses be written, then
  // joins the I/O threads. Idempotent. Afterwards the server cannot be restarted.
  void Stop();

 private:
  std::unique_ptr<internal::Listener> listener_;
  std::vector<std::thread> threads_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace restock::http
