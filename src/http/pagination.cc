#include "http/pagination.h"

#include <charconv>

namespace restock::http {

Result<std::size_t> PageSizeOf(const Request& request) {
  auto text = request.QueryParam("page_size");
  if (!text) return kDefaultPageSize;
  std::size_t size = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), size);
  if (ec != std::errc() || end != text->data() + text->size() || size < 1 || size > kMaxPageSize) {
    return InvalidArgumentError("page_size must be 1 to 100.");
  }
  return size;
}

Result<IdCursor> ParseIdCursor(const std::optional<std::string>& cursor) {
  IdCursor page;
  if (!cursor) return page;
  std::int64_t id = 0;
  const char* first = cursor->data() + 1;
  const char* last = cursor->data() + cursor->size();
  const bool valid = cursor->size() > 1 && ((*cursor)[0] == 'a' || (*cursor)[0] == 'b') &&
                     std::from_chars(first, last, id).ptr == last && id >= 0;
  if (!valid) return InvalidArgumentError("Invalid cursor.");
  if ((*cursor)[0] == 'a') {
    page.after_id = id;
  } else {
    page.before_id = id;
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

std::string PageLink(const Request& request, std::string_view cursor, std::size_t page_size,
                     std::initializer_list<std::string_view> keep) {
  std::string url = "http://";
  url += request.Header("host").value_or("localhost");
  url += request.path;
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

}  // namespace restock::http
