// restock::webhooks — Poster over libcurl. The only file set of the project that includes
// curl/curl.h. Redirects are not followed (a receiver must answer at its URL) and the
// response body is read and discarded. Every address a request connects to (after name
// resolution, so DNS rebinding cannot slip past) must pass the target policy: a refused one
// fails the attempt with the policy's reason, without any connection being made.
// Thread-safety: Post may be called concurrently (one easy handle per call).
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

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

// One reused libcurl handle: successive Posts to the same host reuse its connection
// (keep-alive), and the response body is kept (up to `max_body` bytes; a longer one is read
// to its end and dropped: `body_too_large`, the body empty). A Content-Type among the headers replaces application/json; requests carry
// `User-Agent: <user_agent>`. Same target policy and redirect rules as CurlPoster. Not
// thread-safe: one per thread (the order hand-off's senders, handoff/sender.h).
class CurlConnection {
 public:
  CurlConnection(core::TargetPolicy targets, std::size_t max_body, std::string user_agent,
                 const std::atomic<bool>* abandoned = nullptr);
  ~CurlConnection();
  CurlConnection(const CurlConnection&) = delete;
  CurlConnection& operator=(const CurlConnection&) = delete;
  PostResult Post(const std::string& url, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  UnixMicros timeout);

 private:
  const core::TargetPolicy targets_;
  const std::size_t max_body_;
  const std::string user_agent_;
  const std::atomic<bool>* abandoned_;
  void* handle_ = nullptr;  // CURL*, created on first use
};

}  // namespace restock::webhooks
