// The second stage of the pipelined group commit: completions only after the flush, readers
// held until what they may have seen is flushed, one flush for several groups, sticky
// failure.
#include "store/sqlite/wal_syncer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "store/temp_dir.h"

namespace restock::store::sqlite {
namespace {

using namespace std::chrono_literals;
using store::testing::TempDir;

// A SyncFn that counts its calls and, while held, blocks until released.
class GatedSync {
 public:
  WalSyncer::SyncFn Fn() {
    return [this] {
      ++calls_;
      entered_.set_value_once();
      gate_.wait();
      return result_;
    };
  }
  void Fail(Status s) { result_ = std::move(s); }
  void Release() { release_.set_value(); }
  // Waits until the first flush has started (and is held).
  void WaitEntered() { entered_.future.wait(); }
  int calls() const { return calls_; }

 private:
  struct Once {
    std::promise<void> promise;
    std::shared_future<void> future = promise.get_future().share();
    std::atomic<bool> set{false};
    void set_value_once() {
      if (!set.exchange(true)) promise.set_value();
    }
  };
  std::atomic<int> calls_{0};
  Once entered_;
  std::promise<void> release_;
  std::shared_future<void> gate_ = release_.get_future().share();
  Status result_;
};

std::future<Status> EnqueueForStatus(WalSyncer& syncer, std::uint64_t seq) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> future = promise->get_future();
  syncer.Enqueue(seq, [promise](Status s) { promise->set_value(std::move(s)); });
  return future;
}

TEST(WalSyncerTest, CompletesACommitOnlyAfterItsFlush) {
  GatedSync sync;
  WalSyncer syncer(sync.Fn());
  std::future<Status> done = EnqueueForStatus(syncer, syncer.BeginCommit());
  sync.WaitEntered();
  EXPECT_EQ(done.wait_for(50ms), std::future_status::timeout);
  sync.Release();
  EXPECT_EQ(done.get(), Status::Ok());
  EXPECT_EQ(sync.calls(), 1);
}

TEST(WalSyncerTest, ReadersWaitForEveryCommitBegunBeforeThem) {
  GatedSync sync;
  WalSyncer syncer(sync.Fn());
  std::uint64_t seq = syncer.BeginCommit();  // committed and visible, not yet enqueued
  std::future<Status> reader =
      std::async(std::launch::async, [&syncer] { return syncer.WaitForBegunCommits(); });
  EXPECT_EQ(reader.wait_for(50ms), std::future_status::timeout);
  std::future<Status> done = EnqueueForStatus(syncer, seq);
  sync.WaitEntered();
  EXPECT_EQ(reader.wait_for(50ms), std::future_status::timeout);  // flushing, not flushed
  sync.Release();
  EXPECT_EQ(reader.get(), Status::Ok());
  EXPECT_EQ(done.get(), Status::Ok());
}

TEST(WalSyncerTest, ReaderWithNothingBegunDoesNotWait) {
  GatedSync sync;
  WalSyncer syncer(sync.Fn());
  EXPECT_EQ(syncer.WaitForBegunCommits(), Status::Ok());
  EXPECT_EQ(sync.calls(), 0);
  sync.Release();
}

TEST(WalSyncerTest, OneFlushCoversTheGroupsCommittedDuringTheLast) {
  GatedSync sync;
  WalSyncer syncer(sync.Fn());
  std::future<Status> first = EnqueueForStatus(syncer, syncer.BeginCommit());
  sync.WaitEntered();  // the first flush is under way; three more groups commit meanwhile
  std::vector<std::future<Status>> later;
  for (int i = 0; i < 3; ++i) later.push_back(EnqueueForStatus(syncer, syncer.BeginCommit()));
  sync.Release();
  EXPECT_EQ(first.get(), Status::Ok());
  for (auto& f : later) EXPECT_EQ(f.get(), Status::Ok());
  EXPECT_EQ(sync.calls(), 2);
}

TEST(WalSyncerTest, GroupThatCommittedNothingCompletesWithoutAFlush) {
  GatedSync sync;
  WalSyncer syncer(sync.Fn());
  EXPECT_EQ(EnqueueForStatus(syncer, 0).get(), Status::Ok());
  EXPECT_EQ(sync.calls(), 0);
  sync.Release();
}

TEST(WalSyncerTest, FailedFlushIsStickyForCompletionsAndReaders) {
  GatedSync sync;
  sync.Fail(UnavailableError("disk gone"));
  sync.Release();
  WalSyncer syncer(sync.Fn());
  EXPECT_EQ(EnqueueForStatus(syncer, syncer.BeginCommit()).get(), UnavailableError("disk gone"));
  EXPECT_EQ(syncer.failure(), UnavailableError("disk gone"));
  // A later commit is never reported durable, and no flush is tried again (after a failed
  // fsync, a second one may succeed without the lost pages).
  EXPECT_EQ(EnqueueForStatus(syncer, syncer.BeginCommit()).get(), UnavailableError("disk gone"));
  EXPECT_EQ(syncer.WaitForBegunCommits(), UnavailableError("disk gone"));
  EXPECT_EQ(sync.calls(), 1);
}

TEST(WalSyncerTest, FailedFlushIsLoggedOnceAtCriticalLevel) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_pattern("%l %v");
  spdlog::set_default_logger(logger);
  {
    GatedSync sync;
    sync.Fail(UnavailableError("fdatasync of db-wal failed"));
    sync.Release();
    WalSyncer syncer(sync.Fn());
    EnqueueForStatus(syncer, syncer.BeginCommit()).wait();
    EnqueueForStatus(syncer, syncer.BeginCommit()).wait();
  }
  spdlog::set_default_logger(previous);
  EXPECT_EQ(log.str(), "critical fdatasync of db-wal failed\n");
}

TEST(WalSyncerTest, CompletionMayWaitWithoutDeadlock) {
  GatedSync sync;
  sync.Release();
  WalSyncer syncer(sync.Fn());
  std::uint64_t first = syncer.BeginCommit();
  std::promise<Status> waited;
  std::future<Status> result = waited.get_future();
  syncer.Enqueue(first, [&](Status) {
    syncer.BeginCommit();  // a later commit, not enqueued yet: a reader elsewhere would wait
    waited.set_value(syncer.WaitForBegunCommits());
  });
  ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(result.get(), Status::Ok());
}

TEST(WalSyncerTest, StopCompletesEverythingEnqueued) {
  GatedSync sync;
  sync.Release();
  std::atomic<int> completed{0};
  {
    WalSyncer syncer(sync.Fn());
    for (int i = 0; i < 100; ++i) {
      syncer.Enqueue(syncer.BeginCommit(), [&completed](Status) { ++completed; });
    }
    syncer.Stop();
    EXPECT_EQ(completed.load(), 100);
    EXPECT_EQ(syncer.WaitForBegunCommits(), Status::Ok());  // after Stop: returns at once
  }
}

TEST(FileSyncTest, FlushesAnExistingFileAndReportsAMissingOne) {
  TempDir dir;
  std::string path = dir.File("db-wal");
  std::ofstream(path) << "frames";
  EXPECT_EQ(FileSync(path)(), Status::Ok());

  WalSyncer::SyncFn missing = FileSync(dir.File("nothing-wal"));
  Status status = missing();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("nothing-wal"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("restart"), std::string::npos) << status.ToString();
}

TEST(FileSyncTest, FollowsTheFileWhenThePathIsReplaced) {
  TempDir dir;
  std::string path = dir.File("db-wal");
  std::ofstream(path) << "old";
  WalSyncer::SyncFn sync = FileSync(path);
  ASSERT_EQ(sync(), Status::Ok());
  std::filesystem::remove(path);
  EXPECT_EQ(sync().code(), StatusCode::kUnavailable);  // gone: not the stale descriptor's OK
  std::ofstream(path) << "new";
  EXPECT_EQ(sync(), Status::Ok());
}

}  // namespace
}  // namespace restock::store::sqlite
