// restock::core — hiding the password of a URL before it is printed (logs, error messages,
// --help defaults). Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace restock::core {

// `url` with the password of its user information (`scheme://user:PASSWORD@host/…`) and the
// value of every `password=` query parameter (libpq's URI form) replaced by "***". Anything
// else, including strings that are not URLs (a file path), is returned unchanged.
std::string RedactUrlPassword(std::string_view url);

}  // namespace restock::core
