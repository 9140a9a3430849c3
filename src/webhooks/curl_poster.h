// restock::webhooks — Poster over libcurl. The only file set of the project that includes
// curl/curl.h. Redirects are not followed (a receiver must answer at its URL) and the
// response body is read and discarded.
// Thread-safety: Post may be called concurrently (one easy handle per call).
#pragma once

#include "webhooks/poster.h"

namespace restock::webhooks {

class CurlPoster final : public Poster {
 public:
  // Initialises libcurl's global state once per process.
  CurlPoster();
  PostResult Post(const std::string& url, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  UnixMicros timeout) override;
};

}  // namespace restock::webhooks
