// restock::store — calling another module's callback from a thread the store owns (the group
// writer, the WAL syncer): a callback that throws must not kill that thread.
#pragma once

#include <utility>

namespace restock::store {

// Calls `fn(args...)` when `fn` is set, swallowing anything it throws.
template <typename Fn, typename... Args>
void CallQuietly(const Fn& fn, Args&&... args) {
  if (!fn) return;
  try {
    fn(std::forward<Args>(args)...);
  } catch (...) {
  }
}

}  // namespace restock::store
