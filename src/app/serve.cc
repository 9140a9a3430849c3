#include "app/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>
#include <utility>

#include "api/api.h"
#include "app/openapi_document.h"
#include "app/services.h"
#include "core/redact.h"
#include "core/target_policy.h"
#include "http/router.h"
#include "http/server.h"

namespace restock::app {
namespace {

Result<std::pair<std::string, std::uint16_t>> SplitListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgumentError("--listen must be HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError("--listen port must be a number from 0 to 65535");
  }
  unsigned long port = std::stoul(port_text);
  if (port > 65535) return InvalidArgumentError("--listen port must be a number from 0 to 65535");
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

// "trace" … "off"; spdlog maps unknown names to off, which would silence a typo.
std::optional<spdlog::level::level_enum> ParseLogLevel(const std::string& name) {
  for (auto level : {spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
                     spdlog::level::warn, spdlog::level::err, spdlog::level::critical,
                     spdlog::level::off}) {
    if (spdlog::level::to_string_view(level) == name) return level;
  }
  if (name == "warn") return spdlog::level::warn;  // spdlog's own name is "warning"
  return std::nullopt;
}

// What the flags' own ranges cannot check (each flag's range is in app/serve_flags.cc):
// settings that depend on each other, or that are parsed into the services' options.
Result<ServicesOptions> CheckSettings(const ServeConfig& config) {
  if (!ParseLogLevel(config.log_level)) {
    return InvalidArgumentError("--log-level must be trace, debug, info, warn, error, "
                                "critical or off");
  }
  RESTOCK_RETURN_IF_ERROR(SplitListen(config.listen).status());
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return InvalidArgumentError("--tls-cert and --tls-key must be given together");
  }
  ServicesOptions options;
  webhooks::DispatcherOptions& delivery = options.delivery;
  delivery.retry.first_delay = config.webhook_first_retry_ms * 1000;
  delivery.retry.max_delay = config.webhook_max_retry_ms * 1000;
  delivery.retry.max_attempts = config.webhook_max_attempts;
  delivery.retry.timeout = config.webhook_timeout_ms * 1000;
  delivery.workers = config.webhook_workers;
  delivery.batch = config.webhook_batch;
  delivery.poll_interval = config.webhook_poll_ms * 1000;
  delivery.lease_margin = config.webhook_lease_margin_ms * 1000;
  delivery.shutdown_grace = config.webhook_shutdown_grace_ms * 1000;
  delivery.retention = config.webhook_retention_days * 86'400LL * 1'000'000;
  RESTOCK_RETURN_IF_ERROR(webhooks::ValidateDispatcherOptions(delivery));
  RESTOCK_ASSIGN_OR_RETURN(options.allowed_targets,
                           core::ParseCidrList(config.allow_private_targets));
  RESTOCK_ASSIGN_OR_RETURN(options.flow,
                           placement::MakeFlowOptions(config.oos_max_days, config.oos_notice_days));
  return options;
}

http::ServerOptions ServerOptionsFor(const ServeConfig& config) {
  http::ServerOptions options;
  options.io_threads = config.io_threads;
  options.body_limit = config.max_body_bytes;
  options.header_limit = config.max_header_bytes;
  options.max_connections = config.max_connections;
  options.read_timeout = std::chrono::seconds(config.read_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  options.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  options.write_timeout = std::chrono::seconds(config.write_timeout_seconds);
  options.tls = {config.tls_cert, config.tls_key};
  return options;
}

// Blocks SIGINT and SIGTERM in this thread and every thread it starts after (the mask is
// inherited), so only WaitForShutdownSignal sees them.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

void WaitForShutdownSignal(const sigset_t& signals) {
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received signal {}, shutting down", received);
}

// Prints {"listen":"HOST:PORT"} on stdout (what scripts wait for) and logs it.
void AnnounceListening(const ServeConfig& config, const std::string& host, std::uint16_t port) {
  std::string bound =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  std::cout << "{\"listen\":\"" << bound << "\"}" << std::endl;
  spdlog::info("restock listening on {}://{} (db {})", config.tls_cert.empty() ? "http" : "https",
               bound, core::RedactUrlPassword(config.db));
}

}  // namespace

Status RunServe(const ServeConfig& config) {
  RESTOCK_ASSIGN_OR_RETURN(ServicesOptions options, CheckSettings(config));
  spdlog::set_level(*ParseLogLevel(config.log_level));
  const auto [host, port] = *SplitListen(config.listen);
  const sigset_t signals = BlockShutdownSignals();

  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage, OpenStorage(config));
  Services services(config, options, *storage);
  api::Api api(api::ApiServices{services.authenticator, services.executor, *storage->db,
                                storage->clock, services.stock, services.zones, storage->registry,
                                services.rate_limits, services.targets, OpenApiDocumentJson()},
               api::BatchLimits{config.max_elements, config.max_json_depth});
  http::Router router(storage->registry);
  api.AddRoutes(router);
  // The probes are exempt from the client rate limit (docs/security.md).
  api::ClientRateLimitedHandler limited(services.rate_limits, router, {"/healthz", "/metrics"});
  http::Server server(ServerOptionsFor(config), limited);
  RESTOCK_ASSIGN_OR_RETURN(std::uint16_t bound_port, server.Listen(host, port));
  AnnounceListening(config, host, bound_port);
  server.Start();
  services.StartBackground(config);

  WaitForShutdownSignal(signals);
  // Order matters: webhook delivery takes no new claims at once; then stop taking requests and
  // let in-flight ones finish (they wait on the writer); then the webhook workers (attempts in
  // flight get a short grace), the other background threads, the workers and the writer. The
  // listener closes first even while a webhook worker waits on a busy database.
  services.StopDelivery();
  server.Stop();
  services.Stop();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace restock::app
