#include "store/sqlite/wal_syncer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/thread_name.h"

namespace restock::store::sqlite {
namespace {

// True on the syncer's own thread: completions run there and must never wait for the
// syncer (they would wait for themselves).
thread_local bool t_on_syncer = false;

}  // namespace

WalSyncer::WalSyncer(SyncFn sync) : sync_(std::move(sync)), thread_([this] { Loop(); }) {}

WalSyncer::~WalSyncer() { Stop(); }

std::uint64_t WalSyncer::BeginCommit() { return begun_.fetch_add(1) + 1; }

void WalSyncer::Enqueue(std::uint64_t committed_seq, Completion complete) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(Entry{committed_seq, std::move(complete)});
  }
  work_cv_.notify_one();
}

Status WalSyncer::WaitForBegunCommits() {
  if (t_on_syncer) return Status::Ok();
  // Read after the caller's reads: every commit they could have seen was begun by now.
  const std::uint64_t target = begun_.load();
  std::unique_lock<std::mutex> lock(mu_);
  durable_cv_.wait(lock, [&] { return durable_ >= target || !failure_.ok() || stopped_; });
  return failure_;
}

Status WalSyncer::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

void WalSyncer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopping_ = true;
  }
  work_cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  durable_cv_.notify_all();
}

void WalSyncer::Loop() {
  NameThisThread("restock-walsync");
  t_on_syncer = true;
  for (;;) {
    std::vector<Entry> batch;
    Status failure;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything enqueued is complete
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      failure = failure_;
    }
    // Entries arrive in commit order: the last committed one covers all the others.
    std::uint64_t seq = 0;
    for (const Entry& e : batch) seq = std::max(seq, e.seq);
    if (seq != 0 && failure.ok()) {
      failure = sync_();
      if (!failure.ok()) spdlog::critical("{}", failure.message());  // once: it is sticky
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      failure_ = failure;
      durable_ = std::max(durable_, seq);
    }
    durable_cv_.notify_all();
    for (Entry& e : batch) e.complete(failure);
  }
}

namespace {

Status SyncError(const char* call, const std::string& path, int err) {
  return UnavailableError(std::string("database: ") + call + " of " + path + " failed (" +
                          std::strerror(err) +
                          "); commits since the last good sync are not known to be durable: "
                          "restart restock to recover from the write-ahead log");
}

// Owned by the SyncFn; used on the syncer thread only.
struct OpenFile {
  std::string path;
  int fd = -1;
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

WalSyncer::SyncFn FileSync(std::string path) {
  auto file = std::make_shared<OpenFile>();
  file->path = std::move(path);
  return [file]() -> Status {
    struct stat by_path {};
    if (::stat(file->path.c_str(), &by_path) != 0) return SyncError("stat", file->path, errno);
    struct stat by_fd {};
    if (file->fd >= 0 && (::fstat(file->fd, &by_fd) != 0 || by_fd.st_ino != by_path.st_ino ||
                          by_fd.st_dev != by_path.st_dev)) {
      ::close(file->fd);
      file->fd = -1;
    }
    if (file->fd < 0) {
      file->fd = ::open(file->path.c_str(), O_RDONLY | O_CLOEXEC);
      if (file->fd < 0) return SyncError("open", file->path, errno);
    }
    if (::fdatasync(file->fd) != 0) return SyncError("fdatasync", file->path, errno);
    return Status::Ok();
  };
}

}  // namespace restock::store::sqlite
