// restock::cli — a one-line progress bar for long imports, redrawn in place with '\r' on a
// terminal. The caller decides whether to show it (only when stderr is a terminal).
// Not thread-safe; writes to a stream it does not own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>

namespace restock::cli {

class ProgressBar {
 public:
  // `total_bytes` is the input size (0 when unknown: then only the count is shown).
  ProgressBar(std::ostream& out, std::uint64_t total_bytes) : out_(out), total_(total_bytes) {}

  // Redraws when the shown value changed (at most 1000 redraws over a whole import).
  void Update(std::uint64_t bytes, std::size_t records);
  // Draws 100 % and ends the line.
  void Finish(std::size_t records);

 private:
  void Draw(unsigned permille, std::size_t records);

  std::ostream& out_;
  std::uint64_t total_;
  long last_permille_ = -1;
  std::size_t last_records_ = 0;
};

}  // namespace restock::cli
