// Shared fixture of the parameterised storage suites: a fresh, migrated database of the
// backend under test, and helpers to write and read through units of work.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/merchant.h"
#include "model/product.h"
#include "store/backend.h"
#include "store/database.h"
#include "support/fake_clock.h"

namespace restock::store::testing {

// Names each instantiation after its backend, e.g. "Backends/StoreRepoTest.X/Sqlite".
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& param) {
  return param.param.name;
}

class DatabaseFixture : public ::testing::TestWithParam<Backend> {
 protected:
  // Skips (see Backend::skip) before touching the backend; derived fixtures check IsSkipped().
  void SetUp() override {
    if (!GetParam().skip.empty()) GTEST_SKIP() << GetParam().skip;
    instance_ = GetParam().make();
    Reopen();
    if (HasFatalFailure()) return;
    ASSERT_EQ(db_->Migrate(), Status::Ok());
  }

  void TearDown() override {
    db_.reset();  // before the clock it borrows and the storage it lives in
    instance_.reset();
  }

  // Closes the database (if open) and opens it again.
  void Reopen() {
    db_.reset();
    Result<std::unique_ptr<Database>> db = instance_->Open(clock_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  static model::Merchant MakeMerchant(std::string public_id) {
    model::Merchant m;
    m.public_id = std::move(public_id);
    m.name = "Shop " + m.public_id;
    m.hash_key = "hash-key-" + m.public_id;
    m.timezone = "America/New_York";
    m.oos_policy = model::OosPolicy::kHold;
    m.placement_minute = 4 * 60 + 30;
    m.created = 1'700'000'000'000'000;
    return m;
  }

  // Creates a merchant and returns its id; fails the test on error.
  model::MerchantId CreateMerchant(const std::string& public_id) {
    model::MerchantId id = 0;
    Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
      Result<model::Merchant> created = tx.merchants().Create(MakeMerchant(public_id));
      if (!created.ok()) return created.status();
      id = created->id;
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return id;
  }

  static model::Product MakeProduct(std::string product_id) {
    model::Product p;
    p.product_id = std::move(product_id);
    p.sku = "SKU-" + p.product_id;
    p.name = "Product " + p.product_id;
    p.price_cents = 1299;
    p.image_url = "https://example.com/" + p.product_id + ".png";
    p.detail_url = "https://example.com/" + p.product_id;
    p.inventory = 10;
    p.low_stock_threshold = 2;
    p.created = 1'700'000'000'000'000;
    p.last_update = 1'700'000'000'000'001;
    return p;
  }

  Status InsertProducts(model::MerchantId merchant, const std::vector<model::Product>& products) {
    return db_->RunInTransaction(
        [&](Transaction& tx) { return tx.products().Insert(merchant, products); });
  }

  // Reads one product in a read-only unit of work; fails the test on error.
  std::optional<model::Product> ReadProduct(model::MerchantId merchant,
                                            const std::string& product_id) {
    std::optional<model::Product> found;
    Status status = db_->RunReadOnly([&](Transaction& tx) -> Status {
      Result<std::optional<model::Product>> product = tx.products().Find(merchant, product_id);
      if (!product.ok()) return product.status();
      found = std::move(product).value();
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return found;
  }

  restock::testing::FakeClock clock_;
  std::unique_ptr<BackendInstance> instance_;
  std::unique_ptr<Database> db_;
};

}  // namespace restock::store::testing
