// restock::core — which network addresses outbound requests (webhooks, and any later feature
// that calls a URL a merchant gave) may reach (docs/security.md, "Outbound targets").
// Loopback, link-local, private and unspecified addresses are refused unless the operator
// lists their range as allowed; everything else is allowed. Also: hiding `user:password@`
// in URLs that are shown. Pure functions and an immutable policy: thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace restock::core {

// An IPv4 or IPv6 address; IPv4 uses the first four bytes.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  std::string ToString() const;
};

// An address range: the first `prefix` bits of `base`.
struct Cidr {
  IpAddress base;
  int prefix = 0;
  bool Contains(const IpAddress& a) const;
};

// Parses a numeric host as the system resolver would (so "127.1" and "2130706433" are
// 127.0.0.1), with or without IPv6 brackets; nullopt for anything else (a name).
std::optional<IpAddress> ParseIpLiteral(std::string_view host);

// Parses "ADDR/PREFIX" or a bare address (a single-address range). InvalidArgument otherwise.
Result<Cidr> ParseCidr(std::string_view text);
// Parses "CIDR[,CIDR…]" (blanks around items ignored; empty text = no ranges).
Result<std::vector<Cidr>> ParseCidrList(std::string_view text);

// What kind of address refused ranges hold: "loopback", "link-local", "private",
// "unspecified"; nullopt for a public address. IPv4-mapped IPv6 addresses are judged by
// their IPv4 address.
std::optional<std::string_view> RestrictedKind(const IpAddress& a);

class TargetPolicy {
 public:
  TargetPolicy() = default;
  explicit TargetPolicy(std::vector<Cidr> allowed) : allowed_(std::move(allowed)) {}

  // OK when `a` may be reached: public, or inside an allowed range. Otherwise
  // PermissionDenied with a message naming the address, its kind and the setting to change.
  Status Check(const IpAddress& a) const;
  // When `host` (of a URL) is an address literal, Check on it, but InvalidArgument (the
  // target is refused when it is added); OK for a name, which is checked at connect time.
  Status CheckHostLiteral(std::string_view host) const;

 private:
  std::vector<Cidr> allowed_;
};

}  // namespace restock::core
