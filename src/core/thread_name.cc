#include "core/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <array>

namespace restock {

void NameThisThread(std::string_view name) {
  std::array<char, 16> buffer{};  // the kernel's limit, with the terminating NUL
  const std::size_t n = std::min(name.size(), buffer.size() - 1);
  std::copy_n(name.data(), n, buffer.data());
  pthread_setname_np(pthread_self(), buffer.data());
}

}  // namespace restock
