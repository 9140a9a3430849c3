#include "core/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <thread>

namespace restock {
namespace {

std::string NameOfThisThread() {
  std::array<char, 64> buffer{};
  EXPECT_EQ(pthread_getname_np(pthread_self(), buffer.data(), buffer.size()), 0);
  return buffer.data();
}

TEST(NameThisThreadTest, NamesTheCallingThreadOnly) {
  const std::string before = NameOfThisThread();
  std::string inside;
  std::thread([&] {
    NameThisThread("restock-writer");
    inside = NameOfThisThread();
  }).join();
  EXPECT_EQ(inside, "restock-writer");
  EXPECT_EQ(NameOfThisThread(), before);
}

TEST(NameThisThreadTest, CutsLongNamesToTheKernelsFifteenBytes) {
  std::string inside;
  std::thread([&] {
    NameThisThread("restock-a-name-far-too-long");
    inside = NameOfThisThread();
  }).join();
  EXPECT_EQ(inside, "restock-a-name-");
}

}  // namespace
}  // namespace restock
