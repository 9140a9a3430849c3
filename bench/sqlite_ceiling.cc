// The storage ceiling (issue 5): the same durable stock updates restock makes for
// `PATCH /products-batch/update/` elements of the form {"product_id": P, "live": B}, done by a
// minimal program straight on SQLite — no HTTP, no JSON, no store abstraction, no group
// commit machinery — with the pragmas SqliteDatabase sets (WAL, synchronous=FULL,
// foreign_keys, temp_store=MEMORY, the same cache and checkpoint sizes). restock's figures are
// reported as a ratio of this program's.
//
// Per update, exactly what the semantics need: read the product's stock state (point lookup
// on the primary key), and when `live` changes, append the stock event (old -> new, linked to
// the product's previous event: the chain of migration 7) and write `live`, last_update and
// the chain's head in one rewrite of the product row (restock moves the head in a statement
// of its own, a second rewrite): the least work that stores the same rows. Statements are
// prepared once; text is bound without copies.
// `--batch 1` commits every update on its own (one fsync each); `--batch N` commits N updates
// per transaction.
//
//   sqlite_ceiling --db PATH --merchant PUBLIC_ID [--products N] [--updates U] [--batch B]
//                  [--synchronous FULL|NORMAL] [--seed S]
//
// PATH is a database restock created and filled (bench/run passes a copy of the benchmark
// database, so tables, indexes and rows are the ones restock works on). Prints a
// "BENCH_RESULT {json}" line.
//
// This is a measurement tool: it is the one program outside src/store/sqlite that uses
// sqlite3.h directly, on purpose (it must not share restock's code paths).
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace {

[[noreturn]] void Die(sqlite3* db, const char* what) {
  std::fprintf(stderr, "sqlite_ceiling: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  std::exit(1);
}

void Exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) Die(db, sql.c_str());
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    Die(db, sql);
  }
  return stmt;
}

void Done(sqlite3* db, sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) Die(db, "step");
  sqlite3_reset(stmt);
}

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string path, merchant_public_id = "bench", synchronous = "FULL";
  long products = 100'000, updates = 10'000, batch = 1000;
  unsigned long seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--db") path = value;
    else if (flag == "--merchant") merchant_public_id = value;
    else if (flag == "--products") products = std::atol(value);
    else if (flag == "--updates") updates = std::atol(value);
    else if (flag == "--batch") batch = std::atol(value);
    else if (flag == "--synchronous") synchronous = value;
    else if (flag == "--seed") seed = std::strtoul(value, nullptr, 10);
    else {
      std::fprintf(stderr, "sqlite_ceiling: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (path.empty() || products < 1 || updates < 1 || batch < 1 ||
      (synchronous != "FULL" && synchronous != "NORMAL")) {
    std::fprintf(stderr, "usage: sqlite_ceiling --db PATH --merchant PID [--products N] "
                         "[--updates U] [--batch B] [--synchronous FULL|NORMAL]\n");
    return 2;
  }

  // As restock's Connection does: no memory statistics (a global mutex per allocation).
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    Die(db, "open");
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  // The pragmas of store::sqlite::Connection::Open with SqliteOptions' defaults.
  Exec(db, "PRAGMA foreign_keys=ON");
  Exec(db, "PRAGMA temp_store=MEMORY");
  Exec(db, "PRAGMA cache_size=-65536");
  Exec(db, "PRAGMA synchronous=" + synchronous);
  Exec(db, "PRAGMA wal_autocheckpoint=16384");
  Exec(db, "PRAGMA journal_mode=WAL");

  sqlite3_stmt* find_merchant = Prepare(db, "SELECT id FROM merchants WHERE public_id = ?1");
  sqlite3_bind_text(find_merchant, 1, merchant_public_id.c_str(), -1, SQLITE_STATIC);
  if (sqlite3_step(find_merchant) != SQLITE_ROW) Die(db, "merchant not found");
  const std::int64_t merchant = sqlite3_column_int64(find_merchant, 0);
  sqlite3_finalize(find_merchant);

  sqlite3_stmt* read = Prepare(db,
      "SELECT live, discontinued, inventory, last_event_id FROM products "
      "WHERE merchant_id = ?1 AND product_id = ?2");
  sqlite3_stmt* write = Prepare(db,
      "UPDATE OR FAIL products SET live = ?3, last_update = ?4, last_event_id = ?5 "
      "WHERE merchant_id = ?1 AND product_id = ?2");
  sqlite3_stmt* event = Prepare(db,
      "INSERT OR FAIL INTO stock_events (merchant_id, product_id, prev_event_id, prev_live, "
      "live, prev_discontinued, discontinued, prev_inventory, inventory, source, created) "
      "VALUES (?1, ?2, ?8, ?3, ?4, ?5, ?5, ?6, ?6, 'api', ?7)");
  sqlite3_stmt* begin = Prepare(db, "BEGIN IMMEDIATE");
  sqlite3_stmt* commit = Prepare(db, "COMMIT");

  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<long> pick(0, products - 1);
  char id[32];
  long changed = 0, missing = 0, transactions = 0;
  auto start = std::chrono::steady_clock::now();
  for (long done = 0; done < updates;) {
    Done(db, begin);
    const std::int64_t now = NowMicros();
    for (long k = 0; k < batch && done < updates; ++k, ++done) {
      const int n = std::snprintf(id, sizeof id, "P%07ld", pick(rng));
      const bool live = (rng() & 1) != 0;
      sqlite3_bind_int64(read, 1, merchant);
      sqlite3_bind_text(read, 2, id, n, SQLITE_STATIC);
      int rc = sqlite3_step(read);
      if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE) Die(db, "read");
        sqlite3_reset(read);
        ++missing;
        continue;
      }
      const bool was_live = sqlite3_column_int64(read, 0) != 0;
      const std::int64_t discontinued = sqlite3_column_int64(read, 1);
      const bool tracked = sqlite3_column_type(read, 2) != SQLITE_NULL;
      const std::int64_t inventory = sqlite3_column_int64(read, 2);
      const bool has_head = sqlite3_column_type(read, 3) != SQLITE_NULL;
      const std::int64_t head = sqlite3_column_int64(read, 3);
      sqlite3_reset(read);
      if (was_live == live) continue;

      sqlite3_bind_int64(event, 1, merchant);
      sqlite3_bind_text(event, 2, id, n, SQLITE_STATIC);
      sqlite3_bind_int64(event, 3, was_live);
      sqlite3_bind_int64(event, 4, live);
      sqlite3_bind_int64(event, 5, discontinued);
      if (tracked) {
        sqlite3_bind_int64(event, 6, inventory);
      } else {
        sqlite3_bind_null(event, 6);
      }
      sqlite3_bind_int64(event, 7, now);
      if (has_head) {
        sqlite3_bind_int64(event, 8, head);
      } else {
        sqlite3_bind_null(event, 8);
      }
      Done(db, event);

      sqlite3_bind_int64(write, 1, merchant);
      sqlite3_bind_text(write, 2, id, n, SQLITE_STATIC);
      sqlite3_bind_int64(write, 3, live);
      sqlite3_bind_int64(write, 4, now);
      sqlite3_bind_int64(write, 5, sqlite3_last_insert_rowid(db));
      Done(db, write);
      ++changed;
    }
    Done(db, commit);
    ++transactions;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (sqlite3_stmt* s : {read, write, event, begin, commit}) sqlite3_finalize(s);
  sqlite3_close(db);
  std::printf("BENCH_RESULT {\"updates\":%ld,\"batch\":%ld,\"transactions\":%ld,\"changed\":%ld,"
              "\"missing\":%ld,\"seconds\":%.4f,\"updates_per_s\":%.1f,\"synchronous\":\"%s\"}\n",
              updates, batch, transactions, changed, missing, seconds,
              static_cast<double>(updates) / seconds, synchronous.c_str());
  return missing == 0 ? 0 : 1;
}
