// StockEventFollower: `serve` hands on the stock events other processes commit, once each,
// including those that commit after an event with a higher id (PostgreSQL).
#include "placement/stock_event_follower.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::placement {
namespace {

using model::StockSource;

class StockEventFollowerTest : public ::testing::Test {
 protected:
  // Stores an event with a chosen id, as another process's commit would.
  void Commit(std::int64_t id, model::MerchantId merchant, const std::string& product,
              StockSource source = StockSource::kCli) {
    model::StockEvent e;
    e.id = id;
    e.merchant_id = merchant;
    e.product_id = product;
    e.previous.live = false;
    e.current.live = true;
    e.source = source;
    db_.state().stock_events.push_back(e);
  }

  // What the sink got since the last call: "merchant:product#id" in delivery order.
  std::vector<std::string> Take() { return std::exchange(got_, {}); }

  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  std::vector<std::string> got_;
  StockEventFollower follower_{
      db_, clock_,
      [this](model::MerchantId merchant, const std::vector<model::StockEvent>& events) {
        for (const auto& e : events) {
          got_.push_back(std::to_string(merchant) + ":" + e.product_id + "#" +
                         std::to_string(e.id));
        }
      },
      FollowerOptions{std::chrono::milliseconds(1000), std::chrono::milliseconds(10'000), 2}};
};

TEST_F(StockEventFollowerTest, HandsOnOnlyNewEventsOfOtherProcessesByMerchant) {
  Commit(1, 1, "OLD");
  ASSERT_TRUE(follower_.Seek().ok());
  Commit(2, 1, "A");
  Commit(3, 2, "B", StockSource::kFeed);
  Commit(4, 1, "C", StockSource::kApi);        // serve's own: handed on when it commits
  Commit(5, 1, "D", StockSource::kPlacement);  // likewise
  Commit(6, 1, "E");
  auto read = follower_.Poll();  // pages of 2: the head is read in three pages
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 5u);
  EXPECT_EQ(Take(), (std::vector<std::string>{"1:A#2", "1:E#6", "2:B#3"}));
  ASSERT_TRUE(follower_.Poll().ok());
  EXPECT_TRUE(Take().empty());  // nothing twice
}

TEST_F(StockEventFollowerTest, AnEventCommittedBelowTheHighestIdIsStillHandedOn) {
  ASSERT_TRUE(follower_.Seek().ok());
  Commit(1, 1, "A");
  Commit(4, 1, "D");  // ids 2 and 3 were taken by transactions still open
  ASSERT_TRUE(follower_.Poll().ok());
  EXPECT_EQ(Take(), (std::vector<std::string>{"1:A#1", "1:D#4"}));
  clock_.AdvanceSeconds(5);
  Commit(3, 1, "C");
  ASSERT_TRUE(follower_.Poll().ok());
  EXPECT_EQ(Take(), std::vector<std::string>{"1:C#3"});
  clock_.AdvanceSeconds(5);  // id 2 has been missing for the gap wait: given up
  ASSERT_TRUE(follower_.Poll().ok());
  Commit(2, 1, "B");
  Commit(5, 1, "E");
  ASSERT_TRUE(follower_.Poll().ok());
  EXPECT_EQ(Take(), std::vector<std::string>{"1:E#5"});
}

TEST_F(StockEventFollowerTest, AFailedReadLosesNothing) {
  ASSERT_TRUE(follower_.Seek().ok());
  Commit(1, 1, "A");
  db_.read_failure = UnavailableError("database down");
  EXPECT_FALSE(follower_.Poll().ok());
  db_.read_failure = Status::Ok();
  ASSERT_TRUE(follower_.Poll().ok());
  EXPECT_EQ(Take(), std::vector<std::string>{"1:A#1"});
}

TEST_F(StockEventFollowerTest, AFailedSeekStartsFromTheNewestEventOnTheFirstPoll) {
  Commit(1, 1, "OLD");
  db_.read_failure = UnavailableError("database down");
  EXPECT_FALSE(follower_.Seek().ok());
  db_.read_failure = Status::Ok();
  ASSERT_TRUE(follower_.Poll().ok());  // positions itself
  Commit(2, 1, "NEW");
  ASSERT_TRUE(follower_.Poll().ok());
  EXPECT_EQ(Take(), std::vector<std::string>{"1:NEW#2"});
}

}  // namespace
}  // namespace restock::placement
