// GroupQueue, the group-commit queue and writer thread both backends share: arrival order,
// group sizes, no waiting for company, refusal after Shutdown, draining on Shutdown, the
// lazily started thread and the observer it holds. Real threads; no backend.
#include "store/group_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace restock::store {
namespace {

using namespace std::chrono_literals;

// Generous: only reached when the queue fails to hand works over at all.
constexpr auto kPatience = 30s;

Work NoWork() {
  return [](Transaction&) { return Status::Ok(); };
}

// A commit callback that records every group and answers its works in order, optionally
// holding the first group until released (so that what is submitted meanwhile queues up).
class Committer {
 public:
  explicit Committer(bool hold_first = false) : hold_first_(hold_first) {
    released_ = release_.get_future().share();
  }

  GroupQueue::CommitFn Fn() {
    return [this](std::vector<GroupQueue::Pending> group) {
      bool hold = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        sizes_.push_back(group.size());
        threads_.push_back(std::this_thread::get_id());
        hold = hold_first_ && sizes_.size() == 1;
      }
      if (hold) {
        entered_.set_value();
        released_.wait();
      }
      // Observed before the works are answered, so that a test which saw a work answered
      // knows its group was observed.
      if (queue_ != nullptr) {
        if (GroupQueue::Observer observer = queue_->observer()) observer(group.size());
      }
      for (GroupQueue::Pending& pending : group) pending.done(Status::Ok());
    };
  }

  // Makes the callback call `queue`'s current observer for each group, as a backend does.
  void CallObserverOf(const GroupQueue* queue) { queue_ = queue; }

  // Submits a work whose `done` records `id` (and its status) once answered.
  void Submit(GroupQueue& queue, int id) {
    queue.Submit(NoWork(), [this, id](Status status) {
      std::lock_guard<std::mutex> lock(mu_);
      done_ids_.push_back(id);
      statuses_.push_back(std::move(status));
      cv_.notify_all();
    });
  }

  void WaitUntilHolding() { entered_.get_future().wait(); }
  void Release() { release_.set_value(); }

  // Whether `n` works were answered within kPatience.
  bool WaitForDone(std::size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kPatience, [&] { return done_ids_.size() >= n; });
  }

  std::size_t done_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return done_ids_.size();
  }
  std::vector<int> done_ids() const {
    std::lock_guard<std::mutex> lock(mu_);
    return done_ids_;
  }
  std::vector<std::size_t> sizes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sizes_;
  }
  std::vector<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }
  std::vector<Status> statuses() const {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_;
  }

 private:
  const bool hold_first_;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_;
  const GroupQueue* queue_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::size_t> sizes_;
  std::vector<std::thread::id> threads_;
  std::vector<int> done_ids_;
  std::vector<Status> statuses_;
};

// Submits probes until one is refused, which proves Shutdown has begun. Returns how many
// were accepted (queued before Shutdown began; their `done` records nothing).
int SubmitUntilRefused(GroupQueue& queue) {
  int accepted = 0;
  for (;;) {
    auto refused = std::make_shared<std::atomic<bool>>(false);
    queue.Submit(NoWork(), [refused](Status status) {
      if (status.code() == StatusCode::kUnavailable) *refused = true;
    });
    if (*refused) return accepted;  // a refusal is answered at once, on this thread
    ++accepted;
    std::this_thread::yield();
  }
}

TEST(GroupQueueTest, ALoneWorkIsCommittedAtOnceOnTheWriterThread) {
  Committer committer;
  GroupQueue queue(8, committer.Fn());
  committer.Submit(queue, 0);
  // Nothing else is ever submitted: a queue waiting for company would never answer.
  ASSERT_TRUE(committer.WaitForDone(1));
  EXPECT_EQ(committer.sizes(), std::vector<std::size_t>{1});
  ASSERT_EQ(committer.threads().size(), 1u);
  EXPECT_NE(committer.threads()[0], std::this_thread::get_id());
  EXPECT_TRUE(committer.statuses()[0].ok());
}

TEST(GroupQueueTest, TakesWhatQueuedInArrivalOrderAtMostMaxPerGroup) {
  Committer committer(/*hold_first=*/true);
  GroupQueue queue(4, committer.Fn());
  committer.Submit(queue, 0);
  committer.WaitUntilHolding();
  for (int id = 1; id <= 37; ++id) committer.Submit(queue, id);
  committer.Release();
  ASSERT_TRUE(committer.WaitForDone(38));

  std::vector<int> expected_ids;
  for (int id = 0; id <= 37; ++id) expected_ids.push_back(id);
  EXPECT_EQ(committer.done_ids(), expected_ids);
  // The held work alone, then the 37 queued meanwhile in full groups of 4 and the rest.
  std::vector<std::size_t> expected_sizes{1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1};
  EXPECT_EQ(committer.sizes(), expected_sizes);
  // One writer thread for all groups.
  for (std::thread::id id : committer.threads()) EXPECT_EQ(id, committer.threads()[0]);
}

TEST(GroupQueueTest, ConcurrentSubmittersKeepTheirOwnOrder) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 300;
  constexpr std::size_t kMax = 8;
  Committer committer;
  GroupQueue queue(kMax, committer.Fn());
  std::vector<std::thread> submitters;
  for (int t = 0; t < kThreads; ++t) {
    submitters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) committer.Submit(queue, t * kPerThread + i);
    });
  }
  for (std::thread& s : submitters) s.join();
  ASSERT_TRUE(committer.WaitForDone(kThreads * kPerThread));

  std::vector<int> next(kThreads, 0);  // each submitter's works come in its own order
  for (int id : committer.done_ids()) {
    int t = id / kPerThread;
    EXPECT_EQ(id % kPerThread, next[t]) << "submitter " << t;
    next[t] = id % kPerThread + 1;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kPerThread);
  std::size_t total = 0;
  for (std::size_t size : committer.sizes()) {
    EXPECT_GE(size, 1u);
    EXPECT_LE(size, kMax);
    total += size;
  }
  EXPECT_EQ(total, std::size_t{kThreads * kPerThread});
}

TEST(GroupQueueTest, SubmitAfterShutdownIsRefusedOnTheCallingThread) {
  Committer committer;
  GroupQueue queue(8, committer.Fn());
  committer.Submit(queue, 0);
  ASSERT_TRUE(committer.WaitForDone(1));
  queue.Shutdown();

  committer.Submit(queue, 1);
  // Answered before Submit returned, without reaching the commit callback.
  ASSERT_EQ(committer.done_count(), 2u);
  Status refused = committer.statuses()[1];
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.message(), "database is shut down");
  EXPECT_EQ(committer.sizes(), std::vector<std::size_t>{1});

  // A `done` that throws does not escape into the caller.
  EXPECT_NO_THROW(queue.Submit(NoWork(), [](Status) { throw std::runtime_error("boom"); }));
  queue.Submit(NoWork(), nullptr);  // nor does a missing one break anything
  EXPECT_EQ(committer.sizes(), std::vector<std::size_t>{1});
}

TEST(GroupQueueTest, ShutdownCommitsEverythingQueuedBeforeReturning) {
  Committer committer(/*hold_first=*/true);
  GroupQueue queue(4, committer.Fn());
  committer.Submit(queue, 0);
  committer.WaitUntilHolding();
  for (int id = 1; id <= 20; ++id) committer.Submit(queue, id);

  std::atomic<std::size_t> done_at_return{0};
  std::thread stopper([&] {
    queue.Shutdown();
    done_at_return = committer.done_count();
  });
  // Shutdown has begun (it refuses) while the writer is still held with works queued.
  int probes = SubmitUntilRefused(queue);
  std::vector<std::size_t> sizes_before_release = committer.sizes();
  committer.Release();
  stopper.join();

  EXPECT_EQ(sizes_before_release, std::vector<std::size_t>{1});
  EXPECT_EQ(done_at_return.load(), 21u);  // every work answered before Shutdown returned
  std::size_t committed = 0;
  for (std::size_t size : committer.sizes()) committed += size;
  EXPECT_EQ(committed, 21u + static_cast<std::size_t>(probes));
}

TEST(GroupQueueTest, ConcurrentShutdownsBothReturnAfterTheDrain) {
  Committer committer(/*hold_first=*/true);
  GroupQueue queue(2, committer.Fn());
  committer.Submit(queue, 0);
  committer.WaitUntilHolding();
  for (int id = 1; id <= 9; ++id) committer.Submit(queue, id);

  std::atomic<std::size_t> first{0};
  std::atomic<std::size_t> second{0};
  std::thread a([&] {
    queue.Shutdown();
    first = committer.done_count();
  });
  std::thread b([&] {
    queue.Shutdown();
    second = committer.done_count();
  });
  (void)SubmitUntilRefused(queue);
  committer.Release();
  a.join();
  b.join();
  // Only the works submitted through the committer count (the probes record nothing).
  EXPECT_EQ(first.load(), 10u);
  EXPECT_EQ(second.load(), 10u);
  queue.Shutdown();  // and once more, after the writer is gone
  EXPECT_EQ(committer.done_count(), 10u);
}

TEST(GroupQueueTest, ShutdownWithoutAnySubmitStartsNoThreadAndIsIdempotent) {
  Committer committer;
  {
    GroupQueue queue(8, committer.Fn());
    EXPECT_FALSE(queue.writer_started());
    queue.Shutdown();
    queue.Shutdown();
    EXPECT_FALSE(queue.writer_started());
    committer.Submit(queue, 0);  // refused: no thread is started for it either
    EXPECT_FALSE(queue.writer_started());
  }  // the destructor shuts down once more
  EXPECT_TRUE(committer.sizes().empty());
  ASSERT_EQ(committer.statuses().size(), 1u);
  EXPECT_EQ(committer.statuses()[0].code(), StatusCode::kUnavailable);
}

TEST(GroupQueueTest, TheWriterStartsOnTheFirstSubmit) {
  Committer committer;
  GroupQueue queue(8, committer.Fn());
  EXPECT_FALSE(queue.writer_started());
  committer.Submit(queue, 0);
  EXPECT_TRUE(queue.writer_started());
  ASSERT_TRUE(committer.WaitForDone(1));
  queue.Shutdown();
  EXPECT_TRUE(queue.writer_started());  // it was started, even if it has exited since
}

TEST(GroupQueueTest, TheObserverSeesEachGroupsSize) {
  Committer committer(/*hold_first=*/true);
  GroupQueue queue(3, committer.Fn());
  EXPECT_FALSE(queue.observer());  // none until set
  std::mutex mu;
  std::vector<std::size_t> observed;
  queue.SetGroupObserver([&](std::size_t works) {
    std::lock_guard<std::mutex> lock(mu);
    observed.push_back(works);
  });
  committer.CallObserverOf(&queue);
  committer.Submit(queue, 0);
  committer.WaitUntilHolding();
  for (int id = 1; id <= 7; ++id) committer.Submit(queue, id);
  committer.Release();
  ASSERT_TRUE(committer.WaitForDone(8));
  queue.Shutdown();  // the last group's observer call has returned too
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(observed, (std::vector<std::size_t>{1, 3, 3, 1}));
  EXPECT_EQ(observed, committer.sizes());
}

TEST(GroupQueueTest, ReplacingTheObserverTakesEffectForLaterGroups) {
  Committer committer;
  GroupQueue queue(8, committer.Fn());
  committer.CallObserverOf(&queue);
  std::atomic<int> old_calls{0};
  std::atomic<int> new_calls{0};
  queue.SetGroupObserver([&](std::size_t) { ++old_calls; });
  committer.Submit(queue, 0);
  ASSERT_TRUE(committer.WaitForDone(1));
  // Replaced from another thread than the writer's while it may be running.
  std::thread setter([&] { queue.SetGroupObserver([&](std::size_t) { ++new_calls; }); });
  setter.join();
  committer.Submit(queue, 1);
  ASSERT_TRUE(committer.WaitForDone(2));
  queue.Shutdown();
  EXPECT_EQ(old_calls.load(), 1);
  EXPECT_EQ(new_calls.load(), 1);
}

}  // namespace
}  // namespace restock::store
