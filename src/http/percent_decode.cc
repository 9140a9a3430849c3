#include "http/percent_decode.h"

namespace restock::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

void DecodeUnreservedEscapes(std::string& path) {
  std::size_t in = path.find('%');
  if (in == std::string::npos) return;
  std::size_t out = in;
  while (in < path.size()) {
    const char c = path[in];
    if (c == '%' && in + 2 < path.size() && HexValue(path[in + 1]) >= 0 &&
        HexValue(path[in + 2]) >= 0) {
      const char decoded = static_cast<char>(HexValue(path[in + 1]) * 16 + HexValue(path[in + 2]));
      if (IsUnreserved(decoded)) {
        path[out++] = decoded;
        in += 3;
        continue;
      }
    }
    path[out++] = c;
    ++in;
  }
  path.resize(out);
}

std::string PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace restock::http
