// restock::store::sqlite — a thin layer over SQLite's own page cache that skips cache
// truncations which cannot remove anything. Internal to store/sqlite; free of sqlite3.h.
//
// Why: at the end of every write transaction SQLite truncates the connection's page cache
// to the database size. Its default cache (pcache1) decides whether there is anything to
// drop from the highest page number it has ever held since the last truncation. When a
// B-tree split reorders its new pages, SQLite 3.40 parks a page for a moment at a
// temporary number, the page after the lock byte (page 262,145 with 4 KiB pages), and
// moves it back straight away. pcache1 still remembers that number, so the next commit
// walks every hash bucket and every cached page looking for pages that are not there
// (docs/decisions.md, "SQLite writes"). The layer tracks the page numbers itself, counting the temporary number as free again once the page left it,
// and passes a truncation on only when a page at or beyond the limit may be cached.
#pragma once

#include <cstdint>

namespace restock::store::sqlite {

// The bookkeeping of one page cache, without SQLite: which page numbers may be cached.
// Conservative by construction: it may say a truncation is needed when nothing would be
// dropped (then pcache1 does the walk it would have done anyway), never the reverse.
// Not thread-safe; each cache belongs to one connection, used by one thread at a time.
class TruncationTracker {
 public:
  // `temporary_page` is the number B-tree balancing parks pages at (see above).
  explicit TruncationTracker(std::uint32_t temporary_page) : temporary_page_(temporary_page) {}

  // The cache holds (or may hold) a page numbered `page`: a fetch returned it or a page
  // was renumbered to it.
  void OnPresent(std::uint32_t page);
  // The page numbered `page` was renumbered to another number.
  void OnMovedAway(std::uint32_t page);
  // Whether a truncation to `limit` (drop every page numbered >= limit) may drop a page.
  bool TruncationNeeded(std::uint32_t limit) const;
  // The cache was truncated to `limit`: no page numbered >= limit is left.
  void OnTruncated(std::uint32_t limit);

 private:
  std::uint32_t temporary_page_;
  // The highest page number other than the temporary one that may be cached; 0 for none
  // (SQLite numbers pages from 1).
  std::uint32_t highest_ = 0;
  // Whether a page may sit at the temporary number.
  bool temporary_used_ = false;
};

// Counters over every cache in the process, for tests and diagnostics.
struct PageCacheCounters {
  std::uint64_t truncations_passed = 0;
  std::uint64_t truncations_skipped = 0;
};

// Installs the layer as SQLite's page cache. Must run before SQLite initialises (the
// first sqlite3_open*); returns false and changes nothing if SQLite refused it (it had
// initialised already) — the default cache then stays, which is only slower.
bool InstallPageCache();

// A snapshot of the counters (relaxed atomics; exact once the caches are idle).
PageCacheCounters ReadPageCacheCounters();

}  // namespace restock::store::sqlite
