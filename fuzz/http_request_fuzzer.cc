// Fuzzes the HTTP request path: raw bytes -> Beast's request parser (with the server's header
// and body limits) -> http::RequestFromBeast (what the session hands on) -> the real Router
// with every route of api::Api (the one route table `serve` uses) -> the real SQLite store
// (a temporary file, one per fuzzing process). Requests under /webhooks/ are dropped before
// routing: registering an endpoint resolves its host name, and a fuzzer must not use the
// network (those handlers' parsing has unit tests).
//
// So that the fuzzer gets past authentication, an `authorization` header whose whole value
// is "SIGN" is replaced with a valid API-user signature for merchant "fuzz-merchant" (user
// "fuzz-user") at the current time; "SIGN-B" signs for a second merchant. Every other value
// reaches the authenticator as sent. Products P1..P3 exist for the first merchant.
//
// Checks, besides the sanitizers: every request is answered exactly once, within 10 s, with
// a status in 200..499 (a 5xx on client input is a server bug), and every error body is
// JSON {"detail": string}.
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <tuple>

#include "accounts/provisioning.h"
#include "api/api.h"
#include "api/rate_limits.h"
#include "auth/authenticator.h"
#include "auth/signature.h"
#include "auth/store_credential_source.h"
#include "catalog/stock_update.h"
#include "core/target_policy.h"
#include "fuzz_check.h"
#include "http/beast_request.h"
#include "http/message.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "placement/local_time.h"
#include "spdlog/spdlog.h"
#include "store/sqlite/sqlite_database.h"

namespace {

using namespace restock;
namespace bhttp = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // the server's defaults (README)
constexpr std::size_t kBodyLimit = 1024 * 1024;
constexpr char kSecret[] = "fuzz-secret";
constexpr char kSecretB[] = "fuzz-secret-b";

// Everything a request needs, built once per process. Deliberately never destroyed: the
// writer and worker threads keep running until the process exits.
struct Fixture {
  std::filesystem::path dir;
  SystemClock clock;
  std::unique_ptr<store::Database> db;
  metrics::Registry registry;
  boost::asio::thread_pool workers{2};
  api::Executor executor = [this](std::function<void()> task) {
    boost::asio::post(workers, std::move(task));
  };
  std::unique_ptr<auth::StoreCredentialSource> credentials;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<catalog::StockService> stock;
  placement::ZoneCache zones;
  // Both rate limits off: the fuzzer sends far more than a client may.
  api::RateLimits rate_limits{clock, registry, api::RateLimitOptions{0, 0, false}};
  core::TargetPolicy targets;
  std::unique_ptr<api::Api> api;
  std::unique_ptr<http::Router> router;
};

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "fuzz setup: %s: %s\n", what, r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

Fixture& GetFixture() {
  static Fixture* fixture = [] {
    spdlog::set_level(spdlog::level::off);
    auto* f = new Fixture;
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/restock-fuzz-XXXXXX";
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr);
    f->dir = pattern;
    store::sqlite::SqliteOptions options;
    options.synchronous = "NORMAL";  // fuzzing is not about durability; spare the disk
    f->db = Must(store::sqlite::SqliteDatabase::Open((f->dir / "fuzz.db").string(), options),
                 "open");
    FUZZ_CHECK(f->db->Migrate().ok());
    for (auto [pid, user, secret] : {std::tuple{"fuzz-merchant", "fuzz-user", kSecret},
                                     std::tuple{"fuzz-merchant-b", "fuzz-user-b", kSecretB}}) {
      Must(accounts::CreateMerchant(*f->db, f->clock, {pid, pid, std::nullopt}), "merchant");
      Must(accounts::CreateApiUser(*f->db, pid, user, std::string(secret)), "api user");
    }
    auto merchant = Must(accounts::FindMerchant(*f->db, "fuzz-merchant"), "find");
    f->credentials = std::make_unique<auth::StoreCredentialSource>(*f->db, f->clock);
    f->authenticator = std::make_unique<auth::Authenticator>(*f->credentials, f->clock);
    f->stock = std::make_unique<catalog::StockService>(*f->db, f->clock);
    std::vector<model::ProductPatch> seed(3);
    for (int i = 0; i < 3; ++i) {
      seed[i].product_id = "P" + std::to_string(i + 1);
      seed[i].inventory = std::optional<std::int64_t>(10);
    }
    Must(f->stock->Upsert(merchant.id, seed, model::StockSource::kCli), "products");

    f->api = std::make_unique<api::Api>(
        api::ApiServices{*f->authenticator, f->executor, *f->db, f->clock, *f->stock, f->zones,
                         f->registry, f->rate_limits, f->targets, "{}"},
        api::BatchLimits{1000, 32});
    f->router = std::make_unique<http::Router>(f->registry);
    f->api->AddRoutes(*f->router);
    return f;
  }();
  return *fixture;
}

void Sign(http::Request& request, const Fixture& f) {
  for (auto& [name, value] : request.headers) {
    if (name != "authorization") continue;
    if (value == "SIGN") {
      value = auth::SignedAuthorizationHeader("fuzz-merchant", "fuzz-user", kSecret,
                                              f.clock.NowSeconds());
    } else if (value == "SIGN-B") {
      value = auth::SignedAuthorizationHeader("fuzz-merchant-b", "fuzz-user-b", kSecretB,
                                              f.clock.NowSeconds());
    }
  }
}

void CheckResponse(const http::Response& response) {
  FUZZ_CHECK(response.status >= 200 && response.status <= 499);
  if (response.status >= 400) {
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(response.body, ec);
    FUZZ_CHECK(!ec);
    const auto* object = body.if_object();
    FUZZ_CHECK(object && object->contains("detail") && object->at("detail").is_string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fixture& f = GetFixture();
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  parser.eager(true);
  boost::system::error_code ec;
  boost::asio::const_buffer in(data, size);
  while (in.size() > 0 && !parser.is_done()) {
    const std::size_t used = parser.put(in, ec);
    if (ec == bhttp::error::need_more) break;
    if (ec) return 0;  // the session answers 400/413/431 itself
    in += used;
    if (used == 0) break;
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return 0;  // put_eof requires a started message
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  http::Request request = http::RequestFromBeast(parser.get(), "127.0.0.1");
  if (request.path.starts_with("/webhooks")) return 0;  // see the top of this file
  Sign(request, f);

  auto promise = std::make_shared<std::promise<http::Response>>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  std::future<http::Response> answer = promise->get_future();
  f.router->Handle(std::move(request), [promise, calls](http::Response response) {
    FUZZ_CHECK(calls->fetch_add(1) == 0);  // exactly once
    promise->set_value(std::move(response));
  });
  FUZZ_CHECK(answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CheckResponse(answer.get());
  return 0;
}
