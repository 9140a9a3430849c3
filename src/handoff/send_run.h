// restock::handoff — one Sender::SendDue (handoff/sender.h): a merchant's workers, the batch
// of claimed requests they share, and the answers waiting for their group commit. Internal
// to the sender.
//
// A worker that finds the batch running low claims the next one (one unit of work, then the
// documents in one read); the others keep sending. Each answer's record is submitted to the
// database's group commit and counted once durable. The run ends when a claim made with
// nothing outstanding finds nothing due (an out-of-stock answer's re-send is claimed before),
// or at the first store error, or on Abandon; requests still claimed then go back unsent.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "handoff/answer.h"
#include "handoff/document.h"
#include "handoff/outcomes.h"
#include "handoff/sender.h"

namespace restock::handoff {

class Sender::Run {
 public:
  Run(Sender& sender, const model::Merchant& merchant, const model::PlacementTarget& target,
      CivilDate day);

  // Runs `target.concurrency` workers until the run ends; returns once every claim it took
  // has ended durably (answered or released).
  Result<HandoffSummary> Execute();

 private:
  // A claimed request and its document (nullopt: the order is gone or no longer pending).
  struct Item {
    model::HandoffRequest request;
    std::string token;
    UnixMicros lease_until = 0;
    std::optional<DocumentInput> document;
  };
  // A durable answer, counted and logged outside the lock.
  struct Report {
    Recorded recorded;
    std::string code;  // the answer's code for the metrics
  };

  void Work(Channel& channel);
  // Whether a worker should claim now. REQUIRES: mu_ held.
  bool ShouldClaim() const;
  // Claims a batch and loads its documents, then queues it. REQUIRES: mu_ held (released
  // meanwhile).
  void ClaimAndQueue(std::unique_lock<std::mutex>& lock);
  Status ClaimBatch(std::vector<Item>& items);
  Status LoadDocuments(std::vector<Item>& items);
  void Send(Channel& channel, Item& item);
  webhooks::PostResult Post(Channel& channel, const DocumentInput& doc);
  // Submits the answer's record; `sent` when it was POSTed.
  void SubmitRecord(Item& item, const Answer& answer, bool sent);
  // Submits the end of the claims of `items`, unsent.
  void SubmitRelease(std::vector<Item> items);
  // Ends one outstanding claim's unit of work. Called by the database once it is durable.
  void Finished(const Status& status, std::optional<Report> report);
  // Counts and logs what was reported so far. REQUIRES: mu_ held (released meanwhile).
  void FlushReports(std::unique_lock<std::mutex>& lock);
  void Count(const Report& report, HandoffSummary& summary);

  Sender& s_;
  const model::Merchant& merchant_;
  const model::PlacementTarget& target_;
  const CivilDate day_;
  const std::size_t batch_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;        // claimed, not yet taken by a worker
  std::size_t outstanding_ = 0;   // claims not yet ended durably (queued, in flight, recording)
  bool claiming_ = false;
  bool last_claim_empty_ = false;  // wait for what is outstanding before claiming again
  bool finished_ = false;
  Status failure_;
  HandoffSummary summary_;
  std::vector<Report> reports_;
};

}  // namespace restock::handoff
