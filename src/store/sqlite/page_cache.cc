#include "store/sqlite/page_cache.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <new>

namespace restock::store::sqlite {

void TruncationTracker::OnPresent(std::uint32_t page) {
  if (page == temporary_page_) {
    temporary_used_ = true;
  } else {
    highest_ = std::max(highest_, page);
  }
}

void TruncationTracker::OnMovedAway(std::uint32_t page) {
  // One page at a time can hold a number, so the temporary number is free again. Any
  // other number stays counted in highest_ (an overestimate, which is safe).
  if (page == temporary_page_) temporary_used_ = false;
}

bool TruncationTracker::TruncationNeeded(std::uint32_t limit) const {
  if (temporary_used_ && temporary_page_ >= limit) return true;
  return highest_ != 0 && highest_ >= limit;
}

void TruncationTracker::OnTruncated(std::uint32_t limit) {
  if (temporary_page_ >= limit) temporary_used_ = false;
  if (highest_ >= limit) highest_ = limit == 0 ? 0 : limit - 1;
}

namespace {

// Process-wide state, because SQLite's page-cache hooks are process-wide (sqlite3_config)
// and its callbacks carry no context but the cache: SQLite's default page cache, captured
// once by InstallPageCache before SQLite initialises and only read after; and two
// diagnostic counters.
sqlite3_pcache_methods2 g_inner;
std::atomic<std::uint64_t> g_passed{0};
std::atomic<std::uint64_t> g_skipped{0};

// What SQLite holds as a sqlite3_pcache*: the default cache plus our bookkeeping.
struct Cache {
  sqlite3_pcache* inner;
  TruncationTracker tracker;
};

Cache* Outer(sqlite3_pcache* cache) { return reinterpret_cast<Cache*>(cache); }

// The page after the lock byte: SQLite's PENDING_BYTE (1 GiB unless a test build moved
// it) divided by the page size, plus one.
std::uint32_t TemporaryPage(int page_size) {
  constexpr std::uint32_t kPendingByte = 0x40000000;
  return kPendingByte / static_cast<std::uint32_t>(page_size) + 1;
}

int Init(void* arg) { return g_inner.xInit != nullptr ? g_inner.xInit(arg) : SQLITE_OK; }

void Shutdown(void* arg) {
  if (g_inner.xShutdown != nullptr) g_inner.xShutdown(arg);
}

sqlite3_pcache* Create(int page_size, int extra_size, int purgeable) {
  sqlite3_pcache* inner = g_inner.xCreate(page_size, extra_size, purgeable);
  if (inner == nullptr) return nullptr;
  auto* cache = new (std::nothrow) Cache{inner, TruncationTracker(TemporaryPage(page_size))};
  if (cache == nullptr) {
    g_inner.xDestroy(inner);
    return nullptr;
  }
  return reinterpret_cast<sqlite3_pcache*>(cache);
}

void Cachesize(sqlite3_pcache* cache, int pages) { g_inner.xCachesize(Outer(cache)->inner, pages); }

int Pagecount(sqlite3_pcache* cache) { return g_inner.xPagecount(Outer(cache)->inner); }

sqlite3_pcache_page* Fetch(sqlite3_pcache* cache, unsigned key, int create) {
  Cache* outer = Outer(cache);
  sqlite3_pcache_page* page = g_inner.xFetch(outer->inner, key, create);
  if (page != nullptr) outer->tracker.OnPresent(key);
  return page;
}

void Unpin(sqlite3_pcache* cache, sqlite3_pcache_page* page, int discard) {
  // A discarded page stays counted: the tracker only ever overestimates.
  g_inner.xUnpin(Outer(cache)->inner, page, discard);
}

void Rekey(sqlite3_pcache* cache, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  Cache* outer = Outer(cache);
  g_inner.xRekey(outer->inner, page, old_key, new_key);
  outer->tracker.OnMovedAway(old_key);
  outer->tracker.OnPresent(new_key);
}

void Truncate(sqlite3_pcache* cache, unsigned limit) {
  Cache* outer = Outer(cache);
  if (!outer->tracker.TruncationNeeded(limit)) {
    g_skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  g_inner.xTruncate(outer->inner, limit);
  outer->tracker.OnTruncated(limit);
  g_passed.fetch_add(1, std::memory_order_relaxed);
}

void Destroy(sqlite3_pcache* cache) {
  Cache* outer = Outer(cache);
  g_inner.xDestroy(outer->inner);
  delete outer;
}

void Shrink(sqlite3_pcache* cache) {
  if (g_inner.xShrink != nullptr) g_inner.xShrink(Outer(cache)->inner);
}

}  // namespace

bool InstallPageCache() {
  sqlite3_pcache_methods2 inner{};
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &inner) != SQLITE_OK) return false;
  if (inner.iVersion < 1 || inner.xCreate == nullptr) return false;
  g_inner = inner;
  sqlite3_pcache_methods2 outer{};
  outer.iVersion = 1;
  outer.pArg = inner.pArg;
  outer.xInit = Init;
  outer.xShutdown = Shutdown;
  outer.xCreate = Create;
  outer.xCachesize = Cachesize;
  outer.xPagecount = Pagecount;
  outer.xFetch = Fetch;
  outer.xUnpin = Unpin;
  outer.xRekey = Rekey;
  outer.xTruncate = Truncate;
  outer.xDestroy = Destroy;
  outer.xShrink = Shrink;
  return sqlite3_config(SQLITE_CONFIG_PCACHE2, &outer) == SQLITE_OK;
}

PageCacheCounters ReadPageCacheCounters() {
  return {g_passed.load(std::memory_order_relaxed), g_skipped.load(std::memory_order_relaxed)};
}

}  // namespace restock::store::sqlite
