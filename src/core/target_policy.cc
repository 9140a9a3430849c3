#include "core/target_policy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "core/text.h"

namespace restock::core {
namespace {

IpAddress V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  IpAddress out;
  out.bytes[0] = a;
  out.bytes[1] = b;
  out.bytes[2] = c;
  out.bytes[3] = d;
  return out;
}

IpAddress V6(std::initializer_list<std::uint8_t> head) {
  IpAddress out;
  out.v6 = true;
  std::size_t i = 0;
  for (std::uint8_t b : head) out.bytes[i++] = b;
  return out;
}

struct Restricted {
  Cidr range;
  std::string_view kind;
};

// RFC 6890 special-purpose ranges a server-side request must not reach by default.
const std::vector<Restricted>& RestrictedRanges() {
  static const std::vector<Restricted> ranges = {
      {{V4(0, 0, 0, 0), 8}, "unspecified"},
      {{V4(10, 0, 0, 0), 8}, "private"},
      {{V4(100, 64, 0, 0), 10}, "private"},  // carrier-grade NAT (RFC 6598)
      {{V4(127, 0, 0, 0), 8}, "loopback"},
      {{V4(169, 254, 0, 0), 16}, "link-local"},
      {{V4(172, 16, 0, 0), 12}, "private"},
      {{V4(192, 168, 0, 0), 16}, "private"},
      {{V6({}), 128}, "unspecified"},
      {{V6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 128}, "loopback"},
      {{V6({0xfe, 0x80}), 10}, "link-local"},
      {{V6({0xfe, 0xc0}), 10}, "private"},  // site-local (deprecated)
      {{V6({0xfc}), 7}, "private"},         // unique local
  };
  return ranges;
}

// The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), if it is one.
std::optional<IpAddress> MappedV4(const IpAddress& a) {
  if (!a.v6) return std::nullopt;
  for (int i = 0; i < 10; ++i) {
    if (a.bytes[i] != 0) return std::nullopt;
  }
  if (a.bytes[10] != 0xff || a.bytes[11] != 0xff) return std::nullopt;
  return V4(a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]);
}

}  // namespace

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool Cidr::Contains(const IpAddress& a) const {
  if (a.v6 != base.v6) {
    std::optional<IpAddress> mapped = MappedV4(a);
    return mapped && !base.v6 && Contains(*mapped);
  }
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<IpAddress> ParseIpLiteral(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host.size() > 255) return std::nullopt;
  const std::string text(host);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  if (getaddrinfo(text.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  IpAddress out;
  if (found->ai_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
    std::memcpy(out.bytes.data(), &sin->sin_addr, 4);
  } else if (found->ai_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(found->ai_addr);
    out.v6 = true;
    std::memcpy(out.bytes.data(), &sin6->sin6_addr, 16);
  } else {
    freeaddrinfo(found);
    return std::nullopt;
  }
  freeaddrinfo(found);
  return out;
}

Result<Cidr> ParseCidr(std::string_view text) {
  text = TrimBlanks(text);
  const std::size_t slash = text.find('/');
  const std::string_view addr = text.substr(0, slash);
  // Only the strict forms here: a range is configuration, written once and read by people.
  IpAddress base;
  const std::string addr_text(addr);
  if (inet_pton(AF_INET, addr_text.c_str(), base.bytes.data()) != 1) {
    base.v6 = true;
    if (inet_pton(AF_INET6, addr_text.c_str(), base.bytes.data()) != 1) {
      return InvalidArgumentError("'" + std::string(text) + "' is not an address range (CIDR)");
    }
  }
  const int max = base.v6 ? 128 : 32;
  int prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos ||
        (prefix = std::stoi(std::string(digits))) > max) {
      return InvalidArgumentError("'" + std::string(text) + "' has a bad prefix length");
    }
  }
  return Cidr{base, prefix};
}

Result<std::vector<Cidr>> ParseCidrList(std::string_view text) {
  std::vector<Cidr> out;
  while (!TrimBlanks(text).empty()) {
    const std::size_t comma = text.find(',');
    RESTOCK_ASSIGN_OR_RETURN(Cidr c, ParseCidr(text.substr(0, comma)));
    out.push_back(c);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<std::string_view> RestrictedKind(const IpAddress& a) {
  const std::optional<IpAddress> mapped = MappedV4(a);
  const IpAddress& judged = mapped ? *mapped : a;
  for (const Restricted& r : RestrictedRanges()) {
    if (r.range.Contains(judged)) return r.kind;
  }
  return std::nullopt;
}

Status TargetPolicy::Check(const IpAddress& a) const {
  const std::optional<std::string_view> kind = RestrictedKind(a);
  if (!kind) return Status::Ok();
  for (const Cidr& c : allowed_) {
    if (c.Contains(a)) return Status::Ok();
  }
  return PermissionDeniedError("target address " + a.ToString() + " is " + std::string(*kind) +
                               " (allow its range with --allow-private-targets or "
                               "RESTOCK_ALLOW_PRIVATE_TARGETS)");
}

Status TargetPolicy::CheckHostLiteral(std::string_view host) const {
  const std::optional<IpAddress> literal = ParseIpLiteral(host);
  if (!literal) return Status::Ok();
  Status checked = Check(*literal);
  if (checked.ok()) return checked;
  return InvalidArgumentError("url: " + checked.message());
}

}  // namespace restock::core
