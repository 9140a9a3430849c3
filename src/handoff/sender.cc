#include "handoff/sender.h"

#include <algorithm>
#include <utility>

#include "core/crypto.h"
#include "handoff/answer.h"
#include "handoff/send_run.h"
#include "webhooks/curl_poster.h"

namespace restock::handoff {
namespace {

// A worker's kept-alive libcurl connection.
class CurlChannel final : public Channel {
 public:
  CurlChannel(const core::TargetPolicy& targets, const std::atomic<bool>* abandoned)
      : connection_(targets, kMaxAnswerBytes, "restock-handoff/1", abandoned) {}
  webhooks::PostResult Post(const std::string& url, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            UnixMicros timeout) override {
    return connection_.Post(url, body, headers, timeout);
  }

 private:
  webhooks::CurlConnection connection_;
};

}  // namespace

std::size_t ClaimBatchSize(int concurrency) {
  return std::clamp<std::size_t>(4 * static_cast<std::size_t>(std::max(1, concurrency)), 32, 256);
}

Sender::Sender(store::Database& db, const Clock& clock, core::TargetPolicy targets,
               placement::FlowOptions flow, metrics::Registry* registry)
    : Sender(db, clock, std::move(flow), registry,
             [targets = std::move(targets)](const std::atomic<bool>* abandoned) {
               return std::make_unique<CurlChannel>(targets, abandoned);
             }) {}

Sender::Sender(store::Database& db, const Clock& clock, placement::FlowOptions flow,
               metrics::Registry* registry, ChannelFactory channels)
    : db_(db),
      clock_(clock),
      channels_(std::move(channels)),
      flow_(std::move(flow)),
      registry_(registry),
      node_(RandomToken(9)) {}

Result<HandoffSummary> Sender::SendDue(const model::Merchant& merchant,
                                       const model::PlacementTarget& target, CivilDate day) {
  Run run(*this, merchant, target, day);
  return run.Execute();
}

}  // namespace restock::handoff
