// An in-memory store::Database for unit tests. Transactions work on a copy of the state and
// publish it on success, so a failing work leaves nothing behind. Submit runs the work at
// once on the calling thread. Thread-safe: one mutex around every transaction, read and
// Snapshot(); the counters are atomic. state() is the unlocked back door for arranging and
// asserting while no other thread uses the database; a test that reads while workers run
// (a dispatcher, a scheduler) uses Snapshot() or RunReadOnly.
#pragma once

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"
#include "support/fake_idempotency_repo.h"
#include "support/fake_handoff_repo.h"
#include "support/fake_webhook_repos.h"

namespace restock::testing {

struct FakeState {
  std::map<std::string, model::Merchant> merchants;  // by public id
  std::map<std::pair<model::MerchantId, std::string>, model::ApiUser> api_users;
  std::map<std::string, model::ApiKey> api_keys;  // by sha256 hex
  std::map<std::pair<model::MerchantId, std::string>, model::Product> products;
  std::vector<model::StockEvent> stock_events;
  std::map<std::int64_t, model::Subscription> subscriptions;  // by id
  std::map<std::int64_t, model::Order> orders;                // by id
  std::vector<model::OrderEvent> order_events;
  std::map<std::pair<model::MerchantId, std::string>, UnixMicros> placement_runs;
  // (merchant, digest) -> expiry
  std::map<std::pair<model::MerchantId, std::string>, UnixMicros> seen_signatures;
  FakeIdempotencyState idempotency_keys;
  model::MerchantId next_merchant_id = 1;
  std::int64_t next_api_key_id = 1;
  std::int64_t next_id = 1;  // subscriptions and orders
  // Orders placement reads report as unreadable (as a stored date no parser accepts would).
  std::set<std::int64_t> unreadable_orders;
  std::set<std::int64_t> oos_predicted;  // orders marked by MarkOosPredicted
  FakeWebhookState webhooks;
  FakeHandoffState handoff;
};

class FakeSubscriptionRepo final : public store::SubscriptionRepo {
 public:
  explicit FakeSubscriptionRepo(FakeState& state) : s_(state) {}
  // SubscriptionRepo
  Result<std::int64_t> Create(const model::Subscription& s) override {
    model::Subscription stored = s;
    stored.id = s_.next_id++;
    s_.subscriptions[stored.id] = stored;
    return stored.id;
  }
  Result<std::optional<model::Subscription>> Find(model::MerchantId m, std::int64_t id) override {
    auto it = s_.subscriptions.find(id);
    if (it == s_.subscriptions.end() || it->second.merchant_id != m) {
      return std::optional<model::Subscription>();
    }
    return std::optional<model::Subscription>(it->second);
  }
  Result<std::vector<std::optional<model::Subscription>>> FindMany(
      model::MerchantId m, std::span<const std::int64_t> ids) override {
    std::vector<std::optional<model::Subscription>> out;
    for (auto id : ids) out.push_back(*Find(m, id));
    return out;
  }
  Status Update(const model::Subscription& s) override {
    auto it = s_.subscriptions.find(s.id);
    if (it == s_.subscriptions.end() || it->second.merchant_id != s.merchant_id) {
      return NotFoundError("no such subscription");
    }
    it->second.quantity = s.quantity;
    it->second.frequency = s.frequency;
    it->second.status = s.status;
    it->second.updated = s.updated;
    return Status::Ok();
  }

 private:
  FakeState& s_;
};

class FakeOrderRepo final : public store::OrderRepo {
 public:
  explicit FakeOrderRepo(FakeState& state) : s_(state) {}
  // OrderRepo
  Result<std::optional<model::Order>> Find(model::MerchantId m, std::int64_t id) override {
    auto it = s_.orders.find(id);
    if (it == s_.orders.end() || it->second.merchant_id != m) return std::optional<model::Order>();
    return std::optional<model::Order>(it->second);
  }
  Result<store::PlacementPage> ListForPlacement(model::MerchantId m, CivilDate date,
                                                std::int64_t after_id, std::size_t limit) override {
    return Page(Select(m, after_id, limit, [&](const model::Order& o) {
      return (o.status == model::OrderStatus::kUnsent ||
              o.status == model::OrderStatus::kOutOfStock) &&
             o.place_date <= date;
    }));
  }
  Result<store::PlacementPage> ListOutOfStockWithProducts(
      model::MerchantId m, std::span<const std::string_view> product_ids, std::int64_t after_id,
      std::size_t limit) override {
    return Page(Select(m, after_id, limit, [&](const model::Order& o) {
      if (o.status != model::OrderStatus::kOutOfStock) return false;
      for (const auto& item : o.items) {
        for (auto id : product_ids) {
          if (item.product_id == id) return true;
        }
      }
      return false;
    }));
  }
  Result<std::vector<model::Order>> List(model::MerchantId m, const store::OrderFilter& filter,
                                         const store::OrderPage& page) override {
    auto match = [&](const model::Order& o) {
      return (!filter.status || o.status == *filter.status) &&
             (!filter.place_date || o.place_date == *filter.place_date);
    };
    if (!page.before_id) return Select(m, page.after_id, page.limit, match);
    std::vector<model::Order> out;
    for (auto it = s_.orders.rbegin(); it != s_.orders.rend() && out.size() < page.limit; ++it) {
      if (it->first < *page.before_id && it->second.merchant_id == m && match(it->second)) {
        out.push_back(it->second);
      }
    }
    return out;
  }
  Result<std::optional<std::int64_t>> FindUnsent(model::MerchantId m, std::string_view customer,
                                                 CivilDate date) override {
    for (const auto& [id, o] : s_.orders) {
      if (o.merchant_id == m && o.customer_id == customer && o.place_date == date &&
          o.status == model::OrderStatus::kUnsent) {
        return std::optional<std::int64_t>(id);
      }
    }
    return std::optional<std::int64_t>();
  }
  Result<std::optional<model::Order>> FindUnsentWithSubscription(
      model::MerchantId m, std::int64_t subscription_id) override {
    for (const auto& [id, o] : s_.orders) {
      if (o.merchant_id != m || o.status != model::OrderStatus::kUnsent) continue;
      for (const auto& item : o.items) {
        if (item.subscription_id == subscription_id) return std::optional<model::Order>(o);
      }
    }
    return std::optional<model::Order>();
  }
  Result<std::int64_t> Insert(const model::Order& order) override {
    model::Order stored = order;
    stored.id = s_.next_id++;
    s_.orders[stored.id] = stored;
    return stored.id;
  }
  Status AddItem(model::MerchantId m, std::int64_t order_id, const model::OrderItem& item) override {
    auto it = s_.orders.find(order_id);
    if (it == s_.orders.end() || it->second.merchant_id != m) return NotFoundError("no order");
    it->second.items.push_back(item);
    return Status::Ok();
  }
  Status Update(const model::Order& order, bool items_changed) override {
    auto it = s_.orders.find(order.id);
    if (it == s_.orders.end() || it->second.merchant_id != order.merchant_id) {
      return NotFoundError("no order");
    }
    std::vector<model::OrderItem> items = it->second.items;
    it->second = order;
    if (!items_changed) it->second.items = std::move(items);
    return Status::Ok();
  }
  Result<std::vector<std::pair<CivilDate, std::int64_t>>> UnitsDue(model::MerchantId m,
                                                                   std::string_view product,
                                                                   CivilDate from,
                                                                   CivilDate to) override {
    std::map<CivilDate, std::int64_t> units;
    for (const auto& [id, o] : s_.orders) {
      if (o.merchant_id != m || o.place_date < from || to < o.place_date) continue;
      if (o.status != model::OrderStatus::kUnsent && o.status != model::OrderStatus::kOutOfStock) {
        continue;
      }
      for (const auto& item : o.items) {
        if (item.product_id == product) units[o.place_date] += item.quantity;
      }
    }
    return std::vector<std::pair<CivilDate, std::int64_t>>(units.begin(), units.end());
  }
  Result<std::vector<std::int64_t>> CommittedUnits(model::MerchantId m,
                                                   std::span<const std::string_view> products,
                                                   CivilDate through) override {
    std::vector<std::int64_t> units(products.size(), 0);
    for (const model::Order& o : Held(m, through)) {
      for (const auto& item : o.items) {
        for (std::size_t k = 0; k < products.size(); ++k) {
          if (item.product_id == products[k]) units[k] += item.quantity;
        }
      }
    }
    return units;
  }
  Result<std::vector<model::Order>> ListHeld(model::MerchantId m, CivilDate through) override {
    return Held(m, through);
  }
  Result<bool> MarkOosPredicted(model::MerchantId m, std::int64_t order_id) override {
    auto it = s_.orders.find(order_id);
    if (it == s_.orders.end() || it->second.merchant_id != m ||
        it->second.status != model::OrderStatus::kUnsent) {
      return false;
    }
    return s_.oos_predicted.insert(order_id).second;
  }

 private:
  store::PlacementPage Page(std::vector<model::Order> orders) {
    store::PlacementPage page;
    for (model::Order& o : orders) {
      if (s_.unreadable_orders.count(o.id)) {
        page.unreadable.push_back({o.id, "database error: malformed date stored"});
      } else {
        page.orders.push_back(std::move(o));
      }
    }
    return page;
  }

  std::vector<model::Order> Held(model::MerchantId m, CivilDate through) {
    return Select(m, 0, SIZE_MAX, [&](const model::Order& o) {
      return o.status == model::OrderStatus::kOutOfStock ||
             (o.status == model::OrderStatus::kUnsent && o.place_date <= through);
    });
  }

  template <typename Pred>
  std::vector<model::Order> Select(model::MerchantId m, std::int64_t after_id, std::size_t limit,
                                   Pred pred) {
    std::vector<model::Order> out;
    for (auto it = s_.orders.upper_bound(after_id); it != s_.orders.end() && out.size() < limit;
         ++it) {
      if (it->second.merchant_id == m && pred(it->second)) out.push_back(it->second);
    }
    return out;
  }

  FakeState& s_;
};

class FakeTransaction final : public store::Transaction,
                              store::MerchantRepo,
                              store::ProductRepo,
                              store::StockEventRepo,
                              store::OrderEventRepo,
                              store::PlacementRunRepo,
                              store::SeenSignatureRepo {
 public:
  explicit FakeTransaction(FakeState& state)
      : s_(state),
        subscriptions_(state),
        orders_(state),
        webhook_endpoints_(state.webhooks),
        webhook_outbox_(state.webhooks),
        webhook_attempts_(state.webhooks),
        idempotency_keys_(state.idempotency_keys),
        handoff_(state.handoff, state.subscriptions, state.orders, [&state](model::MerchantId m) {
          for (const auto& [public_id, merchant] : state.merchants) {
            if (merchant.id == m) return true;
          }
          return false;
        }) {}
  store::MerchantRepo& merchants() override { return *this; }
  store::ProductRepo& products() override { return *this; }
  store::StockEventRepo& stock_events() override { return *this; }
  store::SubscriptionRepo& subscriptions() override { return subscriptions_; }
  store::OrderRepo& orders() override { return orders_; }
  store::OrderEventRepo& order_events() override { return *this; }
  store::PlacementRunRepo& placement_runs() override { return *this; }
  store::WebhookEndpointRepo& webhook_endpoints() override { return webhook_endpoints_; }
  store::WebhookOutboxRepo& webhook_outbox() override { return webhook_outbox_; }
  store::WebhookAttemptRepo& webhook_attempts() override { return webhook_attempts_; }
  store::SeenSignatureRepo& seen_signatures() override { return *this; }
  store::IdempotencyRepo& idempotency_keys() override { return idempotency_keys_; }
  store::HandoffRepo& handoff() override { return handoff_; }

  // MerchantRepo
  Result<model::Merchant> Create(const model::Merchant& m) override {
    if (s_.merchants.count(m.public_id)) return AlreadyExistsError("merchant exists");
    model::Merchant stored = m;
    stored.id = s_.next_merchant_id++;
    s_.merchants[m.public_id] = stored;
    return stored;
  }
  Result<std::optional<model::Merchant>> FindByPublicId(std::string_view id) override {
    return Lookup(s_.merchants, std::string(id));
  }
  Status AddApiUser(const model::ApiUser& u) override {
    auto key = std::pair{u.merchant_id, u.username};
    if (s_.api_users.count(key)) return AlreadyExistsError("user exists");
    s_.api_users[key] = u;
    return Status::Ok();
  }
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId m,
                                                    std::string_view name) override {
    return Lookup(s_.api_users, std::pair{m, std::string(name)});
  }
  Status AddApiKey(const model::ApiKey& k) override {
    if (s_.api_keys.count(k.key_sha256_hex)) return AlreadyExistsError("key exists");
    s_.api_keys[k.key_sha256_hex] = k;
    s_.api_keys[k.key_sha256_hex].id = s_.next_api_key_id++;
    return Status::Ok();
  }
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view hex) override {
    return Lookup(s_.api_keys, std::string(hex));
  }
  Result<std::optional<model::Merchant>> FindById(model::MerchantId id) override {
    for (const auto& [public_id, m] : s_.merchants) {
      if (m.id == id) return std::optional<model::Merchant>(m);
    }
    return std::optional<model::Merchant>();
  }
  Status SetHeldStock(model::MerchantId m, int reservation_days, int oos_warn_days) override {
    for (auto& [public_id, merchant] : s_.merchants) {
      if (merchant.id == m) {
        merchant.reservation_days = reservation_days;
        merchant.oos_warn_days = oos_warn_days;
        return Status::Ok();
      }
    }
    return NotFoundError("no such merchant");
  }
  Result<std::vector<model::Merchant>> ListAll() override {
    std::vector<model::Merchant> out;
    for (const auto& [id, m] : s_.merchants) out.push_back(m);
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
    return out;
  }

  Status SetReplayProtection(model::MerchantId m, model::ReplayProtection mode) override {
    for (auto& [public_id, merchant] : s_.merchants) {
      if (merchant.id == m) {
        merchant.replay_protection = mode;
        return Status::Ok();
      }
    }
    return NotFoundError("no such merchant");
  }
  Status RotateHashKey(model::MerchantId m, std::string_view key, UnixMicros expires) override {
    for (auto& [public_id, merchant] : s_.merchants) {
      if (merchant.id != m) continue;
      merchant.previous_hash_key = std::exchange(merchant.hash_key, std::string(key));
      merchant.previous_hash_key_expires = expires;
      return Status::Ok();
    }
    return NotFoundError("no such merchant");
  }
  Result<std::vector<model::ApiUser>> ListApiUsers(model::MerchantId m) override {
    std::vector<model::ApiUser> out;
    for (const auto& [key, user] : s_.api_users) {
      if (key.first == m) out.push_back(user);
    }
    return out;
  }
  Status RemoveApiUser(model::MerchantId m, std::string_view name) override {
    if (s_.api_users.erase(std::pair{m, std::string(name)}) == 0) {
      return NotFoundError("no such api user");
    }
    return Status::Ok();
  }
  Status RotateApiUserSecret(model::MerchantId m, std::string_view name, std::string_view secret,
                             UnixMicros expires) override {
    auto it = s_.api_users.find(std::pair{m, std::string(name)});
    if (it == s_.api_users.end()) return NotFoundError("no such api user");
    it->second.previous_secret = std::exchange(it->second.secret, std::string(secret));
    it->second.previous_secret_expires = expires;
    return Status::Ok();
  }
  Result<std::vector<model::ApiKey>> ListApiKeys(model::MerchantId m) override {
    std::vector<model::ApiKey> out;
    for (const auto& [hex, key] : s_.api_keys) {
      if (key.merchant_id == m) out.push_back(key);
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });
    return out;
  }
  Status RemoveApiKey(model::MerchantId m, std::int64_t id) override {
    for (auto it = s_.api_keys.begin(); it != s_.api_keys.end(); ++it) {
      if (it->second.merchant_id == m && it->second.id == id) {
        s_.api_keys.erase(it);
        return Status::Ok();
      }
    }
    return NotFoundError("no such api key");
  }
  Status TouchApiKey(std::string_view hex, UnixMicros when) override {
    auto it = s_.api_keys.find(std::string(hex));
    if (it != s_.api_keys.end()) it->second.last_used = when;
    return Status::Ok();
  }

  // ProductRepo
  Result<std::optional<model::Product>> Find(model::MerchantId m, std::string_view id) override {
    return Lookup(s_.products, std::pair{m, std::string(id)});
  }
  Result<std::vector<std::optional<model::Product>>> FindMany(
      model::MerchantId m, std::span<const std::string_view> ids) override {
    std::vector<std::optional<model::Product>> out;
    for (auto id : ids) out.push_back(*Find(m, id));
    return out;
  }
  Status Insert(model::MerchantId m, std::span<const model::Product> products) override {
    for (const auto& p : products) {
      if (s_.products.count({m, p.product_id})) return AlreadyExistsError("product exists");
      s_.products[{m, p.product_id}] = p;
    }
    return Status::Ok();
  }
  Status Update(model::MerchantId m, std::span<const model::Product> products) override {
    for (const auto& p : products) {
      auto it = s_.products.find({m, p.product_id});
      if (it == s_.products.end()) return InternalError("update of a missing product");
      it->second = p;
    }
    return Status::Ok();
  }

  Result<std::vector<model::Product>> List(model::MerchantId m, const store::ProductFilter& filter,
                                           const store::ProductPage& page) override {
    auto lower = [](std::string t) {
      for (char& c : t) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return t;
    };
    std::string needle = lower(filter.search);
    auto match = [&](const model::Product& p) {
      if (filter.live && p.live != *filter.live) return false;
      if (filter.discontinued && p.discontinued != *filter.discontinued) return false;
      if (needle.empty()) return true;
      return lower(p.product_id).find(needle) != std::string::npos ||
             lower(p.sku).find(needle) != std::string::npos ||
             lower(p.name).find(needle) != std::string::npos;
    };
    // std::string's operator< compares bytes as unsigned char, like memcmp.
    std::vector<model::Product> out;
    if (page.before) {
      for (auto it = s_.products.rbegin(); it != s_.products.rend() && out.size() < page.limit;
           ++it) {
        if (it->first.first == m && it->first.second < *page.before && match(it->second)) {
          out.push_back(it->second);
        }
      }
      return out;
    }
    for (auto it = s_.products.upper_bound({m, page.after});
         it != s_.products.end() && it->first.first == m && out.size() < page.limit; ++it) {
      if (match(it->second)) out.push_back(it->second);
    }
    return out;
  }

  // StockEventRepo
  Status Append(std::span<const model::StockEvent> events) override {
    for (auto e : events) {
      e.id = static_cast<std::int64_t>(s_.stock_events.size()) + 1;
      s_.stock_events.push_back(e);
    }
    return Status::Ok();
  }
  Result<std::vector<model::StockEvent>> ListForProduct(model::MerchantId m, std::string_view id,
                                                        std::size_t limit) override {
    std::vector<model::StockEvent> out;
    for (auto it = s_.stock_events.rbegin(); it != s_.stock_events.rend() && out.size() < limit;
         ++it) {
      if (it->merchant_id == m && it->product_id == id) out.push_back(*it);
    }
    return out;
  }

  Result<std::vector<model::StockEvent>> ListPage(model::MerchantId m, std::string_view id,
                                                  const store::StockEventPage& page) override {
    std::vector<model::StockEvent> out;
    auto mine = [&](const model::StockEvent& e) { return e.merchant_id == m && e.product_id == id; };
    if (page.newer_than) {
      for (const auto& e : s_.stock_events) {
        if (out.size() >= page.limit) break;
        if (mine(e) && e.id > *page.newer_than) out.push_back(e);
      }
      return out;
    }
    for (auto it = s_.stock_events.rbegin(); it != s_.stock_events.rend() && out.size() < page.limit;
         ++it) {
      if (mine(*it) && (!page.older_than || it->id < *page.older_than)) out.push_back(*it);
    }
    return out;
  }
  Result<std::vector<model::StockEvent>> ListRange(std::int64_t after, std::int64_t up_to,
                                                   std::size_t limit) override {
    std::vector<model::StockEvent> out;
    for (const auto& e : s_.stock_events) {
      if (out.size() >= limit) break;
      if (e.id > after && e.id <= up_to) out.push_back(e);
    }
    return out;
  }
  Result<std::int64_t> LatestId() override {
    return s_.stock_events.empty() ? 0 : s_.stock_events.back().id;
  }

  // OrderEventRepo
  Status Append(std::span<const model::OrderEvent> events) override {
    for (auto e : events) {
      e.id = static_cast<std::int64_t>(s_.order_events.size()) + 1;
      s_.order_events.push_back(e);
    }
    return Status::Ok();
  }
  Result<std::vector<model::OrderEvent>> ListForOrder(model::MerchantId m,
                                                      std::int64_t order_id) override {
    std::vector<model::OrderEvent> out;
    for (const auto& e : s_.order_events) {
      if (e.merchant_id == m && e.order_id == order_id) out.push_back(e);
    }
    return out;
  }

  // PlacementRunRepo
  Result<std::optional<CivilDate>> LastCompleted(model::MerchantId m) override {
    std::optional<CivilDate> last;
    for (const auto& [key, at] : s_.placement_runs) {
      if (key.first == m) last = std::max(last.value_or(*ParseDate(key.second)), *ParseDate(key.second));
    }
    return last;
  }
  Status RecordCompleted(model::MerchantId m, CivilDate date, UnixMicros at) override {
    s_.placement_runs.try_emplace({m, FormatDate(date)}, at);
    return Status::Ok();
  }

  // SeenSignatureRepo
  Result<bool> Remember(model::MerchantId m, std::string_view digest, UnixMicros now,
                        UnixMicros expires) override {
    auto [it, inserted] = s_.seen_signatures.try_emplace({m, std::string(digest)}, expires);
    if (inserted) return true;
    if (it->second > now) return false;
    it->second = expires;
    return true;
  }
  Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) override {
    std::size_t deleted = 0;
    for (auto it = s_.seen_signatures.begin(); it != s_.seen_signatures.end() && deleted < limit;) {
      if (it->second <= now) {
        it = s_.seen_signatures.erase(it);
        ++deleted;
      } else {
        ++it;
      }
    }
    return deleted;
  }

 private:
  template <typename Map, typename Key>
  static Result<std::optional<typename Map::mapped_type>> Lookup(const Map& map, const Key& key) {
    auto it = map.find(key);
    if (it == map.end()) return std::optional<typename Map::mapped_type>();
    return std::optional<typename Map::mapped_type>(it->second);
  }

  FakeState& s_;
  FakeSubscriptionRepo subscriptions_;
  FakeOrderRepo orders_;
  FakeWebhookEndpointRepo webhook_endpoints_;
  FakeWebhookOutboxRepo webhook_outbox_;
  FakeWebhookAttemptRepo webhook_attempts_;
  FakeIdempotencyRepo idempotency_keys_;
  FakeHandoffRepo handoff_;
};

class FakeDatabase final : public store::Database {
 public:
  Status Migrate() override { return Status::Ok(); }
  Status RunInTransaction(const store::Work& work) override {
    std::lock_guard lock(mu_);
    FakeState copy = state_;
    FakeTransaction tx(copy);
    Status s = work(tx);
    if (s.ok()) state_ = std::move(copy);
    ++transactions;
    return s;
  }
  Status RunReadOnly(const store::Work& work) override {
    std::lock_guard lock(mu_);
    ++reads;
    if (!read_failure.ok()) return read_failure;
    FakeState copy = state_;
    FakeTransaction tx(copy);
    return work(tx);
  }
  void Submit(store::Work work, store::WorkDone done) override {
    if (shut_down_.load()) return done(UnavailableError("shut down"));
    ++submits;
    done(RunInTransaction(work));
  }
  void SetGroupObserver(std::function<void(std::size_t)>) override {}
  void Shutdown() override { shut_down_.store(true); }

  // Direct access for arranging and asserting. REQUIRES: no concurrent transaction.
  FakeState& state() { return state_; }
  // A copy of the committed state, taken under the lock: safe while other threads commit.
  FakeState Snapshot() {
    std::lock_guard lock(mu_);
    return state_;
  }
  std::atomic<int> transactions = 0;
  std::atomic<int> submits = 0;
  std::atomic<int> reads = 0;
  Status read_failure;  // while not OK, RunReadOnly returns it without running the work

 private:
  std::mutex mu_;
  FakeState state_;
  std::atomic<bool> shut_down_ = false;
};

}  // namespace restock::testing
