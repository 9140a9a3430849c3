#include "json/webhook_json.h"

#include <boost/json/array.hpp>

#include "core/redact.h"
#include "core/time_format.h"

namespace restock::json {

boost::json::object WebhookEndpointToJson(const model::WebhookEndpoint& e, UnixMicros now) {
  boost::json::object o;
  o["id"] = e.id;
  o["url"] = core::RedactUrlPassword(e.url);  // a password in the URL is never shown back
  boost::json::array events;
  for (model::WebhookEventType t : e.events) events.emplace_back(model::WebhookEventTypeName(t));
  o["events"] = std::move(events);
  o["enabled"] = e.enabled;
  o["created"] = FormatIsoUtc(e.created);
  o["updated"] = FormatIsoUtc(e.updated);
  if (!e.previous_secret.empty() && now < e.previous_secret_expires) {
    o["previous_secret_expires"] = FormatIsoUtc(e.previous_secret_expires);
  } else {
    o["previous_secret_expires"] = nullptr;
  }
  return o;
}

boost::json::object DeliveryAttemptToJson(const model::DeliveryAttempt& a) {
  boost::json::object o;
  o["id"] = a.id;
  o["delivery_id"] = a.delivery_id;
  o["event_id"] = a.event_id;
  o["type"] = model::WebhookEventTypeName(a.type);
  o["attempt"] = a.attempt;
  o["time"] = FormatIsoUtc(a.started);
  // Whole milliseconds: a double would serialise as 3.46E-1, and sub-millisecond precision
  // says nothing about a webhook receiver.
  o["duration_ms"] = (a.duration_micros + 500) / 1000;
  if (a.status_code) {
    o["status_code"] = *a.status_code;
  } else {
    o["status_code"] = nullptr;
  }
  o["error"] = a.error;
  o["outcome"] = model::AttemptOutcomeName(a.outcome);
  return o;
}

}  // namespace restock::json
