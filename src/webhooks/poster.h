// restock::webhooks — the outbound HTTP seam of the dispatcher: POST one body, report what
// came back. CurlPoster (curl_poster.h) is the real one; unit tests use a fake.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace restock::webhooks {

struct PostResult {
  std::optional<int> status_code;  // nullopt when no HTTP response arrived
  std::string error;               // transport error (timeout, refused, ...); empty otherwise
  bool abandoned = false;          // cut short by AbandonAll (shutdown), not the receiver's doing
  std::string body = {};           // the response body (CurlConnection only)
  bool body_too_large = false;     // a complete body over CurlConnection's limit, dropped
};

// Thread-safety: implementations must allow concurrent Post calls.
class Poster {
 public:
  virtual ~Poster() = default;
  // POSTs `body` (content-type application/json) with `headers` to `url`, giving up after
  // `timeout` (connect, send and the complete response). Never throws.
  virtual PostResult Post(const std::string& url, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          UnixMicros timeout) = 0;
  // Makes every Post in flight, and every later one, return at once with `abandoned` set
  // (for a bounded shutdown). Irreversible.
  virtual void AbandonAll() {}
};

}  // namespace restock::webhooks
