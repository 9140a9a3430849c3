// OpenDatabase (--db) on every backend: whatever the URL names, the database it returns writes
// webhook deliveries with the events that cause them (it is wrapped in the outbox) and wakes
// the dispatcher after such a commit. Until 2026-11-27 a postgresql:// URL returned the bare
// backend: no outbox row was ever written on PostgreSQL, so no webhook was ever delivered.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/database_factory.h"
#include "store/postgres/admin.h"
#include "store/temp_dir.h"
#include "support/fake_clock.h"

namespace restock::app {
namespace {

using model::WebhookEventType;

std::optional<std::string> PostgresServerUrl() {
  const char* url = std::getenv("RESTOCK_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

// One empty database of the backend named by the parameter, removed afterwards.
class OpenDatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "Sqlite") {
      url_ = "sqlite:" + dir_.File("restock.db");
    } else {
      std::optional<std::string> server = PostgresServerUrl();
      if (!server) GTEST_SKIP() << "RESTOCK_TEST_PG_URL not set (scripts/test-postgres sets it)";
      server_ = *server;
      pg_name_ = "restock_app_test_" + std::to_string(::getpid());
      ASSERT_EQ(store::postgres::CreateDatabase(server_, pg_name_), Status::Ok());
      Result<std::string> url = store::postgres::UrlWithDatabase(server_, pg_name_);
      ASSERT_TRUE(url.ok()) << url.status().ToString();
      url_ = *url;
    }
    DatabaseSettings settings;
    settings.clock = &clock_;
    settings.on_webhooks_enqueued = [this] { ++wakes_; };
    Result<std::unique_ptr<store::Database>> db = OpenDatabase(url_, settings);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_EQ(db_->Migrate(), Status::Ok());
  }

  void TearDown() override {
    if (db_) db_->Shutdown();
    db_.reset();
    if (!pg_name_.empty()) (void)store::postgres::DropDatabase(server_, pg_name_);
  }

  // A merchant with product P1 (inventory 5) and an endpoint subscribed to stock.changed.
  void Seed() {
    ASSERT_EQ(db_->RunInTransaction([&](store::Transaction& tx) -> Status {
      model::Merchant m;
      m.public_id = "factory-test";
      m.name = "Factory test";
      m.hash_key = "hash-key";
      RESTOCK_ASSIGN_OR_RETURN(model::Merchant made, tx.merchants().Create(m));
      merchant_ = made.id;
      model::Product p;
      p.product_id = "P1";
      p.inventory = 5;
      std::vector<model::Product> products{p};
      RESTOCK_RETURN_IF_ERROR(tx.products().Insert(merchant_, products));
      model::WebhookEndpoint e;
      e.merchant_id = merchant_;
      e.url = "http://127.0.0.1:9/hook";
      e.events = {WebhookEventType::kStockChanged};
      e.secret = "whsec_factory_test";
      RESTOCK_ASSIGN_OR_RETURN(endpoint_, tx.webhook_endpoints().Create(e));
      return Status::Ok();
    }),
              Status::Ok());
  }

  std::vector<model::StockEvent> Event(std::int64_t from, std::int64_t to) {
    model::StockEvent e;
    e.merchant_id = merchant_;
    e.product_id = "P1";
    e.previous.inventory = from;
    e.current.inventory = to;
    e.created = clock_.NowMicros();
    return {e};
  }

  std::vector<model::WebhookDelivery> Outbox() {
    std::vector<model::WebhookDelivery> rows;
    EXPECT_EQ(db_->RunReadOnly([&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(rows, tx.webhook_outbox().ListForEndpoint(merchant_, endpoint_, 0,
                                                                          0, 100));
      return Status::Ok();
    }),
              Status::Ok());
    return rows;
  }

  store::testing::TempDir dir_;
  std::string server_, pg_name_, url_;
  restock::testing::FakeClock clock_;
  std::atomic<int> wakes_{0};
  std::unique_ptr<store::Database> db_;
  model::MerchantId merchant_ = 0;
  std::int64_t endpoint_ = 0;
};

TEST_P(OpenDatabaseTest, StockEventsWriteTheirWebhookDeliveriesInTheSameTransaction) {
  Seed();
  ASSERT_TRUE(Outbox().empty());
  ASSERT_EQ(wakes_.load(), 0);

  // RunInTransaction (handlers, CLI, placement).
  ASSERT_EQ(db_->RunInTransaction([&](store::Transaction& tx) -> Status {
    return tx.stock_events().Append(Event(5, 4));
  }),
            Status::Ok());
  std::vector<model::WebhookDelivery> rows = Outbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].type, WebhookEventType::kStockChanged);
  EXPECT_EQ(rows[0].status, model::DeliveryStatus::kPending);
  EXPECT_EQ(rows[0].created, clock_.NowMicros());  // stamped by the settings' clock
  EXPECT_NE(rows[0].body.find("\"P1\""), std::string::npos) << rows[0].body;
  EXPECT_EQ(wakes_.load(), 1);

  // Submit (the group-commit writer: stock updates over HTTP).
  std::promise<Status> done;
  db_->Submit([&](store::Transaction& tx) -> Status { return tx.stock_events().Append(Event(4, 3)); },
              [&](Status s) { done.set_value(std::move(s)); });
  ASSERT_EQ(done.get_future().get(), Status::Ok());
  EXPECT_EQ(Outbox().size(), 2u);
  EXPECT_EQ(wakes_.load(), 2);

  // A unit of work that fails leaves neither the event's deliveries nor a wake-up.
  EXPECT_FALSE(db_->RunInTransaction([&](store::Transaction& tx) -> Status {
                    RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append(Event(3, 2)));
                    return InvalidArgumentError("rolled back");
                  })
                   .ok());
  EXPECT_EQ(Outbox().size(), 2u);
  EXPECT_EQ(wakes_.load(), 2);
}

TEST(OpenDatabaseUrlTest, UnknownSchemesAndEmptyPathsAreInvalidArguments) {
  for (const char* url : {"mysql://db/x", "sqlite3://x.db", "http://x", "", "sqlite:"}) {
    auto db = OpenDatabase(url, {});
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << url;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OpenDatabaseTest, ::testing::Values("Sqlite", "Postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace restock::app
