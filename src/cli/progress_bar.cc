#include "cli/progress_bar.h"

#include <algorithm>
#include <string>

namespace restock::cli {

void ProgressBar::Update(std::uint64_t bytes, std::size_t records) {
  unsigned permille =
      total_ == 0 ? 0
                  : static_cast<unsigned>(std::min<std::uint64_t>(bytes, total_) * 1000 / total_);
  if (static_cast<long>(permille) == last_permille_ &&
      (total_ != 0 || records < last_records_ + 10'000)) {
    return;
  }
  Draw(permille, records);
}

void ProgressBar::Finish(std::size_t records) {
  Draw(1000, records);
  out_ << '\n' << std::flush;
}

void ProgressBar::Draw(unsigned permille, std::size_t records) {
  last_permille_ = permille;
  last_records_ = records;
  constexpr unsigned kWidth = 30;
  std::string line = "\r[";
  if (total_ != 0) {
    unsigned filled = permille * kWidth / 1000;
    line.append(filled, '#');
    line.append(kWidth - filled, '-');
    line += "] ";
    line += std::to_string(permille / 10) + "." + std::to_string(permille % 10) + "% ";
  } else {
    line += "...] ";
  }
  line += std::to_string(records) + " products";
  out_ << line << std::flush;
}

}  // namespace restock::cli
