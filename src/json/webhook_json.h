// restock::json — JSON renderings of webhook endpoints and delivery attempts, shared by the
// CLI and the HTTP handlers (docs/webhooks.md). Secrets are never part of these; the
// add and rotate answers add them explicitly. Pure functions, thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include "model/webhook.h"

namespace restock::json {

// {"id","url","events":[…],"enabled","created","updated","previous_secret_expires"
//  (ISO time while an old secret still signs, else null)}. `now` decides the last field.
boost::json::object WebhookEndpointToJson(const model::WebhookEndpoint& endpoint, UnixMicros now);

// {"id","delivery_id","event_id","type","attempt","time","duration_ms","status_code" (null
//  when no response),"error","outcome"}.
boost::json::object DeliveryAttemptToJson(const model::DeliveryAttempt& attempt);

}  // namespace restock::json
