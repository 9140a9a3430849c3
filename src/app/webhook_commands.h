// restock::app — command-line wiring of webhooks: the `webhook …` subcommands and the
// delivery settings of `serve` (docs/webhooks.md, README Configuration).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "app/config.h"
#include "cli/commands.h"

namespace restock::app {

// Adds serve's webhook flags through `opt(name, value, help, env)` (main.cc's helper).
template <typename Opt>
void AddWebhookServeOptions(Opt& opt, ServeConfig& c) {
  opt("--webhooks", c.webhooks, "deliver webhooks from this process (true|false)",
      "RESTOCK_WEBHOOKS");
  opt("--webhook-workers", c.webhook_workers, "threads delivering webhooks",
      "RESTOCK_WEBHOOK_WORKERS");
  opt("--webhook-batch", c.webhook_batch, "deliveries one worker claims at a time",
      "RESTOCK_WEBHOOK_BATCH");
  opt("--webhook-poll-ms", c.webhook_poll_ms, "ms between looks at the outbox when idle",
      "RESTOCK_WEBHOOK_POLL_MS");
  opt("--webhook-timeout-ms", c.webhook_timeout_ms, "ms a delivery attempt may take",
      "RESTOCK_WEBHOOK_TIMEOUT_MS");
  opt("--webhook-first-retry-ms", c.webhook_first_retry_ms,
      "ms before the first retry (doubling after each failure)", "RESTOCK_WEBHOOK_FIRST_RETRY_MS");
  opt("--webhook-max-retry-ms", c.webhook_max_retry_ms, "cap in ms between retries",
      "RESTOCK_WEBHOOK_MAX_RETRY_MS");
  opt("--webhook-max-attempts", c.webhook_max_attempts,
      "attempts per delivery before it is marked failed", "RESTOCK_WEBHOOK_MAX_ATTEMPTS");
  opt("--webhook-lease-margin-ms", c.webhook_lease_margin_ms,
      "ms a claim outlives batch x timeout before another worker may retry it",
      "RESTOCK_WEBHOOK_LEASE_MARGIN_MS");
  opt("--webhook-shutdown-grace-ms", c.webhook_shutdown_grace_ms,
      "ms attempts in flight may take to finish on shutdown before they are abandoned",
      "RESTOCK_WEBHOOK_SHUTDOWN_GRACE_MS");
  opt("--webhook-retention-days", c.webhook_retention_days,
      "days delivered and failed deliveries and attempts are kept (0: forever)",
      "RESTOCK_WEBHOOK_RETENTION_DAYS");
  opt("--allow-private-targets", c.allow_private_targets,
      "CIDRs (comma-separated) webhooks may reach although loopback, link-local or private",
      "RESTOCK_ALLOW_PRIVATE_TARGETS");
}

// The `webhook` command group and the values of its flags.
class WebhookCommands {
 public:
  // Registers `webhook add|list|rotate|disable|enable|replay|deliveries|remove` on `app`; `add_db`
  // adds the --db flag to each.
  template <typename AddDb>
  WebhookCommands(CLI::App& app, AddDb add_db) {
    Register(app);
    for (CLI::App* c : {add_, list_, rotate_, disable_, enable_, replay_, deliveries_, remove_}) {
      add_db(c);
    }
  }
  // True when one of the webhook subcommands was chosen on the command line.
  bool chosen() const;
  // Runs the chosen subcommand. REQUIRES: chosen().
  Status Run(cli::Context& ctx) const;

 private:
  void Register(CLI::App& app);

  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* rotate_ = nullptr;
  CLI::App* disable_ = nullptr;
  CLI::App* enable_ = nullptr;
  CLI::App* replay_ = nullptr;
  CLI::App* deliveries_ = nullptr;
  CLI::App* remove_ = nullptr;
  std::string merchant_, url_, events_;
  std::optional<std::string> secret_, since_;
  std::string allow_private_targets_;
  std::int64_t id_ = 0;
  std::optional<std::int64_t> delivery_;
  std::size_t limit_ = 100;
};

}  // namespace restock::app
