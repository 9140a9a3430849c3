#include "core/redact.h"

namespace restock::core {
namespace {

constexpr std::string_view kMask = "***";

bool IsPasswordKey(std::string_view key) {
  if (key.size() != 8) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != "password"[i]) return false;
  }
  return true;
}

// The query part (after '?', before '#') with every password value masked.
std::string RedactQuery(std::string_view query) {
  std::string out;
  while (true) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && IsPasswordKey(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1)).append(kMask);
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) return out;
    out += '&';
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::string RedactUrlPassword(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = url.find_first_of("/?#", authority);
  std::string_view rest = authority_end == std::string_view::npos ? "" : url.substr(authority_end);
  std::string_view auth = url.substr(authority, authority_end == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : authority_end - authority);
  std::string out(url.substr(0, authority));
  // The password ends at the last '@' of the authority (a password may itself hold an '@').
  const std::size_t at = auth.rfind('@');
  const std::size_t colon = at == std::string_view::npos ? at : auth.substr(0, at).find(':');
  if (colon != std::string_view::npos) {
    out.append(auth.substr(0, colon + 1)).append(kMask).append(auth.substr(at));
  } else {
    out.append(auth);
  }
  const std::size_t query = rest.find('?');
  if (query == std::string_view::npos) return out.append(rest);
  const std::size_t fragment = rest.find('#', query);
  out.append(rest.substr(0, query + 1));
  out += RedactQuery(rest.substr(query + 1, fragment == std::string_view::npos
                                                ? std::string_view::npos
                                                : fragment - query - 1));
  if (fragment != std::string_view::npos) out.append(rest.substr(fragment));
  return out;
}

}  // namespace restock::core
