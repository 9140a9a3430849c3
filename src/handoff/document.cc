#include "handoff/document.h"

#include <boost/json/serialize.hpp>
#include <cctype>
#include <boost/json/value.hpp>
#include <string_view>
#include <utility>

#include "core/money.h"

namespace restock::handoff {
namespace {

// One named value of the document, in document order; both renderings walk the same list,
// so the XML and JSON formats cannot drift apart.
struct Field {
  std::string xml;   // camelCase element name
  std::string json;  // snake_case key
  std::string value;
};

// Ordergroove's every_period numbers: 1 day, 2 week, 3 month.
int EveryPeriod(model::Period p) {
  switch (p) {
    case model::Period::kDay:
      return 1;
    case model::Period::kWeek:
      return 2;
    case model::Period::kMonth:
      return 3;
  }
  return 3;
}

// Days in one cycle; a month counts 30 days (Ordergroove's frequency_days).
int FrequencyDays(model::Frequency f) {
  switch (f.period) {
    case model::Period::kDay:
      return f.every;
    case model::Period::kWeek:
      return 7 * f.every;
    case model::Period::kMonth:
      return 30 * f.every;
  }
  return 30 * f.every;
}

std::int64_t UnitCents(const DocumentItem& line) {
  return line.product && line.product->price_cents ? *line.product->price_cents : 0;
}

std::vector<Field> HeadFields(const DocumentInput& in) {
  std::int64_t units = 0, subtotal = 0;
  for (const DocumentItem& line : in.items) {
    units += line.item.quantity;
    subtotal += UnitCents(line) * line.item.quantity;
  }
  std::vector<Field> head = {
      {"orderOgId", "order_og_id", std::to_string(in.order.id)},
      {"orderPublicId", "order_public_id", model::IdempotencyKey(in.request)},
      {"orderOgDate", "order_og_date", FormatDate(in.order.place_date)},
      {"orderSourcePartnerName", "order_source_partner_name", "restock"},
      {"orderItemsCount", "order_items_count", std::to_string(units)},
      {"orderSubtotalValue", "order_subtotal_value", FormatCents(subtotal)},
      {"orderTotalValue", "order_total_value", FormatCents(subtotal)},
      {"orderCurrency", "order_currency", "USD"}};
  if (!in.contact.payment_token.empty()) {
    head.push_back({"orderTokenId", "order_token_id", in.contact.payment_token});
  }
  return head;
}

// "first_name" -> "FirstName" (the customerShipping… / customerBilling… suffix).
std::string Camel(std::string_view snake) {
  std::string out;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::vector<Field> CustomerFields(const DocumentInput& in) {
  const model::CustomerContact& c = in.contact;
  std::vector<Field> fields = {{"customerPartnerId", "customer_partner_id", in.order.customer_id}};
  auto add = [&](std::string xml, std::string json, const std::string& value) {
    if (!value.empty()) fields.push_back({std::move(xml), std::move(json), value});
  };
  add("customerName", "customer_name", c.name);
  add("customerEmail", "customer_email", c.email);
  add("customerLocale", "customer_locale", c.locale);
  for (const auto& [kind, address] : {std::pair{"Shipping", &c.shipping}, {"Billing", &c.billing}}) {
    std::string lower = kind == std::string_view("Shipping") ? "shipping" : "billing";
    for (std::string_view name : model::kAddressFields) {
      add("customer" + std::string(kind) + Camel(name),
          "customer_" + lower + "_" + std::string(name), *model::AddressField(*address, name));
    }
  }
  return fields;
}

std::vector<Field> ItemFields(const DocumentInput& in, const DocumentItem& line) {
  std::int64_t unit = UnitCents(line);
  const model::Product* p = line.product ? &*line.product : nullptr;
  return {{"publicId", "public_id",
           std::to_string(in.order.id) + "-" + std::to_string(line.item.subscription_id)},
          {"qty", "qty", std::to_string(line.item.quantity)},
          {"sku", "sku", p ? p->sku : ""},
          {"name", "name", p ? p->name : ""},
          {"product_id", "product_id", line.item.product_id},
          {"price", "price", FormatCents(unit)},
          {"finalPrice", "final_price", FormatCents(unit * line.item.quantity)},
          {"discount", "discount", FormatCents(0)}};
}

std::vector<Field> SubscriptionFields(const model::Subscription& s) {
  return {{"publicId", "public_id", std::to_string(s.id)},
          {"startDate", "start_date", FormatDate(s.start)},
          {"every", "every", std::to_string(s.frequency.every)},
          {"everyPeriod", "every_period", std::to_string(EveryPeriod(s.frequency.period))},
          {"frequencyDays", "frequency_days", std::to_string(FrequencyDays(s.frequency))}};
}

// Text in CDATA; a "]]>" inside is split across two sections.
void AppendCdata(std::string& out, std::string_view text) {
  out += "<![CDATA[";
  for (std::size_t at; (at = text.find("]]>")) != std::string_view::npos;) {
    out.append(text.substr(0, at + 2));
    out += "]]><![CDATA[";
    text.remove_prefix(at + 2);
  }
  out.append(text);
  out += "]]>";
}

void AppendXmlFields(std::string& out, const std::vector<Field>& fields) {
  for (const Field& f : fields) {
    out += "<" + f.xml + ">";
    AppendCdata(out, f.value);
    out += "</" + f.xml + ">";
  }
}

boost::json::object JsonFields(const std::vector<Field>& fields) {
  boost::json::object out;
  for (const Field& f : fields) out[f.json] = f.value;
  return out;
}

}  // namespace

std::string RenderXml(const DocumentInput& in) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><order><head>";
  AppendXmlFields(out, HeadFields(in));
  out += "</head><customer>";
  AppendXmlFields(out, CustomerFields(in));
  out += "</customer><items>";
  for (const DocumentItem& line : in.items) {
    out += "<item>";
    AppendXmlFields(out, ItemFields(in, line));
    if (line.subscription) {
      out += "<subscription>";
      AppendXmlFields(out, SubscriptionFields(*line.subscription));
      out += "</subscription>";
    }
    out += "</item>";
  }
  out += "</items></order>";
  return out;
}

std::string RenderJson(const DocumentInput& in) {
  boost::json::array items;
  for (const DocumentItem& line : in.items) {
    boost::json::object item = JsonFields(ItemFields(in, line));
    if (line.subscription) item["subscription"] = JsonFields(SubscriptionFields(*line.subscription));
    items.push_back(std::move(item));
  }
  boost::json::object doc{{"head", JsonFields(HeadFields(in))},
                          {"customer", JsonFields(CustomerFields(in))},
                          {"items", std::move(items)}};
  return boost::json::serialize(doc);
}

std::string RenderDocument(const DocumentInput& input, model::PlacementFormat format) {
  return format == model::PlacementFormat::kJson ? RenderJson(input) : RenderXml(input);
}

}  // namespace restock::handoff
