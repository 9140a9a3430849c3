// restock::http — the one translation of a parsed Beast request into the plain Request the
// handlers see (message.h). Used by the session and by the HTTP fuzz target, so the fuzzer
// exercises exactly what the server hands to the router. Pure function, thread-safe.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "http/message.h"

namespace restock::http {

// Splits the target into path and query at the first '?', decodes the path's escapes of
// unreserved characters (DecodeUnreservedEscapes: "/%68ealthz" routes as "/healthz"; other
// escapes stay), lower-cases header names (keeping their order and values as sent) and moves
// the body out of `message`. `target` stays as sent.
Request RequestFromBeast(boost::beast::http::request<boost::beast::http::string_body>& message,
                         std::string remote_address);

}  // namespace restock::http
