#include "webhooks/endpoints.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/crypto.h"
#include "core/text.h"
#include "core/time_format.h"

namespace restock::webhooks {
namespace {

std::string KnownTypes() {
  std::string out;
  for (model::WebhookEventType t : model::AllWebhookEventTypes()) {
    if (!out.empty()) out += ", ";
    out += model::WebhookEventTypeName(t);
  }
  return out;
}

}  // namespace

Status ValidateUrl(std::string_view url) {
  if (url.empty()) return InvalidArgumentError("url is required");
  if (url.size() > kMaxUrlBytes) {
    return InvalidArgumentError("url is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) {
      return InvalidArgumentError("url must not contain spaces or control characters");
    }
  }
  std::string_view rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else {
    return InvalidArgumentError("url must start with http:// or https://");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    std::size_t close = host.find(']');
    if (close == std::string_view::npos) return InvalidArgumentError("url has a malformed host");
    host = host.substr(0, close + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty() || host == "[]") return InvalidArgumentError("url must name a host");
  std::string_view port = authority.substr(host.size());
  if (!port.empty()) {
    if (port.front() != ':' || port.size() == 1 || port.size() > 6 ||
        !std::all_of(port.begin() + 1, port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidArgumentError("url has a malformed port");
    }
  }
  return Status::Ok();
}

Result<std::vector<model::WebhookEventType>> ParseEventTypes(
    const std::vector<std::string>& names) {
  std::vector<model::WebhookEventType> out;
  for (const std::string& raw : names) {
    std::string_view name = core::TrimBlanks(raw);
    std::optional<model::WebhookEventType> t = model::ParseWebhookEventType(name);
    if (!t) {
      return InvalidArgumentError("unknown event type '" + std::string(name) +
                                  "' (known: " + KnownTypes() + ")");
    }
    if (std::find(out.begin(), out.end(), *t) == out.end()) out.push_back(*t);
  }
  if (out.empty()) return InvalidArgumentError("at least one event type is required");
  return out;
}

Result<std::vector<model::WebhookEventType>> ParseEventTypeList(std::string_view list) {
  std::vector<std::string> names;
  while (true) {
    std::size_t comma = list.find(',');
    names.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (names.size() == 1 && core::TrimBlanks(names[0]).empty()) names.clear();
  return ParseEventTypes(names);
}

Status ValidateSecret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes || secret.size() > kMaxSecretBytes) {
    return InvalidArgumentError("secret must be " + std::to_string(kMinSecretBytes) + " to " +
                                std::to_string(kMaxSecretBytes) + " characters");
  }
  for (unsigned char c : secret) {
    if (c <= 0x20 || c >= 0x7f) {
      return InvalidArgumentError("secret must be printable ASCII without spaces");
    }
  }
  return Status::Ok();
}

std::string NewSecret() { return "whsec_" + RandomToken(32); }

Result<UnixMicros> ParseTimestamp(std::string_view text) {
  const Status bad =
      InvalidArgumentError("time must be YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD or Unix seconds");
  auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (digits(text)) {
    if (text.size() > 12) return bad;
    return static_cast<UnixMicros>(std::stoll(std::string(text))) * 1'000'000;
  }
  if (text.size() < 10) return bad;
  std::optional<CivilDate> date = ParseDate(text.substr(0, 10));
  if (!date) return bad;
  UnixMicros micros = DaysFromCivil(*date) * 86'400LL * 1'000'000;
  if (text.size() == 10) return micros;
  // THH:MM:SS[.f]Z
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z' || !digits(text.substr(11, 2)) || !digits(text.substr(14, 2)) ||
      !digits(text.substr(17, 2))) {
    return bad;
  }
  int h = std::stoi(std::string(text.substr(11, 2)));
  int m = std::stoi(std::string(text.substr(14, 2)));
  int sec = std::stoi(std::string(text.substr(17, 2)));
  if (h > 23 || m > 59 || sec > 59) return bad;
  std::string_view frac = text.substr(19, text.size() - 20);
  UnixMicros sub = 0;
  if (!frac.empty()) {
    if (frac[0] != '.' || !digits(frac.substr(1)) || frac.size() > 7) return bad;
    std::string f(frac.substr(1));
    f.resize(6, '0');
    sub = std::stoll(f);
  }
  return micros + ((h * 60LL + m) * 60 + sec) * 1'000'000 + sub;
}

Result<model::WebhookEndpoint> EndpointService::Load(store::Transaction& tx,
                                                     model::MerchantId merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(auto found, tx.webhook_endpoints().Find(merchant, id));
  if (!found) return NotFoundError("no webhook endpoint " + std::to_string(id));
  return std::move(*found);
}

Result<model::WebhookEndpoint> EndpointService::Add(
    model::MerchantId merchant, const std::string& url,
    const std::vector<model::WebhookEventType>& events, const std::optional<std::string>& secret) {
  RESTOCK_RETURN_IF_ERROR(ValidateUrl(url));
  if (events.empty()) return InvalidArgumentError("at least one event type is required");
  if (secret) RESTOCK_RETURN_IF_ERROR(ValidateSecret(*secret));
  model::WebhookEndpoint e;
  e.merchant_id = merchant;
  e.url = url;
  e.events = events;
  e.secret = secret ? *secret : NewSecret();
  e.enabled = true;
  e.created = e.updated = clock_.NowMicros();
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(e.id, tx.webhook_endpoints().Create(e));
    return Status::Ok();
  }));
  return e;
}

Result<std::vector<model::WebhookEndpoint>> EndpointService::List(model::MerchantId merchant) {
  std::vector<model::WebhookEndpoint> out;
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(out, tx.webhook_endpoints().ListForMerchant(merchant));
    return Status::Ok();
  }));
  return out;
}

Result<model::WebhookEndpoint> EndpointService::Get(model::MerchantId merchant, std::int64_t id) {
  model::WebhookEndpoint out;
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(out, Load(tx, merchant, id));
    return Status::Ok();
  }));
  return out;
}

Result<model::WebhookEndpoint> EndpointService::Rotate(model::MerchantId merchant, std::int64_t id,
                                                       const std::optional<std::string>& secret) {
  if (secret) RESTOCK_RETURN_IF_ERROR(ValidateSecret(*secret));
  const std::string fresh = secret ? *secret : NewSecret();
  model::WebhookEndpoint out;
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(out, Load(tx, merchant, id));
    if (fresh == out.secret) {
      return InvalidArgumentError("the new secret must differ from the current one");
    }
    const UnixMicros now = clock_.NowMicros();
    out.previous_secret = std::move(out.secret);
    out.previous_secret_expires = now + rotation_overlap_;
    out.secret = fresh;
    out.updated = now;
    return tx.webhook_endpoints().Update(out);
  }));
  return out;
}

Result<model::WebhookEndpoint> EndpointService::SetEnabled(model::MerchantId merchant,
                                                           std::int64_t id, bool enabled) {
  model::WebhookEndpoint out;
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(out, Load(tx, merchant, id));
    if (out.enabled == enabled) return Status::Ok();
    out.enabled = enabled;
    out.updated = clock_.NowMicros();
    return tx.webhook_endpoints().Update(out);
  }));
  return out;
}

Result<std::size_t> EndpointService::Replay(model::MerchantId merchant, std::int64_t endpoint_id,
                                            const ReplayRequest& request) {
  if (request.delivery_id.has_value() == request.since.has_value()) {
    return InvalidArgumentError("replay needs either a delivery id or a since time");
  }
  std::size_t count = 0;
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    count = 0;
    RESTOCK_RETURN_IF_ERROR(Load(tx, merchant, endpoint_id).status());
    std::vector<model::WebhookDelivery> originals;
    if (request.delivery_id) {
      RESTOCK_ASSIGN_OR_RETURN(auto d, tx.webhook_outbox().Find(merchant, *request.delivery_id));
      if (!d || d->endpoint_id != endpoint_id) {
        return NotFoundError("no delivery " + std::to_string(*request.delivery_id) +
                             " for webhook endpoint " + std::to_string(endpoint_id));
      }
      originals.push_back(std::move(*d));
    } else {
      std::int64_t after = 0;
      for (;;) {
        RESTOCK_ASSIGN_OR_RETURN(auto page, tx.webhook_outbox().ListForEndpoint(
                                                merchant, endpoint_id, *request.since, after, 500));
        if (page.empty()) break;
        after = page.back().id;
        for (auto& d : page) originals.push_back(std::move(d));
      }
    }
    const UnixMicros now = clock_.NowMicros();
    std::set<std::string> seen;
    std::vector<model::WebhookDelivery> copies;
    for (auto& d : originals) {
      if (!seen.insert(d.event_id).second) continue;
      model::WebhookDelivery copy = std::move(d);
      copy.id = 0;
      copy.created = now;
      copy.status = model::DeliveryStatus::kPending;
      copy.attempts = 0;
      copy.next_attempt_at = now;
      copy.completed.reset();
      copies.push_back(std::move(copy));
    }
    count = copies.size();
    if (copies.empty()) return Status::Ok();
    return tx.webhook_outbox().Enqueue(copies);
  }));
  return count;
}

Result<std::vector<model::DeliveryAttempt>> EndpointService::Attempts(
    model::MerchantId merchant, std::int64_t endpoint_id, std::optional<std::int64_t> before_id,
    std::size_t limit) {
  std::vector<model::DeliveryAttempt> out;
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(Load(tx, merchant, endpoint_id).status());
    RESTOCK_ASSIGN_OR_RETURN(
        out, tx.webhook_attempts().ListForEndpoint(merchant, endpoint_id, before_id, limit));
    return Status::Ok();
  }));
  return out;
}

}  // namespace restock::webhooks
