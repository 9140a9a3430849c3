// HmacSha256 keeps each thread's last key as precomputed SHA-256 states (core/crypto.cc).
// Checked against answers of independent implementations: RFC 4231's vectors (as Python's
// hmac module and `openssl dgst -mac HMAC` print them) and OpenSSL's own one-shot HMAC().
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.h"

namespace restock {
namespace {

std::string Reference(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

TEST(HmacSha256Test, MatchesRfc4231AndKeysOfEveryShape) {
  struct Case {
    std::string key, message, hex;
  };
  const std::vector<Case> cases = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      // Longer than a block: the key is hashed first.
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::string(64, '\xaa'), "exactly one block of key",
       "6b86dff4b91fe689c94291f9648c1f7cea871c24c0aaee8b7b0f295528e85fe3"},
      {"", "empty key", "bf6e6a0f34cd9fdf69c67b8c62969c87cd4f783d4665217df03f062dc4a0406e"},
  };
  // Twice round, so each key is also used again after another replaced it.
  for (int round = 0; round < 2; ++round) {
    for (const Case& c : cases) {
      EXPECT_EQ(HexEncode(HmacSha256(c.key, c.message)), c.hex) << c.message;
    }
  }
}

TEST(HmacSha256Test, AgreesWithOneShotHmacAcrossKeyChangesAndThreads) {
  auto check = [](unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> keys;
    for (std::size_t len : {0, 1, 31, 63, 64, 65, 100, 200}) {
      std::string key(len, '\0');
      for (char& c : key) c = static_cast<char>(rng());
      keys.push_back(key);
    }
    keys.push_back(keys[3].substr(0, 62));  // a prefix of a held key is another key
    int mismatches = 0;
    for (int i = 0; i < 500; ++i) {
      const std::string& key = keys[rng() % keys.size()];
      std::string message(rng() % 300, '\0');
      for (char& c : message) c = static_cast<char>(rng());
      // Same key twice in a row as well as changed keys.
      for (int repeat = 0; repeat < 2; ++repeat) {
        if (HmacSha256(key, message) != Reference(key, message)) ++mismatches;
      }
    }
    return mismatches;
  };
  std::vector<int> mismatches(4);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] { mismatches[t] = check(t + 1); });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace restock
