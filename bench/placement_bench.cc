// Placement at scale: builds a database with N subscriptions whose orders are all due on one
// day, then times one placement run over them (SPEC §4; issue: 1,000,000 orders in one
// morning). Prints the machine, the sizes, the time, orders/s and peak RSS.
//
//   placement_bench [--orders N] [--inventory K] [--chunk C] [--db PATH|sqlite:PATH|URL]
//                   [--build-only 1]
//
// --build-only 1 stops after building: the merchant (its public id in the BENCH_RESULT line,
// hash key "k") and its due orders are left for `restock place-orders` (bench/run's hand-off
// step, which adds a placement target first).
// Inventory K < N makes the run split the morning between placed and out-of-stock orders,
// as in the seed's example; by default half the orders find stock. A SQLite file is
// recreated; on another backend a fresh merchant keeps runs apart. The peak RSS reported
// is the run's own: the high-water mark is reset (/proc/self/clear_refs) after building.
// The last line is "BENCH_RESULT {json}" for bench/run.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "app/database_factory.h"
#include "core/clock.h"
#include "core/time_format.h"
#include "placement/placement_service.h"

namespace {

using namespace restock;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// VmHWM (peak resident set) in MiB; -1 when /proc is unavailable.
long PeakRssMb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib < 0 ? -1 : kib / 1024;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so the peak measured is the run's.
void ResetPeakRss() {
  if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

void PrintMachine() {
  utsname u{};
  uname(&u);
  std::printf("machine: %s %s, %u hardware threads\n", u.sysname, u.machine,
              std::thread::hardware_concurrency());
}

// User + system CPU seconds of the whole process (every thread) so far. On a shared machine
// the wall time of a run depends on the load; its CPU time much less.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// Per thread of this process (by tid): seconds on a core and seconds waiting for one
// (/proc/self/task/*/schedstat). The longest thread's time on a core plus its waits for I/O
// is what the run would take on an idle machine: its time waiting for a core is the load.
struct ThreadTime {
  double on_core = 0;
  double waiting_for_core = 0;
};
std::map<long, ThreadTime> ThreadTimes() {
  std::map<long, ThreadTime> times;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::FILE* f = std::fopen((task.path() / "schedstat").c_str(), "r");
    if (f == nullptr) continue;
    unsigned long long on_core = 0, waiting = 0;
    if (std::fscanf(f, "%llu %llu", &on_core, &waiting) == 2) {
      times[std::atol(task.path().filename().c_str())] = {on_core / 1e9, waiting / 1e9};
    }
    std::fclose(f);
  }
  return times;
}

[[noreturn]] void Die(const Status& s) {
  std::fprintf(stderr, "placement_bench: %s\n", s.ToString().c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  long orders = 1'000'000;
  long inventory = -1;
  long chunk = static_cast<long>(placement::FlowOptions{}.chunk_size);
  bool build_only = false;
  std::string path = "/tmp/restock-placement-bench.db";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--orders") orders = std::atol(argv[i + 1]);
    else if (flag == "--inventory") inventory = std::atol(argv[i + 1]);
    else if (flag == "--chunk") chunk = std::atol(argv[i + 1]);
    else if (flag == "--db") path = argv[i + 1];
    else if (flag == "--build-only") build_only = std::string(argv[i + 1]) == "1";
  }
  if (inventory < 0) inventory = orders / 2;
  const bool is_sqlite = path.find("://") == std::string::npos;
  if (is_sqlite) {
    std::string file = path.rfind("sqlite:", 0) == 0 ? path.substr(7) : path;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file + suffix);
  }

  PrintMachine();
  SystemClock clock;
  auto db = app::OpenDatabase(path, {});
  if (!db.ok()) Die(db.status());
  if (Status s = (*db)->Migrate(); !s.ok()) Die(s);

  const CivilDate day{2026, 12, 1};
  model::Merchant merchant;
  merchant.public_id = "placement-bench";
  if (!is_sqlite) merchant.public_id += "-" + std::to_string(::time(nullptr));
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
  const double build_seconds = Seconds(build_start);
  std::printf("built %ld subscriptions and due orders in %.1f s (inventory %ld)\n", orders,
              build_seconds, inventory);
  if (build_only) {
    std::printf("BENCH_RESULT {\"orders\":%ld,\"merchant\":\"%s\",\"place_date\":\"%s\","
                "\"build_seconds\":%.1f}\n",
                orders, merchant.public_id.c_str(), FormatDate(day).c_str(), build_seconds);
    (*db)->Shutdown();
    return 0;
  }

  placement::FlowOptions options;
  options.chunk_size = static_cast<std::size_t>(chunk);
  placement::PlacementService service(**db, clock, options);
  ResetPeakRss();
  long rss_before = PeakRssMb();
  auto run_start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  const std::map<long, ThreadTime> threads_start = ThreadTimes();
  auto summary = service.Run(merchant, day);
  double run_seconds = Seconds(run_start);
  const double cpu_seconds = CpuSeconds() - cpu_start;
  std::map<long, ThreadTime> threads = ThreadTimes();
  if (!summary.ok()) Die(summary.status());
  std::printf("placement run: %zu orders considered, %zu placed, %zu out of stock, %zu next "
              "orders in %.2f s = %.0f orders/s (chunk %ld)\n",
              summary->considered, summary->placed, summary->out_of_stock, summary->next_orders,
              run_seconds, static_cast<double>(summary->considered) / run_seconds, chunk);
  std::printf("CPU time of the run: %.2f s (%.0f%% of one core over the wall time)\n",
              cpu_seconds, 100.0 * cpu_seconds / run_seconds);
  // The writer is the thread that spent longest waiting for a core or on one.
  double writer_waiting = 0;
  for (auto& [tid, t] : threads) {
    if (auto it = threads_start.find(tid); it != threads_start.end()) {
      t.on_core -= it->second.on_core;
      t.waiting_for_core -= it->second.waiting_for_core;
    }
    if (t.on_core < 0.01) continue;
    std::printf("  thread %ld: %.2f s on a core, %.2f s waiting for one\n", tid, t.on_core,
                t.waiting_for_core);
    if (t.on_core > 0.5 * cpu_seconds) writer_waiting = t.waiting_for_core;
  }
  std::printf("run time less the writer's waits for a core (the load): %.2f s\n",
              run_seconds - writer_waiting);
  long rss_peak = PeakRssMb();
  std::printf("peak RSS during the run: %ld MiB (%ld MiB when it started)\n", rss_peak,
              rss_before);
  std::printf("BENCH_RESULT {\"orders\":%zu,\"placed\":%zu,\"out_of_stock\":%zu,"
              "\"next_orders\":%zu,\"seconds\":%.3f,\"orders_per_s\":%.1f,\"chunk\":%ld,"
              "\"cpu_seconds\":%.3f,\"peak_rss_mib\":%ld,\"build_seconds\":%.1f}\n",
              summary->considered, summary->placed, summary->out_of_stock, summary->next_orders,
              run_seconds, static_cast<double>(summary->considered) / run_seconds, chunk, cpu_seconds,
              rss_peak, build_seconds);
  (*db)->Shutdown();
  return 0;
}
