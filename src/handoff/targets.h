// restock::handoff — a merchant's placement target (docs/handoff.md, "Placement target"):
// checking and changing it. Adapters (cli/) pass what the operator typed; every rule about
// the values is here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/target_policy.h"
#include "model/handoff.h"
#include "store/database.h"

namespace restock::handoff {

inline constexpr int kMaxConcurrency = 64;
inline constexpr int kMaxTimeoutMs = 600'000;
inline constexpr int kMaxRetries = 100;

// What `merchant update` changes; nullopt = unchanged.
struct TargetChange {
  std::optional<std::string> url = {};     // "" removes the target
  std::optional<std::string> format = {};  // xml|json
  std::optional<std::int64_t> concurrency = {};
  std::optional<std::int64_t> timeout_ms = {};
  std::optional<std::int64_t> max_retries = {};
  bool empty() const {
    return !url && !format && !concurrency && !timeout_ms && !max_retries;
  }
};

// `current` (nullopt: none) with `change` applied; nullopt when the change removes it.
// InvalidArgument naming the flag (--placement-url, …) when a value is refused: the URL as
// webhooks::ValidateUrl, a literal address `targets` refuses, format not xml|json,
// concurrency 1..kMaxConcurrency, timeout 1..kMaxTimeoutMs ms, retries 0..kMaxRetries, or
// --placement-url '' together with other placement flags. FailedPrecondition when settings
// are changed without a URL and the merchant has no target.
Result<std::optional<model::PlacementTarget>> ApplyTargetChange(
    const std::optional<model::PlacementTarget>& current, const TargetChange& change,
    const core::TargetPolicy& targets);

// Applies `change` to the merchant's stored target in one transaction and returns the
// result. Nothing changes when it fails (errors of ApplyTargetChange; NotFound for an
// unknown merchant).
Result<std::optional<model::PlacementTarget>> UpdateTarget(store::Database& db,
                                                           model::MerchantId merchant,
                                                           const TargetChange& change,
                                                           const core::TargetPolicy& targets);

}  // namespace restock::handoff
