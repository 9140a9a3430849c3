// restock::webhooks — Poster over libcurl. The only file set of the project that includes
// curl/curl.h. Redirects are not followed (a receiver must answer at its URL) and the
// response body is read and discarded. Every address a request connects to (after name
// resolution, so DNS rebinding cannot slip past) must pass the target policy: a refused one
// fails the attempt with the policy's reason, without any connection being made.
// Thread-safety: Post may be called concurrently (one easy handle per call).
#pragma once

#include <atomic>

#include "core/target_policy.h"
#include "webhooks/poster.h"

namespace restock::webhooks {

class CurlPoster final : public Poster {
 public:
  // Initialises libcurl's global state once per process.
  explicit CurlPoster(core::TargetPolicy targets = {});
  PostResult Post(const std::string& url, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  UnixMicros timeout) override;
  void AbandonAll() override { abandoned_.store(true); }

 private:
  const core::TargetPolicy targets_;
  std::atomic<bool> abandoned_{false};
};

}  // namespace restock::webhooks
