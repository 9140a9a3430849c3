#include "store/group_queue.h"

#include <algorithm>
#include <utility>

#include "core/status.h"
#include "core/thread_name.h"
#include "store/call_quietly.h"

namespace restock::store {

GroupQueue::GroupQueue(std::size_t max_group_works, CommitFn commit)
    : max_group_works_(max_group_works), commit_(std::move(commit)) {}

GroupQueue::~GroupQueue() { Shutdown(); }

void GroupQueue::Submit(Work work, WorkDone done, WorkLocks locks) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(work), std::move(done), std::move(locks)});
      // Started on first use so that processes which never Submit run no extra thread.
      if (!started_) {
        started_ = true;
        writer_ = std::thread([this] { WriterLoop(); });
      }
      cv_.notify_one();
      return;
    }
  }
  CallQuietly(done, UnavailableError("database is shut down"));
}

void GroupQueue::SetGroupObserver(Observer observer) {
  std::lock_guard<std::mutex> lock(mu_);
  observer_ = std::move(observer);
}

GroupQueue::Observer GroupQueue::observer() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observer_;
}

bool GroupQueue::writer_started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return started_;
}

void GroupQueue::Shutdown() {
  std::lock_guard<std::mutex> shutdown_lock(shutdown_mu_);
  std::thread writer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    writer = std::move(writer_);
    cv_.notify_all();
  }
  // The writer drains the queue before it exits.
  if (writer.joinable()) writer.join();
}

void GroupQueue::WriterLoop() {
  NameThisThread("restock-writer");
  for (;;) {
    std::vector<Pending> group;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued was handed over
      // Take whatever has accumulated; never wait for more (idle, a lone work commits now).
      std::size_t n = std::min(queue_.size(), max_group_works_);
      group.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_(std::move(group));
  }
}

}  // namespace restock::store
