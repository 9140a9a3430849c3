// Product listings and stock-history pages (GET /products/, GET /products/{id}/stock-history/),
// run against every backend.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/database_fixture.h"

namespace restock::store::testing {
namespace {

ProductPage Forward(std::string after, std::size_t limit = 10) {
  ProductPage page;
  page.after = std::move(after);
  page.limit = limit;
  return page;
}

ProductPage Backward(std::string before, std::size_t limit = 10) {
  ProductPage page;
  page.before = std::move(before);
  page.limit = limit;
  return page;
}

ProductFilter Filter(std::optional<bool> live, std::optional<bool> discontinued,
                     std::string search = "") {
  ProductFilter filter;
  filter.live = live;
  filter.discontinued = discontinued;
  filter.search = std::move(search);
  return filter;
}

ProductFilter Search(std::string search) { return Filter(std::nullopt, std::nullopt, search); }

StockEventPage Older(std::optional<std::int64_t> older_than, std::size_t limit) {
  StockEventPage page;
  page.older_than = older_than;
  page.limit = limit;
  return page;
}

StockEventPage Newer(std::int64_t newer_than, std::size_t limit) {
  StockEventPage page;
  page.newer_than = newer_than;
  page.limit = limit;
  return page;
}

class StoreProductListTest : public DatabaseFixture {
 protected:
  // The product ids of one List call; fails the test on error.
  std::vector<std::string> ListIds(model::MerchantId m, const ProductFilter& filter,
                                   const ProductPage& page) {
    std::vector<std::string> ids;
    Status status = db_->RunReadOnly([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(auto products, tx.products().List(m, filter, page));
      for (const auto& p : products) ids.push_back(p.product_id);
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return ids;
  }

  std::vector<std::int64_t> EventIds(model::MerchantId m, const std::string& product_id,
                                     const StockEventPage& page) {
    std::vector<std::int64_t> ids;
    Status status = db_->RunReadOnly([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(auto events, tx.stock_events().ListPage(m, product_id, page));
      for (const auto& e : events) {
        EXPECT_EQ(e.product_id, product_id);
        EXPECT_EQ(e.merchant_id, m);
        ids.push_back(e.id);
      }
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return ids;
  }
};

TEST_P(StoreProductListTest, PagesForwardAndBackwardInProductIdOrder) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  std::vector<model::Product> products;
  for (const char* id : {"p3", "p1", "p5", "p2", "p4"}) products.push_back(MakeProduct(id));
  ASSERT_EQ(InsertProducts(a, products), Status::Ok());
  ASSERT_EQ(InsertProducts(b, {MakeProduct("p0"), MakeProduct("p9")}), Status::Ok());

  EXPECT_EQ(ListIds(a, {}, Forward("", 2)), (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(ListIds(a, {}, Forward("p2", 2)), (std::vector<std::string>{"p3", "p4"}));
  EXPECT_EQ(ListIds(a, {}, Forward("p4", 2)), (std::vector<std::string>{"p5"}));
  EXPECT_EQ(ListIds(a, {}, Forward("p5", 2)), std::vector<std::string>{});
  // Backward pages come newest-first from the store.
  EXPECT_EQ(ListIds(a, {}, Backward("p5", 2)), (std::vector<std::string>{"p4", "p3"}));
  EXPECT_EQ(ListIds(a, {}, Backward("p2", 2)), (std::vector<std::string>{"p1"}));
  // Never another merchant's products, on either side of the range.
  EXPECT_EQ(ListIds(b, {}, Forward("", 10)), (std::vector<std::string>{"p0", "p9"}));
}

TEST_P(StoreProductListTest, OrderIsByteOrder) {
  model::MerchantId m = CreateMerchant("m");
  std::vector<model::Product> products;
  for (const char* id : {"b", "B", "\xc3\xa9", "a", "10", "9"}) products.push_back(MakeProduct(id));
  ASSERT_EQ(InsertProducts(m, products), Status::Ok());
  EXPECT_EQ(ListIds(m, {}, Forward("", 10)),
            (std::vector<std::string>{"10", "9", "B", "a", "b", "\xc3\xa9"}));
}

TEST_P(StoreProductListTest, FiltersOnLiveAndDiscontinued) {
  model::MerchantId m = CreateMerchant("m");
  std::vector<model::Product> products;
  for (int i = 0; i < 4; ++i) {
    model::Product p = MakeProduct("p" + std::to_string(i));
    p.live = (i & 1) != 0;
    p.discontinued = (i & 2) != 0;
    products.push_back(p);
  }
  ASSERT_EQ(InsertProducts(m, products), Status::Ok());
  EXPECT_EQ(ListIds(m, Filter(true, std::nullopt), Forward("")),
            (std::vector<std::string>{"p1", "p3"}));
  EXPECT_EQ(ListIds(m, Filter(false, std::nullopt), Forward("")),
            (std::vector<std::string>{"p0", "p2"}));
  EXPECT_EQ(ListIds(m, Filter(std::nullopt, true), Forward("")),
            (std::vector<std::string>{"p2", "p3"}));
  EXPECT_EQ(ListIds(m, Filter(true, false), {}), std::vector<std::string>{"p1"});
  // Filters and pages combine: the page limit counts matching products only.
  EXPECT_EQ(ListIds(m, Filter(false, std::nullopt), Forward("p0", 1)),
            std::vector<std::string>{"p2"});
  EXPECT_EQ(ListIds(m, Filter(true, std::nullopt), Backward("p3", 5)),
            std::vector<std::string>{"p1"});
}

TEST_P(StoreProductListTest, SearchMatchesIdSkuOrNameIgnoringAsciiCase) {
  model::MerchantId m = CreateMerchant("m");
  model::Product coffee = MakeProduct("COF-1");
  coffee.sku = "sku-a";
  coffee.name = "Dark Roast Coffee";
  model::Product tea = MakeProduct("t-2");
  tea.sku = "TEA-Green";
  tea.name = "Sencha";
  model::Product creme = MakeProduct("c-3");
  creme.sku = "x";
  creme.name =
      "Cr\xc3\xa8me br\xc3\xbb"
      "l\xc3\xa9"
      "e 100%_off";
  ASSERT_EQ(InsertProducts(m, {coffee, tea, creme}), Status::Ok());

  EXPECT_EQ(ListIds(m, Search("cof"), Forward("")), std::vector<std::string>{"COF-1"});    // id
  EXPECT_EQ(ListIds(m, Search("green"), Forward("")), std::vector<std::string>{"t-2"});    // sku
  EXPECT_EQ(ListIds(m, Search("ROAST"), Forward("")), std::vector<std::string>{"COF-1"});  // name
  EXPECT_EQ(ListIds(m, Search("cr\xc3\xa8me"), Forward("")), std::vector<std::string>{"c-3"});
  // No wildcards: '%' and '_' are plain characters.
  EXPECT_EQ(ListIds(m, Search("%_"), Forward("")), std::vector<std::string>{"c-3"});
  EXPECT_EQ(ListIds(m, Search("_"), Forward("")), std::vector<std::string>{"c-3"});
  EXPECT_EQ(ListIds(m, Search("nothing"), Forward("")), std::vector<std::string>{});
  // Only ASCII letters fold: "È" does not find "è".
  EXPECT_EQ(ListIds(m, Search("CR\xc3\x88ME"), Forward("")), std::vector<std::string>{});
  EXPECT_EQ(ListIds(m, Filter(false, std::nullopt, "cof"), Forward("")),
            std::vector<std::string>{});
}

model::StockEvent Event(model::MerchantId m, std::string product_id, bool live) {
  model::StockEvent e;
  e.merchant_id = m;
  e.product_id = std::move(product_id);
  e.previous.live = !live;
  e.current.live = live;
  e.source = model::StockSource::kApi;
  e.created = 1'700'000'000'000'000;
  return e;
}

TEST_P(StoreProductListTest, StockEventPagesByIdInBothDirections) {
  model::MerchantId m = CreateMerchant("m");
  model::MerchantId other = CreateMerchant("other");
  ASSERT_EQ(InsertProducts(m, {MakeProduct("p1"), MakeProduct("p2")}), Status::Ok());
  ASSERT_EQ(InsertProducts(other, {MakeProduct("p1")}), Status::Ok());
  std::vector<model::StockEvent> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(Event(m, "p1", i % 2 == 0));
    events.push_back(Event(m, "p2", true));
  }
  events.push_back(Event(other, "p1", true));
  ASSERT_EQ(
      db_->RunInTransaction([&](Transaction& tx) { return tx.stock_events().Append(events); }),
      Status::Ok());
  std::vector<std::int64_t> all = EventIds(m, "p1", Older(std::nullopt, 100));
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i - 1], all[i]);  // newest first

  EXPECT_EQ(EventIds(m, "p1", Older(std::nullopt, 2)), (std::vector<std::int64_t>{all[0], all[1]}));
  EXPECT_EQ(EventIds(m, "p1", Older(all[1], 2)), (std::vector<std::int64_t>{all[2], all[3]}));
  EXPECT_EQ(EventIds(m, "p1", Older(all[3], 2)), (std::vector<std::int64_t>{all[4]}));
  // Newer pages come oldest first.
  EXPECT_EQ(EventIds(m, "p1", Newer(all[3], 2)), (std::vector<std::int64_t>{all[2], all[1]}));
  EXPECT_EQ(EventIds(m, "p1", Newer(all[1], 2)), (std::vector<std::int64_t>{all[0]}));
  // A cursor that is another product's event still splits the history at its id.
  std::vector<std::int64_t> p2 = EventIds(m, "p2", Older(std::nullopt, 100));
  ASSERT_EQ(p2.size(), 5u);
  const std::int64_t between = p2[2];  // an id between all[2] and all[1]
  ASSERT_TRUE(all[2] < between && between < all[1]);
  EXPECT_EQ(EventIds(m, "p1", Older(between, 10)),
            (std::vector<std::int64_t>{all[2], all[3], all[4]}));
  EXPECT_EQ(EventIds(m, "p1", Newer(between, 2)), (std::vector<std::int64_t>{all[1], all[0]}));
  EXPECT_EQ(EventIds(m, "p1", Older(all[4], 10)), (std::vector<std::int64_t>{}));
  EXPECT_EQ(EventIds(m, "p1", Newer(all[0], 10)), (std::vector<std::int64_t>{}));
  EXPECT_EQ(EventIds(other, "p1", Older(std::nullopt, 100)).size(), 1u);
  EXPECT_EQ(EventIds(m, "nope", Older(std::nullopt, 100)).size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreProductListTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
