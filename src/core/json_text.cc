#include "core/json_text.h"

#include <cstdint>

namespace restock::core {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char32_t kReplacement = 0xFFFD;

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

void AppendEscapedUnit(std::string& out, unsigned unit) {
  out += "\\u";
  out += kHex[(unit >> 12) & 15];
  out += kHex[(unit >> 8) & 15];
  out += kHex[(unit >> 4) & 15];
  out += kHex[unit & 15];
}

// The two-character escapes of RFC 8259 §7; false for every other code point.
bool AppendShortEscape(std::string& out, char32_t cp) {
  switch (cp) {
    case '"': out += "\\\""; return true;
    case '\\': out += "\\\\"; return true;
    case '\b': out += "\\b"; return true;
    case '\f': out += "\\f"; return true;
    case '\n': out += "\\n"; return true;
    case '\r': out += "\\r"; return true;
    case '\t': out += "\\t"; return true;
    default: return false;
  }
}

}  // namespace

Utf8Sequence DecodeUtf8(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1, true};
  std::size_t len = 0;
  char32_t cp = 0;
  // Second-byte ranges per RFC 3629 §4 exclude overlongs, surrogates and > U+10FFFF.
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {0, 1, false};
  }
  for (std::size_t i = 1; i < len; ++i) {
    if (i >= s.size()) return {0, i, false};
    const auto b = static_cast<unsigned char>(s[i]);
    const bool ok = i == 1 ? (b >= lo && b <= hi) : IsContinuation(b);
    if (!ok) return {0, i, false};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, len, true};
}

std::optional<std::size_t> FirstInvalidUtf8(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const Utf8Sequence seq = DecodeUtf8(s.substr(pos));
    if (!seq.valid) return pos;
    pos += seq.length;
  }
  return std::nullopt;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string JsonQuote(std::string_view s, JsonQuoting quoting) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  while (!s.empty()) {
    const auto b0 = static_cast<unsigned char>(s[0]);
    if (b0 >= 0x20 && b0 < 0x7F && b0 != '"' && b0 != '\\') {  // the common case
      out += static_cast<char>(b0);
      s.remove_prefix(1);
      continue;
    }
    const Utf8Sequence seq = DecodeUtf8(s);
    const char32_t cp = seq.valid ? seq.code_point : kReplacement;
    if (AppendShortEscape(out, cp)) {
    } else if (cp < 0x20) {
      AppendEscapedUnit(out, static_cast<unsigned>(cp));
    } else if (quoting == JsonQuoting::kUtf8) {
      if (seq.valid) {
        out.append(s.substr(0, seq.length));
      } else {
        AppendUtf8(out, kReplacement);
      }
    } else if (cp < 0x10000) {
      AppendEscapedUnit(out, static_cast<unsigned>(cp));
    } else {
      const std::uint32_t v = static_cast<std::uint32_t>(cp) - 0x10000;
      AppendEscapedUnit(out, 0xD800 + (v >> 10));
      AppendEscapedUnit(out, 0xDC00 + (v & 0x3FF));
    }
    s.remove_prefix(seq.length);
  }
  out += '"';
  return out;
}

}  // namespace restock::core
