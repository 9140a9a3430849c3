// Placement at scale: builds a database with N subscriptions whose orders are all due on one
// day, then times one placement run over them (SPEC §4; issue: 1,000,000 orders in one
// morning). Prints the machine, the sizes, the time, orders/s and peak RSS.
//
//   placement_bench [--orders N] [--inventory K] [--chunk C] [--db PATH]
//
// Inventory K < N makes the run split the morning between placed and out-of-stock orders,
// as in the seed's example; by default half the orders find stock.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "core/clock.h"
#include "placement/placement_service.h"
#include "store/sqlite/sqlite_database.h"

namespace {

using namespace restock;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

void PrintMachine() {
  utsname u{};
  uname(&u);
  std::printf("machine: %s %s, %u hardware threads\n", u.sysname, u.machine,
              std::thread::hardware_concurrency());
}

[[noreturn]] void Die(const Status& s) {
  std::fprintf(stderr, "placement_bench: %s\n", s.ToString().c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  long orders = 1'000'000;
  long inventory = -1;
  long chunk = 1000;
  std::string path = "/tmp/restock-placement-bench.db";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--orders") orders = std::atol(argv[i + 1]);
    else if (flag == "--inventory") inventory = std::atol(argv[i + 1]);
    else if (flag == "--chunk") chunk = std::atol(argv[i + 1]);
    else if (flag == "--db") path = argv[i + 1];
  }
  if (inventory < 0) inventory = orders / 2;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

  PrintMachine();
  SystemClock clock;
  auto db = store::sqlite::SqliteDatabase::Open(path, {});
  if (!db.ok()) Die(db.status());
  if (Status s = (*db)->Migrate(); !s.ok()) Die(s);

  const CivilDate day{2026, 12, 1};
  model::Merchant merchant;
  merchant.public_id = "bench";
  merchant.hash_key = "k";
  auto build_start = std::chrono::steady_clock::now();
  Status s = (*db)->RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(merchant, tx.merchants().Create(merchant));
    model::Product p;
    p.product_id = "COFFEE";
    p.inventory = inventory;
    return tx.products().Insert(merchant.id, std::span(&p, 1));
  });
  if (!s.ok()) Die(s);
  constexpr long kBuildChunk = 20'000;
  for (long first = 0; first < orders; first += kBuildChunk) {
    s = (*db)->RunInTransaction([&](store::Transaction& tx) -> Status {
      for (long i = first; i < std::min(orders, first + kBuildChunk); ++i) {
        model::Subscription sub;
        sub.merchant_id = merchant.id;
        sub.customer_id = "c" + std::to_string(i);
        sub.product_id = "COFFEE";
        sub.start = day;
        RESTOCK_ASSIGN_OR_RETURN(std::int64_t id, tx.subscriptions().Create(sub));
        model::Order order;
        order.merchant_id = merchant.id;
        order.customer_id = sub.customer_id;
        order.place_date = day;
        order.items.push_back({id, "COFFEE", 1});
        RESTOCK_RETURN_IF_ERROR(tx.orders().Insert(order).status());
      }
      return Status::Ok();
    });
    if (!s.ok()) Die(s);
  }
  std::printf("built %ld subscriptions and due orders in %.1f s (inventory %ld)\n", orders,
              Seconds(build_start), inventory);

  placement::FlowOptions options;
  options.chunk_size = static_cast<std::size_t>(chunk);
  placement::PlacementService service(**db, clock, options);
  long rss_before = PeakRssMb();
  auto run_start = std::chrono::steady_clock::now();
  auto summary = service.Run(merchant, day);
  double run_seconds = Seconds(run_start);
  if (!summary.ok()) Die(summary.status());
  std::printf("placement run: %zu orders considered, %zu placed, %zu out of stock, %zu next "
              "orders in %.2f s = %.0f orders/s (chunk %ld)\n",
              summary->considered, summary->placed, summary->out_of_stock, summary->next_orders,
              run_seconds, static_cast<double>(summary->considered) / run_seconds, chunk);
  std::printf("peak RSS: %ld MB (%ld MB before the run)\n", PeakRssMb(), rss_before);
  (*db)->Shutdown();
  return 0;
}
