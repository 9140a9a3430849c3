// restock::http — the bytes of one HTTP/1.x response head, written straight into a reusable
// buffer. The session sends head and body with one gathered write instead of building a Beast
// message (a heap node per header field) and walking it with Beast's serializer: per-request
// costs on the hot path
// (docs/decisions.md, "Responses rendered directly"). The output is byte for byte what Beast
// writes for the same message (tests/http/response_wire_test.cc checks it against Beast),
// except that 204 and 304 get no Content-Length (RFC 9110 §8.6; Beast 1.81 writes 0).
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace restock::http {

// Appends to `out` the head of the response: the status line (HTTP/`version` / 10, Beast's
// reason phrase), `Server: restock`, `Date: <date>` when `date` is not empty (an IMF-fixdate,
// see CurrentHttpDate), Content-Type when set, `response.headers` in order
// (except Content-Length, Transfer-Encoding and Connection, which only the renderer writes),
// Content-Length (none for 1xx, 204 and 304, which carry no body), then `Connection: close`
// (HTTP/1.1 and later, when !keep_alive) or `Connection: keep-alive` (HTTP/1.0, when
// keep_alive), and the blank line. Returns whether `response.body` follows on the wire
// (false for 1xx, 204 and 304); the caller sends it as is, so it is never copied.
// REQUIRES: 100 <= response.status <= 999; header names and values are safe (no CR, LF, NUL,
// no ':' or blanks in names) — the session filters them.
bool AppendResponseHead(const Response& response, unsigned version, bool keep_alive,
                        std::string_view date, std::string& out);

// The current time as an HTTP date (IMF-fixdate, RFC 9110 §5.6.7), e.g.
// "Sun, 06 Nov 1994 08:49:37 GMT". Formatted at most once per second per thread: a call
// reads the coarse real-time clock (no system call on Linux) and returns the thread's cached
// text while the second has not changed. The view stays valid on the calling thread until
// its next call.
std::string_view CurrentHttpDate();

// Appends the interim "100 Continue" of an `Expect: 100-continue` request.
void AppendContinue(unsigned version, std::string& out);

}  // namespace restock::http
