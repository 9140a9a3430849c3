#include "http/response_wire.h"

#include <ostream>  // Boost 1.81's string_view (under status.hpp) needs it and omits it
#include <boost/beast/http/status.hpp>
#include <charconv>
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

bool HasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

bool AppendResponseHead(const Response& response, unsigned version, bool keep_alive,
                        std::string& out) {
  AppendStatusLine(response.status, version, out);
  AppendField("Server", "restock", out);
  if (!response.content_type.empty()) AppendField("Content-Type", response.content_type, out);
  for (const auto& [name, value] : response.headers) AppendField(name, value, out);
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

void AppendContinue(unsigned version, std::string& out) {
  AppendStatusLine(100, version, out);
  out += "\r\n";
}

}  // namespace restock::http
