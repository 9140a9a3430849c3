// restock::store — how both backends store domain values that SQL has no type for, and the
// messages they give for what a statement reports. Used by store/sqlite and store/postgres
// only; callers of the store never see these encodings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "model/handoff.h"
#include "model/webhook.h"

namespace restock::store {

// A LIMIT value: `limit` capped at the largest int64 (callers pass SIZE_MAX for "no limit").
std::int64_t LimitValue(std::size_t limit);

// An endpoint's event types as one column: their names joined by ',' ("" for none).
std::string JoinEventTypes(const std::vector<model::WebhookEventType>& types);

// The inverse of JoinEventTypes. Internal when a name is unknown (a broken invariant: only
// JoinEventTypes writes the column).
Result<std::vector<model::WebhookEventType>> SplitEventTypes(std::string_view text);

// One stored event type name; Internal when it is unknown (as for SplitEventTypes).
Result<model::WebhookEventType> ParseStoredEventType(std::string_view name);

// An address as one column: its fields in declaration order joined by '\x1f' ("" for an
// empty address). Callers never store control characters in a field (handoff/ refuses them).
std::string EncodeAddress(const model::Address& address);
// The inverse of EncodeAddress. Internal when the text does not hold the fields.
Result<model::Address> DecodeAddress(std::string_view text);

// `status` unchanged unless it is AlreadyExists, which is given the message `what` (naming
// what collided, never the value).
Status DescribeDuplicate(Status status, const char* what);

}  // namespace restock::store
