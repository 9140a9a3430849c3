// restock::http — the pieces of SPEC §5 cursor pagination shared by list endpoints:
// page_size parsing and the next/previous links. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace restock::http {

inline constexpr std::size_t kDefaultPageSize = 10;
inline constexpr std::size_t kMaxPageSize = 100;

// The request's page_size: kDefaultPageSize when absent; InvalidArgument unless 1..100.
Result<std::size_t> PageSizeOf(const Request& request);

// An absolute link to the same path with `cursor`, `page_size` and the request's own
// values of the query parameters named in `keep` (percent-encoded again).
std::string PageLink(const Request& request, std::string_view cursor, std::size_t page_size,
                     std::initializer_list<std::string_view> keep);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(std::string_view s);

}  // namespace restock::http
