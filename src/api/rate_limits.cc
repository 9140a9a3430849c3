#include "api/rate_limits.h"

#include <boost/asio/ip/address.hpp>

#include "core/text.h"

namespace restock::api {
namespace {

constexpr std::string_view kHelp = "Requests refused with 429 by a rate limit.";

// True for a dotted quad as inet_ntop writes it ("10.0.0.1": no leading zeros, each part at
// most 255), which parsing and printing would give back unchanged.
bool IsCanonicalIpv4(std::string_view address) {
  int parts = 0;
  std::size_t i = 0;
  while (i < address.size()) {
    const std::size_t start = i;
    int value = 0;
    while (i < address.size() && address[i] >= '0' && address[i] <= '9' && i - start < 3) {
      value = value * 10 + (address[i] - '0');
      ++i;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && address[start] == '0')) return false;
    ++parts;
    if (i == address.size()) break;
    if (address[i] != '.' || parts == 4) return false;
    ++i;
    if (i == address.size()) return false;
  }
  return parts == 4;
}

// An IPv6 address becomes its /64 network ("2001:db8:1:2::/64"); anything else is kept.
std::string Normalise(std::string_view address) {
  // The peer address of every plain IPv4 connection: skip parsing it again per request.
  if (IsCanonicalIpv4(address)) return std::string(address);
  boost::system::error_code ec;
  const auto parsed = boost::asio::ip::make_address(std::string(address), ec);
  if (ec) return std::string(address);
  if (parsed.is_v4()) return parsed.to_string();
  auto v6 = parsed.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  }
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

std::string ClientKey(const http::Request& request, bool trust_forwarded_for) {
  if (trust_forwarded_for) {
    std::optional<std::string_view> last;
    for (const auto& [name, value] : request.headers) {
      if (name == "x-forwarded-for") last = value;
    }
    if (last) {
      std::string_view list = *last;
      const std::size_t comma = list.rfind(',');
      std::string_view entry =
          core::TrimBlanks(comma == std::string_view::npos ? list : list.substr(comma + 1));
      if (!entry.empty() && entry.size() <= 64) return Normalise(entry);
    }
  }
  return Normalise(request.remote_address);
}

http::Response TooManyRequests(std::int64_t retry_after_seconds) {
  http::Response r =
      http::ErrorResponse(429, "Request was throttled. Expected available in " +
                                   std::to_string(retry_after_seconds) + " seconds.");
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

RateLimits::RateLimits(const Clock& clock, metrics::Registry& registry, RateLimitOptions options)
    : trust_forwarded_for_(options.trust_forwarded_for),
      clients_(clock, options.per_client_per_minute),
      merchants_(clock, options.per_merchant_per_minute),
      client_refusals_(
          registry.GetCounter("restock_rate_limited_total", kHelp, {{"limit", "client"}})),
      merchant_refusals_(
          registry.GetCounter("restock_rate_limited_total", kHelp, {{"limit", "merchant"}})) {}

std::optional<http::Response> RateLimits::CheckClient(const http::Request& request) {
  if (!clients_.enabled()) return std::nullopt;
  ratelimit::Decision d = clients_.Acquire(ClientKey(request, trust_forwarded_for_));
  if (d.allowed) return std::nullopt;
  client_refusals_.Inc();
  return TooManyRequests(d.retry_after_seconds);
}

std::optional<http::Response> RateLimits::CheckMerchant(model::MerchantId merchant) {
  if (!merchants_.enabled()) return std::nullopt;
  ratelimit::Decision d = merchants_.Acquire(std::to_string(merchant));
  if (d.allowed) return std::nullopt;
  merchant_refusals_.Inc();
  return TooManyRequests(d.retry_after_seconds);
}

bool ClientRateLimitedHandler::IsExempt(std::string_view path) const {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (const std::string& exempt : exempt_) {
    if (path == exempt) return true;
  }
  return false;
}

void ClientRateLimitedHandler::Handle(http::Request request, http::Respond respond) {
  if (!IsExempt(request.path)) {
    if (auto refused = limits_.CheckClient(request)) return respond(std::move(*refused));
  }
  inner_.Handle(std::move(request), std::move(respond));
}

}  // namespace restock::api
