#include "json/model_json.h"

#include <boost/json/array.hpp>

#include "core/money.h"
#include "core/time_format.h"

namespace restock::json {
namespace {

boost::json::value OptionalInt(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

boost::json::object StockStateToJson(const model::StockState& s) {
  return {{"live", s.live}, {"discontinued", s.discontinued}, {"inventory", OptionalInt(s.inventory)}};
}

}  // namespace

void AddHeldStock(boost::json::object& out, const catalog::HeldStock& held) {
  out["committed"] = OptionalInt(held.committed);
  out["sellable"] = OptionalInt(held.sellable);
}

boost::json::object ProductToJson(const model::Product& p, const catalog::HeldStock& held) {
  boost::json::object o;
  o["product_id"] = p.product_id;
  o["sku"] = p.sku;
  o["name"] = p.name;
  if (p.price_cents) {
    o["price"] = FormatCents(*p.price_cents);
  } else {
    o["price"] = nullptr;
  }
  o["live"] = p.live;
  o["discontinued"] = p.discontinued;
  o["autoship_enabled"] = p.autoship_enabled;
  o["image_url"] = p.image_url;
  o["detail_url"] = p.detail_url;
  o["inventory"] = OptionalInt(p.inventory);
  o["low_stock_threshold"] = OptionalInt(p.low_stock_threshold);
  AddHeldStock(o, held);
  o["created"] = FormatIsoUtc(p.created);
  o["last_update"] = FormatIsoUtc(p.last_update);
  return o;
}

boost::json::object StockEventToJson(const model::StockEvent& e) {
  boost::json::object o;
  o["id"] = e.id;
  o["product_id"] = e.product_id;
  o["source"] = std::string(model::StockSourceName(e.source));
  o["created"] = FormatIsoUtcMillis(e.created);  // events of one second stay apart
  o["previous"] = StockStateToJson(e.previous);
  o["current"] = StockStateToJson(e.current);
  return o;
}

namespace {

boost::json::value OptionalDate(const std::optional<CivilDate>& d) {
  if (!d) return nullptr;
  return boost::json::value(FormatDate(*d));
}

}  // namespace

boost::json::object OrderToJson(const model::Order& o) {
  boost::json::array items;
  for (const auto& item : o.items) {
    items.push_back(boost::json::object{{"product_id", item.product_id},
                                        {"quantity", item.quantity},
                                        {"subscription_id", item.subscription_id}});
  }
  boost::json::object out;
  out["id"] = o.id;
  out["customer"] = o.customer_id;
  out["place_date"] = FormatDate(o.place_date);
  out["status"] = std::string(model::OrderStatusName(o.status));
  out["items"] = std::move(items);
  out["oos_since"] = OptionalDate(o.oos_since);
  out["oos_expires"] = OptionalDate(o.oos_expires);
  out["placed_on"] = OptionalDate(o.placed_on);
  if (o.cancel_reason.empty()) {
    out["cancel_reason"] = nullptr;
  } else {
    out["cancel_reason"] = o.cancel_reason;
  }
  auto text_or_null = [](const std::string& text) -> boost::json::value {
    if (text.empty()) return nullptr;
    return boost::json::value(text);
  };
  out["error_code"] = text_or_null(o.error_code);
  out["error_message"] = text_or_null(o.error_message);
  out["merchant_order_id"] = text_or_null(o.merchant_order_id);
  out["placement_attempts"] = o.placement_attempts;
  return out;
}

boost::json::object OrderEventToJson(const model::OrderEvent& e) {
  boost::json::object out;
  out["id"] = e.id;
  out["order_id"] = e.order_id;
  out["type"] = std::string(model::OrderEventTypeName(e.type));
  out["date"] = FormatDate(e.date);
  out["created"] = FormatIsoUtcMillis(e.created);
  if (e.type == model::OrderEventType::kOosNotice) out["day_in_flow"] = e.day_in_flow;
  if (e.subscription_id != 0 || !e.product_id.empty()) {
    out["subscription_id"] = e.subscription_id;
    out["product_id"] = e.product_id;
    out["quantity"] = e.quantity;
  }
  if (e.cycle_date) out["cycle_date"] = FormatDate(*e.cycle_date);
  return out;
}

boost::json::object SubscriptionToJson(const model::Subscription& s) {
  boost::json::object out;
  out["id"] = s.id;
  out["customer"] = s.customer_id;
  out["product_id"] = s.product_id;
  out["quantity"] = s.quantity;
  out["every"] = s.frequency.every;
  out["period"] = std::string(model::PeriodName(s.frequency.period));
  out["status"] = std::string(model::SubscriptionStatusName(s.status));
  out["start"] = FormatDate(s.start);
  out["created"] = FormatIsoUtc(s.created);
  out["updated"] = FormatIsoUtc(s.updated);
  return out;
}

catalog::RawValue RawValueFromJson(const boost::json::value& v) {
  using catalog::RawValue;
  switch (v.kind()) {
    case boost::json::kind::null: return RawValue::Null();
    case boost::json::kind::bool_: return RawValue::Bool(v.get_bool());
    case boost::json::kind::int64: return RawValue::Int(v.get_int64());
    case boost::json::kind::uint64: {
      // Boost.JSON only uses uint64 above INT64_MAX.
      RawValue r = RawValue::Of(RawValue::Kind::kBigInt);
      r.number = static_cast<double>(v.get_uint64());
      return r;
    }
    case boost::json::kind::double_: return RawValue::Double(v.get_double());
    case boost::json::kind::string: return RawValue::String(std::string(v.get_string()));
    case boost::json::kind::array: return RawValue::Of(RawValue::Kind::kArray);
    case boost::json::kind::object: return RawValue::Of(RawValue::Kind::kObject);
  }
  return RawValue::Null();
}

catalog::RawElement RawElementFromJson(const boost::json::value& value) {
  catalog::RawElement element;
  const boost::json::object* object = value.if_object();
  if (object == nullptr) {
    element.is_object = false;
    return element;
  }
  element.fields.reserve(object->size());
  for (const auto& field : *object) {
    element.fields.emplace_back(std::string(field.key()), RawValueFromJson(field.value()));
  }
  return element;
}

boost::json::object ErrorsToJson(const catalog::FieldErrors& errors) {
  boost::json::object o;
  for (const auto& [field, messages] : errors) {
    boost::json::array list;
    for (const auto& m : messages) list.emplace_back(m);
    o[field] = std::move(list);
  }
  return o;
}

}  // namespace restock::json
