#include "api/api.h"

#include <string>

#include "api/handoff_handlers.h"
#include "api/ops_handlers.h"
#include "api/order_handlers.h"
#include "api/product_handlers.h"
#include "api/products_batch_handler.h"
#include "api/products_create_handler.h"
#include "api/subscription_handlers.h"
#include "api/webhook_handlers.h"

namespace restock::api {

struct Api::Handlers {
  Handlers(const ApiServices& s, BatchLimits limits)
      : batch(s.authenticator, s.stock, s.registry, s.executor, limits, &s.rate_limits),
        metrics(s.registry),
        openapi(s.openapi_document),
        subscriptions(s.authenticator, s.executor, s.db, s.clock),
        subscription(s.authenticator, s.executor, s.db, s.clock),
        orders(s.authenticator, s.executor, s.db),
        order(s.authenticator, s.executor, s.db, s.clock, s.zones),
        demand(s.authenticator, s.executor, s.db, s.clock, s.zones),
        webhooks(s.authenticator, s.executor, s.db, s.clock, s.targets),
        products(s.authenticator, s.executor, s.db, s.zones.Today(s.clock)),
        product(s.authenticator, s.executor, s.db, s.stock, s.zones.Today(s.clock)),
        stock_history(s.authenticator, s.executor, s.db),
        customer(s.authenticator, s.executor, s.db),
        finalize(s.authenticator, s.executor, s.db, s.clock, s.zones),
        products_create(s.authenticator, s.executor, s.stock, limits) {
    products_create.LimitPerMerchant(&s.rate_limits);
  }

  // In the order they register their metrics.
  ProductsBatchHandler batch;
  HealthHandler health;
  MetricsHandler metrics;
  StaticJsonHandler openapi;
  SubscriptionsHandler subscriptions;
  SubscriptionHandler subscription;
  OrdersHandler orders;
  OrderHandler order;
  DemandHandler demand;
  WebhooksHandler webhooks;
  ProductsHandler products;
  ProductHandler product;
  StockHistoryHandler stock_history;
  CustomerHandler customer;
  FinalizePlacementHandler finalize;
  ProductsCreateHandler products_create;
};

Api::Api(const ApiServices& services, BatchLimits limits)
    : handlers_(std::make_unique<Handlers>(services, limits)) {}

Api::~Api() = default;

void Api::AddRoutes(http::Router& router) {
  Handlers& h = *handlers_;
  router.Add("PATCH", "/products-batch/update/", h.batch, "products_batch_update");
  router.Add("POST", "/subscriptions/", h.subscriptions, "subscriptions");
  router.Add("GET", "/subscriptions/{id}/", h.subscription, "subscription");
  router.Add("PATCH", "/subscriptions/{id}/", h.subscription, "subscription");
  router.Add("GET", "/orders/", h.orders, "orders");
  router.Add("GET", "/orders/{id}/", h.order, "order");
  router.Add("POST", "/orders/{id}/cancel/", h.order, "order_cancel");
  router.Add("PATCH", "/orders/{id}/finalize_placement/", h.finalize, "order_finalize");
  router.Add("GET", "/products/{id}/demand/", h.demand, "product_demand");
  router.Add("GET", "/webhooks/", h.webhooks, "webhooks");
  router.Add("POST", "/webhooks/", h.webhooks, "webhooks");
  router.Add("GET", "/webhooks/{id}/", h.webhooks, "webhook");
  router.Add("DELETE", "/webhooks/{id}/", h.webhooks, "webhook");
  for (const char* action : {"rotate", "disable", "enable", "replay"}) {
    router.Add("POST", std::string("/webhooks/{id}/") + action + "/", h.webhooks,
               std::string("webhook_") + action);
  }
  router.Add("GET", "/webhooks/{id}/deliveries/", h.webhooks, "webhook_deliveries");
  router.Add("POST", "/products-batch/create/", h.products_create, "products_batch_create");
  router.Add("GET", "/products/", h.products, "products");
  router.Add("GET", "/products/{id}/", h.product, "product");
  router.Add("PATCH", "/products/{id}/", h.product, "product");
  router.Add("GET", "/products/{id}/stock-history/", h.stock_history, "product_stock_history");
  router.Add("GET", "/customers/{id}/", h.customer, "customer");
  router.Add("PATCH", "/customers/{id}/", h.customer, "customer");
  router.Add("GET", "/healthz", h.health, "healthz");
  router.Add("GET", "/metrics", h.metrics, "metrics");
  router.Add("GET", "/openapi.json", h.openapi, "openapi");
}

}  // namespace restock::api
