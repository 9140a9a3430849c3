// restock::store::sqlite — the repositories of store/database.h over one SQLite connection,
// and the Transaction that hands them to a unit of work. Internal to store/sqlite.
//
// Every statement is prepared once per connection and cached (see Connection::Prepare).
// Batch writes (Insert, Update, Append) are all-or-nothing: on error, the rows of that
// call are undone even if the enclosing work goes on.
//
// Thread-safety: none; these objects live inside one unit of work on one thread.
// Ownership: they borrow the Connection (and Clock), which must outlive them.
#pragma once

#include "core/clock.h"
#include "store/database.h"
#include "store/sqlite/connection.h"

namespace restock::store::sqlite {

class SqliteMerchantRepo final : public MerchantRepo {
 public:
  // `clock` stamps the `created` column of API users and keys (the model has no such field).
  SqliteMerchantRepo(Connection& conn, const Clock& clock) : conn_(conn), clock_(clock) {}

  Result<model::Merchant> Create(const model::Merchant& merchant) override;
  Result<std::optional<model::Merchant>> FindByPublicId(std::string_view public_id) override;
  Status AddApiUser(const model::ApiUser& user) override;
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId merchant,
                                                    std::string_view username) override;
  Status AddApiKey(const model::ApiKey& key) override;
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view key_sha256_hex) override;

 private:
  Connection& conn_;
  const Clock& clock_;
};

class SqliteProductRepo final : public ProductRepo {
 public:
  explicit SqliteProductRepo(Connection& conn) : conn_(conn) {}

  Result<std::optional<model::Product>> Find(model::MerchantId merchant,
                                             std::string_view product_id) override;
  // One cached point lookup per id: in-process SQLite has no round trip to save.
  Result<std::vector<std::optional<model::Product>>> FindMany(
      model::MerchantId merchant, std::span<const std::string_view> product_ids) override;
  Status Insert(model::MerchantId merchant, std::span<const model::Product> products) override;
  Status Update(model::MerchantId merchant, std::span<const model::Product> products) override;

 private:
  Connection& conn_;
};

class SqliteStockEventRepo final : public StockEventRepo {
 public:
  explicit SqliteStockEventRepo(Connection& conn) : conn_(conn) {}

  // Ids are assigned by the database, increasing in append order.
  Status Append(std::span<const model::StockEvent> events) override;
  Result<std::vector<model::StockEvent>> ListForProduct(model::MerchantId merchant,
                                                        std::string_view product_id,
                                                        std::size_t limit) override;

 private:
  Connection& conn_;
};

// The repositories of one unit of work. The caller begins and ends the SQL transaction.
class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Connection& conn, const Clock& clock)
      : merchants_(conn, clock), products_(conn), stock_events_(conn) {}

  MerchantRepo& merchants() override { return merchants_; }
  ProductRepo& products() override { return products_; }
  StockEventRepo& stock_events() override { return stock_events_; }

 private:
  SqliteMerchantRepo merchants_;
  SqliteProductRepo products_;
  SqliteStockEventRepo stock_events_;
};

}  // namespace restock::store::sqlite
