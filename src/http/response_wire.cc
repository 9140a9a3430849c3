#include "http/response_wire.h"

#include <ostream>  // Boost 1.81's string_view (under status.hpp) needs it and omits it
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string_view>

namespace restock::http {
namespace {

void AppendNumber(std::size_t n, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

void AppendStatusLine(int status, unsigned version, std::string& out) {
  out += "HTTP/";
  AppendNumber(version / 10, out);
  out += '.';
  AppendNumber(version % 10, out);
  out += ' ';
  AppendNumber(static_cast<std::size_t>(status), out);
  out += ' ';
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
}

void AppendField(std::string_view name, std::string_view value, std::string& out) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The fields that frame the message are the renderer's alone: a handler's copy would
// contradict them (two Content-Lengths let a proxy and a client split the stream differently).
bool IsFramingField(std::string_view name) {
  return EqualsIgnoringCase(name, "content-length") ||
         EqualsIgnoringCase(name, "transfer-encoding") || EqualsIgnoringCase(name, "connection");
}

bool HasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

bool AppendResponseHead(const Response& response, unsigned version, bool keep_alive,
                        std::string_view date, std::string& out) {
  AppendStatusLine(response.status, version, out);
  AppendField("Server", "restock", out);
  if (!date.empty()) AppendField("Date", date, out);
  if (!response.content_type.empty()) AppendField("Content-Type", response.content_type, out);
  for (const auto& [name, value] : response.headers) {
    if (!IsFramingField(name)) AppendField(name, value, out);
  }
  const bool with_body = !HasNoBody(response.status);
  if (with_body) {
    out += "Content-Length: ";
    AppendNumber(response.body.size(), out);
    out += "\r\n";
  }
  if (version >= 11 && !keep_alive) AppendField("Connection", "close", out);
  if (version < 11 && keep_alive) AppendField("Connection", "keep-alive", out);
  out += "\r\n";
  return with_body;
}

std::string_view CurrentHttpDate() {
  struct Cache {
    std::time_t second = -1;
    char text[64] = {};
    std::size_t size = 0;
  };
  thread_local Cache cache;
  timespec now{};
  // The coarse clock is read from the vDSO: no system call, a few nanoseconds; its
  // resolution (a few ms) is far finer than the second a Date shows.
  clock_gettime(CLOCK_REALTIME_COARSE, &now);
  if (now.tv_sec != cache.second) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm utc{};
    gmtime_r(&now.tv_sec, &utc);
    const int n = std::snprintf(
        cache.text, sizeof cache.text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday],
        utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    cache.size = n > 0 ? static_cast<std::size_t>(n) : 0;
    cache.second = now.tv_sec;
  }
  return std::string_view(cache.text, cache.size);
}

void AppendContinue(unsigned version, std::string& out) {
  AppendStatusLine(100, version, out);
  out += "\r\n";
}

}  // namespace restock::http
