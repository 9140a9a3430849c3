#include "handoff/targets.h"

#include "webhooks/endpoints.h"

namespace restock::handoff {
namespace {

Status CheckRange(const std::optional<std::int64_t>& value, std::int64_t min, std::int64_t max,
                  const char* flag) {
  if (value && (*value < min || *value > max)) {
    return InvalidArgumentError(std::string(flag) + " must be " + std::to_string(min) + " to " +
                                std::to_string(max));
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<model::PlacementTarget>> ApplyTargetChange(
    const std::optional<model::PlacementTarget>& current, const TargetChange& change,
    const core::TargetPolicy& targets) {
  if (change.url && change.url->empty()) {
    TargetChange rest = change;
    rest.url.reset();
    if (!rest.empty()) {
      return InvalidArgumentError(
          "--placement-url '' removes the target: give no other --placement-* flag with it");
    }
    return std::optional<model::PlacementTarget>();
  }
  RESTOCK_RETURN_IF_ERROR(CheckRange(change.concurrency, 1, kMaxConcurrency,
                                     "--placement-concurrency"));
  RESTOCK_RETURN_IF_ERROR(CheckRange(change.timeout_ms, 1, kMaxTimeoutMs,
                                     "--placement-timeout-ms"));
  RESTOCK_RETURN_IF_ERROR(CheckRange(change.max_retries, 0, kMaxRetries,
                                     "--placement-max-retries"));
  std::optional<model::PlacementFormat> format;
  if (change.format) {
    format = model::ParsePlacementFormat(*change.format);
    if (!format) return InvalidArgumentError("--placement-format must be xml or json");
  }
  if (!change.url && !current) {
    return FailedPreconditionError(
        "the merchant has no placement target: give --placement-url with the other "
        "--placement-* flags");
  }
  model::PlacementTarget target = current.value_or(model::PlacementTarget{});
  if (change.url) {
    if (Status s = webhooks::ValidateUrl(*change.url); !s.ok()) {
      return InvalidArgumentError("--placement-url: " + s.message());
    }
    if (Status s = targets.CheckHostLiteral(webhooks::UrlHost(*change.url)); !s.ok()) {
      return InvalidArgumentError("--placement-url: " + s.message());
    }
    target.url = *change.url;
  }
  if (format) target.format = *format;
  if (change.concurrency) target.concurrency = static_cast<int>(*change.concurrency);
  if (change.timeout_ms) target.timeout_ms = static_cast<int>(*change.timeout_ms);
  if (change.max_retries) target.max_retries = static_cast<int>(*change.max_retries);
  return std::optional<model::PlacementTarget>(std::move(target));
}

Result<std::optional<model::PlacementTarget>> UpdateTarget(store::Database& db,
                                                           model::MerchantId merchant,
                                                           const TargetChange& change,
                                                           const core::TargetPolicy& targets) {
  std::optional<model::PlacementTarget> result;
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto current, tx.handoff().FindTarget(merchant));
    RESTOCK_ASSIGN_OR_RETURN(result, ApplyTargetChange(current, change, targets));
    return tx.handoff().SetTarget(merchant, result);
  }));
  return result;
}

}  // namespace restock::handoff
