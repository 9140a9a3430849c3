// Google Benchmark micro-benchmarks of the pieces every PATCH /products-batch/update/ goes
// through: the signature check, body parse + element validation, response render, and the
// store's batch apply; and a merchant's local date, which placement, the scheduler and the
// order endpoints derive from a time zone (load once, then one lookup per merchant and call). bench/run runs them; on their own:
//
//   build/bench/bench/micro_bench [--benchmark_filter=…] [--benchmark_format=json]
//
// BENCH_MICRO_PRODUCTS (default 20000) sets the number of products in the store benchmark's
// database (a temporary SQLite file, synchronous=NORMAL so that the figure is the apply's CPU
// and B-tree work, not the disk's fsync, which the HTTP scenarios and the storage ceiling
// measure).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "api/batch_body.h"
#include "auth/authenticator.h"
#include "auth/signature.h"
#include "catalog/stock_update.h"
#include "catalog/validation.h"
#include "core/clock.h"
#include "core/timezone.h"
#include "store/sqlite/sqlite_database.h"

namespace {

using namespace restock;

std::string ProductId(long i) {
  char id[32];
  std::snprintf(id, sizeof id, "P%07ld", i);
  return id;
}

// The body a client sends: `n` elements {"product_id", "live"} over `products` products.
std::string BatchBody(long n, long products, std::mt19937_64& rng) {
  std::string body = "[";
  for (long i = 0; i < n; ++i) {
    if (i > 0) body += ',';
    body += "{\"product_id\":\"" + ProductId(static_cast<long>(rng() % products)) +
            "\",\"live\":" + ((rng() & 1) ? "true" : "false") + "}";
  }
  body += ']';
  return body;
}

// Credentials in memory: the benchmark measures the check, not a database lookup (serve
// caches credentials, so the steady state is the same).
class FixedCredentials final : public auth::CredentialSource {
 public:
  FixedCredentials() {
    merchant_.id = 1;
    merchant_.public_id = "bench";
    merchant_.hash_key = "hash-key";
    user_.merchant_id = 1;
    user_.username = "bench";
    user_.secret = "0123456789abcdef0123456789abcdef";
  }
  Result<std::optional<model::Merchant>> FindMerchant(std::string_view) override {
    return std::optional<model::Merchant>(merchant_);
  }
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId,
                                                    std::string_view) override {
    return std::optional<model::ApiUser>(user_);
  }
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view) override {
    return std::optional<model::ApiKey>();
  }
  const model::ApiUser& user() const { return user_; }

 private:
  model::Merchant merchant_;
  model::ApiUser user_;
};

void BM_SignatureCheck(benchmark::State& state) {
  FixedCredentials credentials;
  SystemClock clock;
  auth::Authenticator authenticator(credentials, clock);
  const std::string header = auth::SignedAuthorizationHeader(
      "bench", "bench", credentials.user().secret, clock.NowSeconds());
  const auth::AuthHeaders headers{header, std::string_view("True"), std::nullopt};
  for (auto _ : state) {
    auto principal = authenticator.AuthenticateMerchant(headers);
    if (!principal.ok()) state.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(principal);
  }
}
BENCHMARK(BM_SignatureCheck);

void BM_ParseAndValidate(benchmark::State& state) {
  std::mt19937_64 rng(1);
  const std::string body = BatchBody(state.range(0), 100'000, rng);
  const api::BatchLimits limits;
  for (auto _ : state) {
    auto parsed = api::ParseBatchBody(body, limits);
    if (!parsed.ok()) state.SkipWithError("parse failed");
    std::size_t valid = 0;
    for (const auto& element : parsed->elements) {
      catalog::ValidatedElement v = catalog::ValidateElement(element);
      valid += v.patch.has_value();
    }
    benchmark::DoNotOptimize(valid);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseAndValidate)->Arg(1)->Arg(100)->Arg(1000);

void BM_RenderResults(benchmark::State& state) {
  std::vector<std::string> ids;
  std::vector<api::ElementResult> results(static_cast<std::size_t>(state.range(0)));
  for (long i = 0; i < state.range(0); ++i) ids.push_back("\"" + ProductId(i) + "\"");
  for (auto _ : state) {
    std::string body = api::RenderBatchResults(ids, results);
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RenderResults)->Arg(1)->Arg(100)->Arg(1000);

// One SQLite database shared by the store benchmarks, filled once.
class StoreFixture {
 public:
  static StoreFixture& Get() {
    static StoreFixture fixture;
    return fixture;
  }
  store::Database& db() { return *db_; }
  model::MerchantId merchant() const { return merchant_; }
  long products() const { return products_; }

 private:
  StoreFixture() {
    const char* env = std::getenv("BENCH_MICRO_PRODUCTS");
    products_ = env ? std::atol(env) : 20'000;
    path_ = std::filesystem::temp_directory_path() /
            ("restock-micro-bench-" + std::to_string(::getpid()) + ".db");
    store::sqlite::SqliteOptions options;
    options.synchronous = "NORMAL";
    auto db = store::sqlite::SqliteDatabase::Open(path_.string(), options);
    if (!db.ok() || !(*db)->Migrate().ok()) std::abort();
    db_ = std::move(*db);
    Status s = db_->RunInTransaction([&](store::Transaction& tx) -> Status {
      model::Merchant m;
      m.public_id = "bench";
      m.hash_key = "k";
      RESTOCK_ASSIGN_OR_RETURN(m, tx.merchants().Create(m));
      merchant_ = m.id;
      std::vector<model::Product> all(static_cast<std::size_t>(products_));
      for (long i = 0; i < products_; ++i) all[static_cast<std::size_t>(i)].product_id = ProductId(i);
      return tx.products().Insert(merchant_, all);
    });
    if (!s.ok()) std::abort();
  }
  ~StoreFixture() {
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  std::filesystem::path path_;
  std::unique_ptr<store::Database> db_;
  model::MerchantId merchant_ = 0;
  long products_ = 0;
};

void BM_StoreBatchApply(benchmark::State& state) {
  StoreFixture& fixture = StoreFixture::Get();
  std::mt19937_64 rng(2);
  SystemClock clock;
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<model::ProductPatch> patches(n);
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& p : patches) {
      p.product_id = ProductId(static_cast<long>(rng() % fixture.products()));
      p.live = (rng() & 1) != 0;
    }
    state.ResumeTiming();
    Status s = fixture.db().RunInTransaction([&](store::Transaction& tx) -> Status {
      catalog::ApplyOptions options{model::StockSource::kApi, clock.NowMicros(),
                                    catalog::ApplyMode::kUpdate};
      return catalog::ApplyPatches(tx, fixture.merchant(), patches, options).status();
    });
    if (!s.ok()) state.SkipWithError("apply failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
// Real time: the commit's I/O belongs to the figure.
BENCHMARK(BM_StoreBatchApply)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime();

// Loading a zone by name (ZoneCache does it once per zone and process).
void BM_TimeZoneLoad(benchmark::State& state) {
  for (auto _ : state) {
    auto zone = TimeZone::Load("America/New_York");
    if (!zone.ok()) state.SkipWithError("America/New_York did not load");
    benchmark::DoNotOptimize(zone);
  }
}
BENCHMARK(BM_TimeZoneLoad);

// A merchant's local date at 1,024 instants spread over 2026 (both DST transitions).
void BM_TimeZoneLocalDate(benchmark::State& state) {
  auto zone = TimeZone::Load("America/New_York");
  if (!zone.ok()) {
    state.SkipWithError("America/New_York did not load");
    return;
  }
  std::mt19937_64 rng(7);
  std::vector<UnixMicros> instants(1024);
  for (auto& t : instants) {
    t = (1'767'225'600LL + static_cast<long long>(rng() % 31'536'000)) * 1'000'000;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(zone->LocalDate(instants[i++ & 1023]));
  }
}
BENCHMARK(BM_TimeZoneLocalDate);

}  // namespace

BENCHMARK_MAIN();
