// restock::http — percent-decoding of URL components (RFC 3986 §2.1), shared by query-string
// parsing (message.cc) and path parameters (router.h). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace restock::http {

// Returns `s` with every "%XX" (two hex digits, either case) replaced by that byte, and with
// '+' replaced by a space when `plus_as_space` (application/x-www-form-urlencoded, i.e. query
// strings; never in paths). A '%' not followed by two hex digits is kept as is. The result may
// contain any byte, including NUL and invalid UTF-8.
std::string PercentDecode(std::string_view s, bool plus_as_space);

}  // namespace restock::http
