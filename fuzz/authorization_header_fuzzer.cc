// Fuzzes auth::ParseAuthorizationHeader (SPEC §2 `authorization` header) with arbitrary bytes.
// Besides memory safety and UB (the sanitizers), it checks the contract of the header:
//   - an accepted claim respects every documented cap (non-empty, bounded, no NUL, ts >= 0
//     with at most 18 digits, input within kMaxAuthorizationHeaderBytes);
//   - an accepted claim, written back as canonical JSON, parses to the same claim.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "auth/authorization_header.h"
#include "fuzz_check.h"

namespace {

// A JSON string literal for bytes that the parser accepted (valid UTF-8): escapes the quote,
// the backslash and control characters only.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool NoNul(std::string_view s) { return s.find('\0') == std::string_view::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace restock::auth;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto claim = ParseAuthorizationHeader(input);
  if (!claim.ok()) {
    FUZZ_CHECK(claim.status().message() == "Malformed authorization header.");
    return 0;
  }
  FUZZ_CHECK(size <= kMaxAuthorizationHeaderBytes);
  FUZZ_CHECK(!claim->public_id.empty() && claim->public_id.size() <= kMaxPublicIdBytes);
  FUZZ_CHECK(!claim->sig_field.empty() && claim->sig_field.size() <= kMaxSigFieldBytes);
  FUZZ_CHECK(!claim->sig.empty() && claim->sig.size() <= kMaxSigBytes);
  FUZZ_CHECK(NoNul(claim->public_id) && NoNul(claim->sig_field));
  FUZZ_CHECK(claim->ts >= 0 && claim->ts <= 999'999'999'999'999'999);

  // Round trip. A percent-decoded sig may hold any byte (not UTF-8), so it is written back
  // fully percent-encoded, which decodes to the same bytes; one too long for that is skipped.
  if (claim->sig.size() * 3 <= kMaxSigBytes) {
    std::string encoded_sig;
    for (unsigned char c : claim->sig) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded_sig += buf;
    }
    const std::string canonical = "{\"public_id\":" + Quote(claim->public_id) +
                                  ",\"ts\":" + std::to_string(claim->ts) +
                                  ",\"sig_field\":" + Quote(claim->sig_field) +
                                  ",\"sig\":" + Quote(encoded_sig) + "}";
    if (canonical.size() <= kMaxAuthorizationHeaderBytes) {
      auto again = ParseAuthorizationHeader(canonical);
      FUZZ_CHECK(again.ok());
      FUZZ_CHECK(*again == *claim);
    }
  }
  return 0;
}
