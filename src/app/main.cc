// restock: one binary, subcommands (SPEC §1). This file only parses the command line and
// dispatches; the commands live in cli/ and app/serve.cc.
#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <type_traits>

#include "app/config.h"
#include "app/database_factory.h"
#include "app/serve.h"
#include "app/toml_defaults.h"
#include "app/webhook_commands.h"
#include "cli/commands.h"
#include "cli/credential_commands.h"
#include "core/clock.h"

namespace restock::app {
namespace {

struct Options {
  std::string db = "./restock.db";
  ServeConfig serve;
  accounts::NewMerchant merchant;
  std::optional<std::string> hash_key;
  std::string oos_policy = "split";
  std::string replay_protection = "off";
  std::string merchant_id, username, name;
  std::optional<std::string> secret;
  cli::ProductAddArgs product;
  std::string product_id, path;
  cli::SignArgs sign;
  std::string placement_time = "06:00";
  cli::SubscriptionAddArgs subscription;
  std::optional<std::string> status, date, merchant_filter;
  cli::PlacementSettings placement;
};

// CLI11 2.3 reads "-1" into a 64-bit unsigned option as its largest value (a 32-bit one
// refuses it): every unsigned option of serve refuses a minus sign, from a flag or the
// environment, so `--webhook-batch -1` is an error (exit 2), not 2^64 - 1.
template <typename T>
CLI::Option* RefuseNegative(CLI::Option* option) {
  if constexpr (std::is_unsigned_v<T> && !std::is_same_v<T, bool>) {
    option->check(CLI::Validator(
        [](std::string& text) {
          return text.find('-') != std::string::npos ? std::string("must not be negative")
                                                     : std::string();
        },
        "NON-NEGATIVE", "non-negative"));
  }
  return option;
}

// The out-of-stock flow's flags, shared by serve and place-orders (same environment names,
// so one setting governs both).
void AddFlowOptions(CLI::App* command, int& max_days, std::string& notice_days) {
  command->add_option("--oos-max-days", max_days,
                      "an out-of-stock order is retried through this day of the flow, "
                      "cancelled on the next")
      ->envname("RESTOCK_OOS_MAX_DAYS")
      ->capture_default_str();
  command->add_option("--oos-notice-days", notice_days,
                      "days of the flow with an order.oos_notice event (comma-separated)")
      ->envname("RESTOCK_OOS_NOTICE_DAYS")
      ->capture_default_str();
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

// "HH:MM" -> minutes after midnight.
std::optional<int> ParseClockTime(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

void AddDb(CLI::App* command, std::string& db) {
  command->add_option("--db", db, "database: PATH, sqlite:PATH or postgresql://…")
      ->envname("RESTOCK_DB")
      ->capture_default_str();
}

int Fail(const Status& status) {
  std::cerr << "restock: " << status.message() << '\n';
  return cli::ExitCodeFor(status.code());
}

// Opens the database, migrating the schema first (commands run against a fresh file).
Result<std::unique_ptr<store::Database>> OpenMigrated(const std::string& db) {
  RESTOCK_ASSIGN_OR_RETURN(auto database, OpenDatabase(db, {}));
  RESTOCK_RETURN_IF_ERROR(database->Migrate());
  return database;
}

// Limits, rate limits and TLS (docs/security.md).
void AddHardeningOptions(CLI::App* serve, ServeConfig& c) {
  auto opt = [&](const char* name, auto& value, const char* help, const char* env) {
    return RefuseNegative<std::decay_t<decltype(value)>>(
        serve->add_option(name, value, help)->envname(env)->capture_default_str());
  };
  opt("--max-json-depth", c.max_json_depth, "deepest JSON nesting in a body (400 above)",
      "RESTOCK_MAX_JSON_DEPTH")
      ->check(CLI::Range(1, 1000));
  opt("--header-timeout", c.header_timeout_seconds,
      "seconds to receive a request's header block", "RESTOCK_HEADER_TIMEOUT")
      ->check(CLI::Range(1, 86400));
  opt("--write-timeout", c.write_timeout_seconds, "seconds to send one response",
      "RESTOCK_WRITE_TIMEOUT")
      ->check(CLI::Range(1, 86400));
  opt("--rate-limit-merchant", c.rate_limit_merchant,
      "batch calls per minute per merchant (429 above; 0 = off)", "RESTOCK_RATE_LIMIT_MERCHANT")
      ->check(CLI::Range(0, 1'000'000'000));
  opt("--rate-limit-client", c.rate_limit_client,
      "requests per minute per client address (429 above; 0 = off)",
      "RESTOCK_RATE_LIMIT_CLIENT")
      ->check(CLI::Range(0, 1'000'000'000));
  opt("--trust-forwarded-for", c.trust_forwarded_for,
      "count clients by X-Forwarded-For's last address (only behind a proxy)",
      "RESTOCK_TRUST_FORWARDED_FOR");
  opt("--tls-cert", c.tls_cert, "PEM certificate chain: serve HTTPS (with --tls-key)",
      "RESTOCK_TLS_CERT");
  opt("--tls-key", c.tls_key, "PEM private key for --tls-cert", "RESTOCK_TLS_KEY");
}

void AddServeOptions(CLI::App* serve, ServeConfig& c) {
  serve->add_option("--config", "TOML file with settings (keys as the flags, '_' for '-')")
      ->envname("RESTOCK_CONFIG");
  auto opt = [&](const char* name, auto& value, const char* help, const char* env) {
    RefuseNegative<std::decay_t<decltype(value)>>(
        serve->add_option(name, value, help)->envname(env)->capture_default_str());
  };
  opt("--listen", c.listen, "HOST:PORT to listen on (port 0 = any free port)", "RESTOCK_LISTEN");
  opt("--io-threads", c.io_threads, "threads doing socket I/O", "RESTOCK_IO_THREADS");
  opt("--workers", c.workers,
      "threads for work that may block: credential reads on a cache miss, strict replay "
      "protection, large batch bodies, the other endpoints",
      "RESTOCK_WORKERS");
  opt("--max-body-bytes", c.max_body_bytes, "largest request body (413 above)",
      "RESTOCK_MAX_BODY_BYTES");
  opt("--max-elements", c.max_elements, "most elements in one batch (413 above)",
      "RESTOCK_MAX_ELEMENTS");
  opt("--max-header-bytes", c.max_header_bytes, "largest request header block (431 above)",
      "RESTOCK_MAX_HEADER_BYTES");
  opt("--max-connections", c.max_connections, "concurrent connections",
      "RESTOCK_MAX_CONNECTIONS");
  opt("--read-timeout", c.read_timeout_seconds, "seconds to receive a whole request",
      "RESTOCK_READ_TIMEOUT");
  opt("--idle-timeout", c.idle_timeout_seconds, "seconds a keep-alive connection may idle",
      "RESTOCK_IDLE_TIMEOUT");
  opt("--ts-max-age", c.ts_max_age_seconds, "seconds a signature's ts stays valid",
      "RESTOCK_TS_MAX_AGE");
  opt("--ts-max-future", c.ts_max_future_seconds, "seconds a ts may lie in the future",
      "RESTOCK_TS_MAX_FUTURE");
  opt("--credential-cache", c.credential_cache_seconds,
      "seconds credentials are cached (a revoked key works this long)",
      "RESTOCK_CREDENTIAL_CACHE");
  opt("--sqlite-synchronous", c.sqlite_synchronous,
      "FULL (durable on power loss) or NORMAL (durable on process crash)",
      "RESTOCK_SQLITE_SYNCHRONOUS");
  serve->add_option("--pg-pool-size", c.pg_pool_size,
                    "PostgreSQL: pooled connections per node (the writer has one more)")
      ->envname("RESTOCK_PG_POOL_SIZE")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  serve->add_option("--pg-retry-window-ms", c.pg_retry_window_ms,
                    "PostgreSQL: ms a transaction is retried while the server is unreachable "
                    "(then 503)")
      ->envname("RESTOCK_PG_RETRY_WINDOW_MS")
      ->capture_default_str()
      ->check(CLI::Range(0, 600'000));
  opt("--log-level", c.log_level, "trace, debug, info, warn, error, critical or off",
      "RESTOCK_LOG_LEVEL");
  opt("--scheduler", c.scheduler, "run the daily placement scheduler (true|false)",
      "RESTOCK_SCHEDULER");
  opt("--scheduler-tick", c.scheduler_tick_seconds,
      "seconds between checks for merchants due for placement", "RESTOCK_SCHEDULER_TICK");
  AddFlowOptions(serve, c.oos_max_days, c.oos_notice_days);
  AddWebhookServeOptions(opt, c);
  AddHardeningOptions(serve, c);
}

int Run(int argc, char** argv) {
  Options o;
  CLI::App app{"restock — real-time stock updates for subscription commerce"};
  app.set_version_flag("--version", std::string("restock ") + RESTOCK_VERSION);
  app.require_subcommand(1);

  CLI::App* serve = app.add_subcommand("serve", "run the HTTP API and background workers");
  AddDb(serve, o.serve.db);
  AddServeOptions(serve, o.serve);

  CLI::App* init = app.add_subcommand("init", "create or migrate the schema, then exit");
  AddDb(init, o.db);

  CLI::App* merchant = app.add_subcommand("merchant", "merchants")->require_subcommand(1);
  CLI::App* merchant_add = merchant->add_subcommand("add", "create a merchant");
  AddDb(merchant_add, o.db);
  merchant_add->add_option("--public-id", o.merchant.public_id, "merchant public id")->required();
  merchant_add->add_option("--name", o.merchant.name, "display name");
  merchant_add->add_option("--hash-key", o.hash_key, "customer-scope key (generated if absent)");
  merchant_add->add_option("--timezone", o.merchant.timezone, "IANA time zone")
      ->capture_default_str();
  merchant_add->add_option("--oos-policy", o.oos_policy, "split|hold|skip|place_anyway")
      ->capture_default_str();
  merchant_add->add_option("--placement-time", o.placement_time,
                           "local time of the daily placement run, HH:MM")
      ->capture_default_str();

  merchant_add->add_option("--replay-protection", o.replay_protection,
                           "strict: signed requests must also sign their body, once (off|strict)")
      ->capture_default_str();
  CLI::App* merchant_update = merchant->add_subcommand("update", "change a merchant's settings");
  AddDb(merchant_update, o.db);
  merchant_update->add_option("--public-id", o.merchant_id, "merchant public id")->required();
  merchant_update->add_option("--replay-protection", o.replay_protection, "off|strict")
      ->required();

  CLI::App* api_user = app.add_subcommand("api-user", "API users (HMAC)")->require_subcommand(1);
  CLI::App* api_user_add = api_user->add_subcommand("add", "create an API user");
  AddDb(api_user_add, o.db);
  api_user_add->add_option("--merchant", o.merchant_id, "merchant public id")->required();
  api_user_add->add_option("--username", o.username, "API username (the sig_field)")->required();
  api_user_add->add_option("--secret", o.secret, "HMAC secret (generated if absent)");

  CLI::App* api_key = app.add_subcommand("api-key", "application keys")->require_subcommand(1);
  CLI::App* api_key_add = api_key->add_subcommand("add", "create an x-api-key key");
  AddDb(api_key_add, o.db);
  api_key_add->add_option("--merchant", o.merchant_id, "merchant public id")->required();
  api_key_add->add_option("--name", o.name, "a label for the key");

  CLI::App* product = app.add_subcommand("product", "products")->require_subcommand(1);
  CLI::App* product_add = product->add_subcommand("add", "create or update one product");
  AddDb(product_add, o.db);
  product_add->add_option("--merchant", o.product.merchant, "merchant public id")->required();
  product_add->add_option("--product-id", o.product.product_id, "external product id")->required();
  product_add->add_option("--sku", o.product.sku);
  product_add->add_option("--name", o.product.name);
  product_add->add_option("--price", o.product.price, "decimal, e.g. 12.99");
  product_add->add_option("--live", o.product.live, "true|false");
  product_add->add_option("--inventory", o.product.inventory, "units, or null for untracked");
  CLI::App* product_get = product->add_subcommand("get", "print one product");
  AddDb(product_get, o.db);
  product_get->add_option("--merchant", o.merchant_id, "merchant public id")->required();
  product_get->add_option("product_id", o.product_id, "external product id")->required();
  CLI::App* product_import = product->add_subcommand("import", "bulk upsert from .xml (Ordergroove feed), .jsonl or .csv");
  AddDb(product_import, o.db);
  product_import->add_option("--merchant", o.merchant_id, "merchant public id")->required();
  product_import->add_option("file", o.path, "FILE.xml, FILE.jsonl or FILE.csv")->required();

  CLI::App* subscription =
      app.add_subcommand("subscription", "subscriptions")->require_subcommand(1);
  CLI::App* subscription_add = subscription->add_subcommand("add", "create a subscription");
  AddDb(subscription_add, o.db);
  subscription_add->add_option("--merchant", o.subscription.merchant, "merchant public id")
      ->required();
  subscription_add->add_option("--customer", o.subscription.customer, "customer id")->required();
  subscription_add->add_option("--product", o.subscription.product, "external product id")
      ->required();
  subscription_add->add_option("--quantity", o.subscription.quantity, "units per order")
      ->required();
  subscription_add->add_option("--every", o.subscription.every, "frequency count")->required();
  subscription_add->add_option("--period", o.subscription.period, "day|week|month")->required();
  subscription_add->add_option("--start", o.subscription.start, "first place date YYYY-MM-DD")
      ->required();

  CLI::App* orders = app.add_subcommand("orders", "orders")->require_subcommand(1);
  CLI::App* orders_list = orders->add_subcommand("list", "print orders as a JSON array");
  AddDb(orders_list, o.db);
  orders_list->add_option("--merchant", o.merchant_id, "merchant public id")->required();
  orders_list->add_option("--status", o.status, "unsent|placed|out_of_stock|cancelled|rejected");
  orders_list->add_option("--date", o.date, "place date YYYY-MM-DD");

  CLI::App* place_orders = app.add_subcommand("place-orders", "run the placement task now");
  AddDb(place_orders, o.db);
  place_orders->add_option("--merchant", o.merchant_filter, "one merchant (default: all)");
  place_orders->add_option("--date", o.date, "placement day (default: each merchant's today)");
  place_orders->add_option("--chunk-size", o.placement.chunk_size, "orders per transaction")
      ->capture_default_str();
  AddFlowOptions(place_orders, o.placement.oos_max_days, o.placement.oos_notice_days);
  place_orders->add_flag("--verbose", o.placement.verbose,
                         "progress and a summary per merchant on stderr (default: errors only)");

  CLI::App* sign = app.add_subcommand("sign", "print a signed authorization header value");
  sign->add_option("--public-id", o.sign.public_id, "merchant public id")->required();
  sign->add_option("--sig-field", o.sign.sig_field, "API username or customer id")->required();
  sign->add_option("--secret", o.sign.secret, "API user secret or merchant hash key")->required();
  sign->add_option("--ts", o.sign.ts, "seconds since the epoch (default: now)");
  sign->add_option("--body", o.sign.body_path,
                   "FILE (or -) to sign for strict replay protection: prints both header lines");
  AddDb(sign, o.db);  // accepted like everywhere (SPEC §1), unused: signing needs no database

  WebhookCommands webhook_commands(app, [&o](CLI::App* c) { AddDb(c, o.db); });
  cli::CredentialCommands credential_commands(app, [&o](CLI::App* c) { AddDb(c, o.db); });

  // A TOML file supplies defaults for serve's flags; flags and environment still win.
  if (std::string config = FindConfigPath(argc, argv); !config.empty()) {
    if (Status s = ApplyTomlDefaults(config, *serve); !s.ok()) return Fail(s);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "restock: " << e.what() << " (see --help)\n";
    return 2;
  }

  SystemClock clock;
  if (*serve) {
    const auto level = ParseLogLevel(o.serve.log_level);
    if (!level) {
      return Fail(InvalidArgumentError("--log-level must be trace, debug, info, warn, error, "
                                       "critical or off"));
    }
    spdlog::set_level(*level);
    Status s = RunServe(o.serve);
    return s.ok() ? 0 : Fail(s);
  }
  if (*sign) {
    Status s = cli::Sign(std::cout, clock, o.sign);
    return s.ok() ? 0 : Fail(s);
  }

  auto db = OpenMigrated(o.db);
  if (!db.ok()) return Fail(db.status());
  cli::Context ctx{**db, clock, std::cout, isatty(STDERR_FILENO) ? &std::cerr : nullptr};
  Status s;
  if (*init) {
    std::cout << "{\"migrated\":true}\n";
  } else if (*merchant_add) {
    auto policy = model::ParseOosPolicy(o.oos_policy);
    if (!policy) return Fail(InvalidArgumentError("--oos-policy must be split, hold, skip or place_anyway"));
    o.merchant.oos_policy = *policy;
    auto minute = ParseClockTime(o.placement_time);
    if (!minute) return Fail(InvalidArgumentError("--placement-time must be HH:MM"));
    o.merchant.placement_minute = *minute;
    o.merchant.hash_key = o.hash_key;
    auto replay = model::ParseReplayProtection(o.replay_protection);
    if (!replay) return Fail(InvalidArgumentError("--replay-protection must be strict or off"));
    o.merchant.replay_protection = *replay;
    s = cli::MerchantAdd(ctx, o.merchant);
  } else if (*merchant_update) {
    s = cli::MerchantUpdate(ctx, o.merchant_id, o.replay_protection);
  } else if (*api_user_add) {
    s = cli::ApiUserAdd(ctx, o.merchant_id, o.username, o.secret);
  } else if (*api_key_add) {
    s = cli::ApiKeyAdd(ctx, o.merchant_id, o.name);
  } else if (*product_add) {
    s = cli::ProductAdd(ctx, o.product);
  } else if (*product_get) {
    s = cli::ProductGet(ctx, o.merchant_id, o.product_id);
  } else if (*product_import) {
    s = cli::ProductImport(ctx, o.merchant_id, o.path);
  } else if (*subscription_add) {
    s = cli::SubscriptionAdd(ctx, o.subscription);
  } else if (*orders_list) {
    s = cli::OrdersList(ctx, o.merchant_id, o.status, o.date);
  } else if (*place_orders) {
    s = cli::PlaceOrders(ctx, o.merchant_filter, o.date, o.placement);
  } else if (webhook_commands.chosen()) {
    s = webhook_commands.Run(ctx);
  } else if (credential_commands.chosen()) {
    s = credential_commands.Run(ctx);
  }
  (*db)->Shutdown();
  return s.ok() ? 0 : Fail(s);
}

}  // namespace
}  // namespace restock::app

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("restock"));
  return restock::app::Run(argc, argv);
}
