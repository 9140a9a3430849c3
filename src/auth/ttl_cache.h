// restock::auth (internal) — a small bounded map whose entries expire after a fixed TTL,
// used to keep hot credentials out of the database.
// Thread-safe: all methods lock one mutex. Owns its entries; does not own the clock.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/clock.h"

namespace restock::auth::internal {

template <typename V>
class TtlCache {
 public:
  // ttl_micros <= 0 or max_entries == 0 disables the cache: Put keeps nothing.
  TtlCache(const Clock& clock, std::int64_t ttl_micros, std::size_t max_entries)
      : clock_(clock), ttl_micros_(ttl_micros), max_entries_(max_entries) {}

  TtlCache(const TtlCache&) = delete;
  TtlCache& operator=(const TtlCache&) = delete;

  // Returns the value stored under `key` less than the TTL ago, or nullopt.
  std::optional<V> Get(const std::string& key) {
    const UnixMicros now = clock_.NowMicros();
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (now >= it->second.expires) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  // Stores `value` under `key` for the TTL, replacing any previous value. When full, drops
  // expired entries, and if that frees nothing, one arbitrary entry: the size never
  // exceeds max_entries.
  void Put(std::string key, V value) {
    if (ttl_micros_ <= 0 || max_entries_ == 0) return;
    const UnixMicros now = clock_.NowMicros();
    std::lock_guard lock(mu_);
    if (entries_.size() >= max_entries_ && !entries_.contains(key)) {
      // The scan is O(size); doing it at most once per TTL keeps a full cache O(1) per Put.
      if (now >= next_sweep_) {
        std::erase_if(entries_, [now](const auto& kv) { return now >= kv.second.expires; });
        next_sweep_ = now + ttl_micros_;
      }
      if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
    }
    entries_.insert_or_assign(std::move(key), Entry{std::move(value), now + ttl_micros_});
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  struct Entry {
    V value;
    UnixMicros expires;
  };

  const Clock& clock_;
  const std::int64_t ttl_micros_;
  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  UnixMicros next_sweep_ = 0;                       // guarded by mu_
};

}  // namespace restock::auth::internal
