#include "api/pagination.h"

#include <charconv>

namespace restock::api {

Result<std::size_t> PageSizeOf(const http::Request& request) {
  auto text = request.QueryParam("page_size");
  if (!text) return kDefaultPageSize;
  std::size_t size = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), size);
  if (ec != std::errc() || end != text->data() + text->size() || size < 1 || size > kMaxPageSize) {
    return InvalidArgumentError("page_size must be 1 to 100.");
  }
  return size;
}

std::optional<std::int64_t> ParseDecimal(std::string_view digits) {
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const char* last = digits.data() + digits.size();
  auto [end, ec] = std::from_chars(digits.data(), last, value);
  // Out of range (above INT64_MAX) is an error, not the first page.
  if (ec != std::errc() || end != last) return std::nullopt;
  return value;
}

std::optional<TaggedCursor> ParseTaggedCursor(std::string_view cursor, std::string_view tags) {
  if (cursor.empty() || tags.find(cursor[0]) == std::string_view::npos) return std::nullopt;
  const std::optional<std::int64_t> id = ParseDecimal(cursor.substr(1));
  if (!id) return std::nullopt;
  return TaggedCursor{cursor[0], *id};
}

Result<IdCursor> ParseIdCursor(const std::optional<std::string>& cursor) {
  IdCursor page;
  if (!cursor) return page;
  const std::optional<TaggedCursor> tagged = ParseTaggedCursor(*cursor, "ab");
  if (!tagged) return InvalidArgumentError("Invalid cursor.");
  if (tagged->tag == 'a') {
    page.after_id = tagged->id;
  } else {
    page.before_id = tagged->id;
  }
  return page;
}

// Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict) about `"a" + std::to_string(id)`.
std::string IdCursorText(char kind, std::int64_t id) {
  std::string cursor(1, kind);
  cursor += std::to_string(id);
  return cursor;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string PageLink(const http::Request& request, std::string_view cursor, std::size_t page_size,
                     std::initializer_list<std::string_view> keep) {
  // A path starting "//" would read as a link to another host; list routes start with a
  // literal segment, so this only guards against a route added without one.
  const std::size_t extra_slashes = request.path.find_first_not_of('/');
  std::string url = "/";
  if (extra_slashes != std::string::npos) {
    url += std::string_view(request.path).substr(extra_slashes);
  }
  url += "?cursor=";
  url += PercentEncode(cursor);
  url += "&page_size=";
  url += std::to_string(page_size);
  for (std::string_view name : keep) {
    if (auto v = request.QueryParam(name)) {
      url += '&';
      url += name;
      url += '=';
      url += PercentEncode(*v);
    }
  }
  return url;
}

}  // namespace restock::api
