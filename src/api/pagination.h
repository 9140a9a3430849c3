// restock::api — the pieces of the cursor pagination (README.md, API) shared by list endpoints:
// page_size parsing and the next/previous links. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace restock::api {

inline constexpr std::size_t kDefaultPageSize = 10;
inline constexpr std::size_t kMaxPageSize = 100;

// The request's page_size: kDefaultPageSize when absent; InvalidArgument unless 1..100.
Result<std::size_t> PageSizeOf(const http::Request& request);

// A link to the same path with `cursor`, `page_size` and the request's own values of the
// query parameters named in `keep` (percent-encoded again), e.g.
// "/orders/?cursor=a42&page_size=100&status=placed". The link is relative to the request
// (an absolute path, no scheme or host): it stays right behind TLS and proxies, and no
// request header can make it point elsewhere.
std::string PageLink(const http::Request& request, std::string_view cursor, std::size_t page_size,
                     std::initializer_list<std::string_view> keep);

// A number sent as text (in a cursor, a path or a query parameter): decimal digits only, 0 to
// INT64_MAX; nullopt for anything else (empty, a sign, blanks, other characters, too large).
std::optional<std::int64_t> ParseDecimal(std::string_view digits);

// A cursor "<tag><number>" whose tag is one of the characters of `tags`, e.g. "a42" with
// tags "ab"; nullopt for anything else (the number as ParseDecimal reads it).
struct TaggedCursor {
  char tag = 0;
  std::int64_t id = 0;
};
std::optional<TaggedCursor> ParseTaggedCursor(std::string_view cursor, std::string_view tags);

// A cursor over an id-ordered list: "a<id>" pages forward after `id`, "b<id>" backward
// before it. No cursor = the first page (after_id 0).
struct IdCursor {
  std::int64_t after_id = 0;
  std::optional<std::int64_t> before_id;
};

// InvalidArgument "Invalid cursor." unless absent or of the form above (see
// ParseCursorNumber for the id).
Result<IdCursor> ParseIdCursor(const std::optional<std::string>& cursor);

// The text of a cursor: its tag `kind` (e.g. 'a' after, 'b' before) and an id.
std::string IdCursorText(char kind, std::int64_t id);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(std::string_view s);

}  // namespace restock::api
