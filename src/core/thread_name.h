// restock::core — names the calling thread, so `top -H`, `ps -L`, perf and gdb tell restock's
// threads apart (the I/O threads, the group writer, the WAL syncer, ...).
#pragma once

#include <string_view>

namespace restock {

// Names the calling thread. Linux keeps at most 15 bytes; longer names are cut. Best effort:
// a failure changes nothing else.
void NameThisThread(std::string_view name);

}  // namespace restock
