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

// Decodes, in place, the "%XX" escapes in `path` that stand for unreserved characters
// (ALPHA, DIGIT, '-', '.', '_', '~'): the normalisation RFC 3986 §6.2.2.2 allows, after which
// "/%68ealthz" is "/healthz". Every other escape stays as sent ("%2F" is not a separator,
// "%00" not a NUL), to be decoded, once, where a path parameter is read (router.h).
// Allocates nothing; a path without '%' is left untouched after one scan.
void DecodeUnreservedEscapes(std::string& path);

}  // namespace restock::http
