#include "auth/authorization_header.h"

#include <optional>

#include "core/crypto.h"
#include "core/json_text.h"

namespace restock::auth {
namespace {

// Unknown keys may hold nested values; bounding the depth keeps recursion bounded.
constexpr int kMaxSkipDepth = 16;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A character a JSON string holds as itself: printable ASCII other than '"' and '\\'.
bool IsPlainAscii(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A recursive-descent reader over the header. Every method returns false on malformed
// input and then leaves the reader in an unspecified position; callers give up at once.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool AtEnd() const { return pos_ == in_.size(); }
  char Peek() const { return AtEnd() ? '\0' : in_[pos_]; }

  void SkipWhitespace() {
    while (!AtEnd() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(char c) {
    if (AtEnd() || in_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Reads a JSON string (opening quote included) into `out`, failing once the decoded
  // value would exceed `max_bytes`.
  bool ReadString(std::string& out, std::size_t max_bytes) {
    out.clear();
    if (!Consume('"')) return false;
    while (true) {
      if (out.size() > max_bytes || AtEnd()) return false;
      const char c = in_[pos_];
      if (c == '"') {
        ++pos_;
        return out.size() <= max_bytes;
      }
      if (c == '\\') {
        ++pos_;
        if (!ReadEscape(out)) return false;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        return false;  // raw control characters (NUL included) must be escaped in JSON
      } else if (static_cast<unsigned char>(c) < 0x80) {
        // A run of plain ASCII is copied at once (a signature is all of it).
        std::size_t end = pos_ + 1;
        while (end < in_.size() && IsPlainAscii(in_[end])) ++end;
        out.append(in_.substr(pos_, end - pos_));
        pos_ = end;
      } else {
        const core::Utf8Sequence seq = core::DecodeUtf8(in_.substr(pos_));
        if (!seq.valid) return false;
        out.append(in_.substr(pos_, seq.length));
        pos_ += seq.length;
      }
    }
  }

  // Reads "ts": an unsigned JSON integer or a string of digits, at most kMaxTsDigits.
  bool ReadTs(std::int64_t& out) {
    std::string digits;
    if (Peek() == '"') {
      if (!ReadString(digits, kMaxTsDigits) || digits.empty()) return false;
      for (char c : digits) {
        if (!IsDigit(c)) return false;
      }
    } else {
      while (IsDigit(Peek())) {
        digits += in_[pos_++];
        if (digits.size() > kMaxTsDigits) return false;
      }
      // JSON forbids leading zeros; a fraction or exponent makes it not an integer.
      if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return false;
      if (Peek() == '.' || Peek() == 'e' || Peek() == 'E') return false;
    }
    std::int64_t v = 0;
    for (char c : digits) v = v * 10 + (c - '0');  // <= 18 digits: cannot overflow
    out = v;
    return true;
  }

  // Skips any well-formed JSON value.
  bool SkipValue(int depth) {
    if (depth > kMaxSkipDepth) return false;
    std::string scratch;
    switch (Peek()) {
      case '"':
        return ReadString(scratch, in_.size());
      case '{':
        return SkipContainer('}', depth, /*keyed=*/true);
      case '[':
        return SkipContainer(']', depth, /*keyed=*/false);
      case 't':
        return ConsumeLiteral("true");
      case 'f':
        return ConsumeLiteral("false");
      case 'n':
        return ConsumeLiteral("null");
      default:
        return SkipNumber();
    }
  }

 private:
  bool ReadHex4(unsigned& out) {
    if (in_.size() - pos_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = HexDigit(in_[pos_++]);
      if (h < 0) return false;
      out = out * 16 + static_cast<unsigned>(h);
    }
    return true;
  }

  // After the backslash.
  bool ReadEscape(std::string& out) {
    if (AtEnd()) return false;
    const char c = in_[pos_++];
    switch (c) {
      case '"':
        out += '"';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    unsigned unit = 0;
    if (!ReadHex4(unit)) return false;
    char32_t cp = unit;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // lone low surrogate
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      unsigned low = 0;
      if (!Consume('\\') || !Consume('u') || !ReadHex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    core::AppendUtf8(out, cp);
    return true;
  }

  bool ConsumeLiteral(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool SkipNumber() {
    Consume('-');
    if (Consume('0')) {
      // a single zero
    } else if (IsDigit(Peek())) {
      while (IsDigit(Peek())) ++pos_;
    } else {
      return false;
    }
    if (Consume('.')) {
      if (!IsDigit(Peek())) return false;
      while (IsDigit(Peek())) ++pos_;
    }
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) Consume('-');
      if (!IsDigit(Peek())) return false;
      while (IsDigit(Peek())) ++pos_;
    }
    return true;
  }

  bool SkipContainer(char close, int depth, bool keyed) {
    ++pos_;  // the opening bracket
    SkipWhitespace();
    if (Consume(close)) return true;
    std::string scratch;
    while (true) {
      if (keyed) {
        if (!ReadString(scratch, in_.size())) return false;
        SkipWhitespace();
        if (!Consume(':')) return false;
        SkipWhitespace();
      }
      if (!SkipValue(depth + 1)) return false;
      SkipWhitespace();
      if (Consume(close)) return true;
      if (!Consume(',')) return false;
      SkipWhitespace();
    }
  }

  std::string_view in_;
  std::size_t pos_ = 0;
};

bool ReadField(Reader& reader, std::string& out, std::size_t max_bytes) {
  return reader.ReadString(out, max_bytes) && !out.empty() && out.find('\0') == std::string::npos;
}

// Reads the members of the top-level object; the opening brace is already consumed.
bool ReadClaimMembers(Reader& reader, SignedClaim& claim) {
  bool have_public_id = false, have_ts = false, have_sig_field = false, have_sig = false;
  std::string key;
  reader.SkipWhitespace();
  if (reader.Consume('}')) return false;  // an empty object lacks every key
  while (true) {
    if (!reader.ReadString(key, kMaxAuthorizationHeaderBytes)) return false;
    reader.SkipWhitespace();
    if (!reader.Consume(':')) return false;
    reader.SkipWhitespace();
    bool ok = true;
    if (key == "public_id") {
      ok = !have_public_id && ReadField(reader, claim.public_id, kMaxPublicIdBytes);
      have_public_id = true;
    } else if (key == "ts") {
      ok = !have_ts && reader.ReadTs(claim.ts);
      have_ts = true;
    } else if (key == "sig_field") {
      ok = !have_sig_field && ReadField(reader, claim.sig_field, kMaxSigFieldBytes);
      have_sig_field = true;
    } else if (key == "sig") {
      ok = !have_sig && ReadField(reader, claim.sig, kMaxSigBytes);
      have_sig = true;
    } else {
      ok = reader.SkipValue(1);
    }
    if (!ok) return false;
    reader.SkipWhitespace();
    if (reader.Consume('}')) break;
    if (!reader.Consume(',')) return false;
    reader.SkipWhitespace();
  }
  return have_public_id && have_ts && have_sig_field && have_sig;
}

}  // namespace

Result<SignedClaim> ParseAuthorizationHeader(std::string_view header) {
  const Status malformed = UnauthenticatedError("Malformed authorization header.");
  if (header.size() > kMaxAuthorizationHeaderBytes) return malformed;
  Reader reader(header);
  SignedClaim claim;
  reader.SkipWhitespace();
  if (!reader.Consume('{') || !ReadClaimMembers(reader, claim)) return malformed;
  reader.SkipWhitespace();
  if (!reader.AtEnd()) return malformed;
  // A sig may arrive URL-encoded (it is sent in URLs too); '+' stays '+', it is base64.
  if (claim.sig.find('%') != std::string::npos) {
    std::optional<std::string> decoded = PercentDecode(claim.sig);
    if (!decoded || decoded->empty()) return malformed;
    claim.sig = std::move(*decoded);
  }
  return claim;
}

}  // namespace restock::auth
