#include "webhooks/endpoints.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <span>
#include <unordered_set>
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

namespace {

// The authority of an http(s) URL (between "://" and the path), or empty.
std::string_view UrlAuthority(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  return authority;
}

// A DNS name: dot-separated labels of letters, digits, '-' and '_' (a trailing dot allowed).
bool IsHostName(std::string_view host) {
  if (host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > 253) return false;
  for (;;) {
    const std::string_view label = host.substr(0, host.find('.'));
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    if (label.size() == host.size()) return true;
    host.remove_prefix(label.size() + 1);
  }
}

}  // namespace

std::string_view UrlHost(std::string_view url) {
  std::string_view host = UrlAuthority(url);
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

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
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidArgumentError("url must start with http:// or https://");
  }
  const std::string_view authority = UrlAuthority(url);
  if (!authority.empty() && authority.front() == '[' &&
      authority.find(']') == std::string_view::npos) {
    return InvalidArgumentError("url has a malformed host");
  }
  const std::string_view host = UrlHost(url);
  if (host.empty() || host == "[]") return InvalidArgumentError("url must name a host");
  if (host.front() == '[') {
    const std::string inner(host.substr(1, host.size() - 2));
    unsigned char addr[16];
    if (inet_pton(AF_INET6, inner.c_str(), addr) != 1) {
      return InvalidArgumentError("url has a malformed IPv6 address");
    }
  } else if (!IsHostName(host)) {
    return InvalidArgumentError("url has a malformed host '" + std::string(host) + "'");
  }
  std::string_view port = authority.substr(host.size());
  if (!port.empty()) {
    if (port.front() != ':' || port.size() == 1 || port.size() > 6 ||
        !std::all_of(port.begin() + 1, port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port.substr(1))) < 1 ||
        std::stoi(std::string(port.substr(1))) > 65535) {
      return InvalidArgumentError("url has a malformed port (1-65535)");
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
  RESTOCK_RETURN_IF_ERROR(targets_.CheckHostLiteral(UrlHost(url)));
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

namespace {

// A new pending delivery of the same event and body, due now.
model::WebhookDelivery ReplayCopy(model::WebhookDelivery d, UnixMicros now) {
  d.id = 0;
  d.created = now;
  d.status = model::DeliveryStatus::kPending;
  d.attempts = 0;
  d.next_attempt_at = now;
  d.completed.reset();
  return d;
}

// Runs `work` through the database's group-commit writer and waits for its outcome.
Status SubmitAndWait(store::Database& db, store::Work work) {
  std::promise<Status> done;
  std::future<Status> outcome = done.get_future();
  db.Submit(std::move(work), [&done](Status s) { done.set_value(std::move(s)); });
  return outcome.get();
}

}  // namespace

Result<std::size_t> EndpointService::Replay(model::MerchantId merchant, std::int64_t endpoint_id,
                                            const ReplayRequest& request) {
  if (request.delivery_id.has_value() == request.since.has_value()) {
    return InvalidArgumentError("replay needs either a delivery id or a since time");
  }
  if (request.delivery_id) {
    std::size_t count = 0;
    RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
      RESTOCK_RETURN_IF_ERROR(Load(tx, merchant, endpoint_id).status());
      RESTOCK_ASSIGN_OR_RETURN(auto d, tx.webhook_outbox().Find(merchant, *request.delivery_id));
      if (!d || d->endpoint_id != endpoint_id) {
        return NotFoundError("no delivery " + std::to_string(*request.delivery_id) +
                             " for webhook endpoint " + std::to_string(endpoint_id));
      }
      const model::WebhookDelivery copy = ReplayCopy(std::move(*d), clock_.NowMicros());
      count = 1;
      return tx.webhook_outbox().Enqueue(std::span(&copy, 1));
    }));
    return count;
  }
  // Since a time: a chunk at a time, read from a snapshot and enqueued through the writer,
  // so neither memory nor the write lock grows with the endpoint's history. Only the event
  // ids seen so far are kept, to send each event once.
  RESTOCK_RETURN_IF_ERROR(Get(merchant, endpoint_id).status());
  std::unordered_set<std::string> seen;
  std::size_t count = 0;
  std::int64_t after = 0;
  for (;;) {
    std::vector<model::WebhookDelivery> page;
    RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(
          page, tx.webhook_outbox().ListForEndpoint(merchant, endpoint_id, *request.since, after,
                                                    kReplayChunk));
      return Status::Ok();
    }));
    if (page.empty()) break;
    after = page.back().id;
    const UnixMicros now = clock_.NowMicros();
    std::vector<model::WebhookDelivery> copies;
    for (auto& d : page) {
      if (seen.insert(d.event_id).second) copies.push_back(ReplayCopy(std::move(d), now));
    }
    if (copies.empty()) continue;
    RESTOCK_RETURN_IF_ERROR(SubmitAndWait(db_, [&copies](store::Transaction& tx) -> Status {
      return tx.webhook_outbox().Enqueue(copies);
    }));
    count += copies.size();
  }
  return count;
}

Status EndpointService::Remove(model::MerchantId merchant, std::int64_t id) {
  RESTOCK_RETURN_IF_ERROR(SetEnabled(merchant, id, false).status());
  for (;;) {
    std::size_t deleted = 0;
    RESTOCK_RETURN_IF_ERROR(SubmitAndWait(db_, [&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(deleted,
                               tx.webhook_outbox().DeleteForEndpoint(merchant, id, kRemoveChunk));
      RESTOCK_ASSIGN_OR_RETURN(std::size_t attempts,
                               tx.webhook_attempts().DeleteForEndpoint(merchant, id, kRemoveChunk));
      deleted += attempts;
      return Status::Ok();
    }));
    if (deleted == 0) break;
  }
  return SubmitAndWait(db_, [&](store::Transaction& tx) -> Status {
    return tx.webhook_endpoints().Delete(merchant, id);
  });
}

Result<std::size_t> PruneDeliveryHistory(store::Database& db, UnixMicros before) {
  std::size_t total = 0;
  for (;;) {
    std::size_t deleted = 0;
    RESTOCK_RETURN_IF_ERROR(SubmitAndWait(db, [&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(deleted, tx.webhook_outbox().PruneCompleted(before, kRemoveChunk));
      RESTOCK_ASSIGN_OR_RETURN(std::size_t attempts,
                               tx.webhook_attempts().PruneStarted(before, kRemoveChunk));
      deleted += attempts;
      return Status::Ok();
    }));
    total += deleted;
    if (deleted == 0) return total;
  }
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
