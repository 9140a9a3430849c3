#include "auth/authenticator.h"

#include <cassert>
#include <utility>

#include "auth/authorization_header.h"
#include "auth/signature.h"
#include "core/crypto.h"

namespace restock::auth {
namespace {

constexpr std::string_view kNoCredentials = "Authentication credentials were not provided.";
constexpr std::string_view kInvalidApiKey = "Invalid API key.";
constexpr std::string_view kInvalidSignature = "Invalid signature.";
constexpr std::string_view kExpired = "Signature expired.";
constexpr std::string_view kFuture = "Timestamp is in the future.";
constexpr std::string_view kCustomerForbidden = "Customer credentials may not update products.";
constexpr std::string_view kBodySignatureRequired = "Body signature required.";
constexpr std::string_view kBodySignatureTs = "Body signature ts does not match.";
constexpr std::string_view kInvalidBodySignature = "Invalid body signature.";
constexpr std::string_view kReplayed = "Signature already used.";

// Used only to spend the same HMAC work when the merchant or user does not exist; the
// outcome is discarded, so its value does not matter.
constexpr std::string_view kDummySecret = "restock-auth-dummy-secret-for-unknown-principals";

Status Unauthenticated(std::string_view message) {
  return UnauthenticatedError(std::string(message));
}

bool SignatureMatches(std::string_view secret, const SignedClaim& claim) {
  // Anyone can compute an HMAC with an empty key, so an empty secret never verifies.
  if (secret.empty()) {
    (void)ConstantTimeEquals(ComputeSignature(kDummySecret, claim.sig_field, claim.ts), claim.sig);
    return false;
  }
  return ConstantTimeEquals(ComputeSignature(secret, claim.sig_field, claim.ts), claim.sig);
}

// The secret `claim` was signed with: `current`, or `previous` (replaced by a rotation) until
// `previous_expires`; nullopt when neither verifies. A live previous secret is always checked
// too, so the work done does not tell which one matched.
std::optional<std::string_view> MatchingSecret(std::string_view current, std::string_view previous,
                                               UnixMicros previous_expires, UnixMicros now,
                                               const SignedClaim& claim) {
  const bool current_ok = SignatureMatches(current, claim);
  const bool previous_live = !previous.empty() && now < previous_expires;
  const bool previous_ok = previous_live && SignatureMatches(previous, claim);
  if (current_ok) return current;
  if (previous_ok) return previous;
  return std::nullopt;
}

void SpendDummyVerification(const SignedClaim& claim) {
  [[maybe_unused]] const bool ignored = SignatureMatches(kDummySecret, claim);
}

// A credential lookup's answer: found, absent, or the source's error.
template <typename T>
using Lookup = Result<std::optional<T>>;

// An in-memory answer as a lookup; nullopt (not known in memory) stays nullopt.
template <typename T>
std::optional<Lookup<T>> FromMemory(std::optional<T> cached) {
  if (!cached) return std::nullopt;
  return Lookup<T>(std::optional<T>(std::move(*cached)));
}

// Merchant-scope endpoints refuse customer signatures.
std::optional<Result<Principal>> TryMerchant(std::optional<Result<Principal>> principal) {
  if (principal && principal->ok() && (*principal)->scope == Scope::kCustomer) {
    return Result<Principal>(PermissionDeniedError(std::string(kCustomerForbidden)));
  }
  return principal;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool IsApiUserScope(std::optional<std::string_view> og_authorization) {
  if (!og_authorization) return false;
  std::string_view v = *og_authorization;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  constexpr std::string_view kTrue = "true";
  if (v.size() != kTrue.size()) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (AsciiLower(v[i]) != kTrue[i]) return false;
  }
  return true;
}

Authenticator::Authenticator(CredentialSource& source, const Clock& clock, AuthWindow window,
                             ReplayGuard* replay)
    : source_(source), clock_(clock), window_(window), replay_(replay) {
  assert(window_.max_age_seconds >= 0 && window_.max_future_seconds >= 0);
}

Result<Principal> Authenticator::Authenticate(const AuthHeaders& headers) const {
  // Without in-memory mode every path decides.
  return *AuthenticateAny(headers, /*in_memory=*/false);
}

Result<Principal> Authenticator::AuthenticateMerchant(const AuthHeaders& headers) const {
  return *TryMerchant(AuthenticateAny(headers, /*in_memory=*/false));
}

std::optional<Result<Principal>> Authenticator::TryAuthenticateMerchantInMemory(
    const AuthHeaders& headers) const {
  return TryMerchant(AuthenticateAny(headers, /*in_memory=*/true));
}

std::optional<Result<Principal>> Authenticator::AuthenticateAny(const AuthHeaders& headers,
                                                                bool in_memory) const {
  if (headers.api_key) return AuthenticateApiKey(*headers.api_key, in_memory);
  if (headers.authorization) {
    return AuthenticateSignature(headers, IsApiUserScope(headers.og_authorization), in_memory);
  }
  return Unauthenticated(kNoCredentials);
}

std::optional<Result<Principal>> Authenticator::AuthenticateApiKey(std::string_view key,
                                                                   bool in_memory) const {
  if (key.empty()) return Unauthenticated(kInvalidApiKey);
  // Looking up by hash means the stored value never equals the secret, and the lookup's
  // timing depends on the hash, not on how much of the key an attacker guessed.
  const std::string hash = HexEncode(Sha256(key));
  std::optional<Lookup<model::ApiKey>> lookup =
      in_memory ? FromMemory(source_.CachedApiKey(hash))
                : std::optional<Lookup<model::ApiKey>>(source_.FindApiKey(hash));
  if (!lookup) return std::nullopt;
  RESTOCK_ASSIGN_OR_RETURN(std::optional<model::ApiKey> found, std::move(*lookup));
  if (!found) return Unauthenticated(kInvalidApiKey);
  return Principal{.merchant_id = found->merchant_id,
                   .public_id = {},
                   .scope = Scope::kApplication,
                   .actor = found->name};
}

Status Authenticator::CheckBodySignature(const AuthHeaders& headers,
                                         const model::Merchant& merchant,
                                         std::string_view secret, std::int64_t ts) const {
  if (merchant.replay_protection != model::ReplayProtection::kStrict) return Status::Ok();
  if (!headers.body_signature) return Unauthenticated(kBodySignatureRequired);
  Result<BodySignature> body_sig = ParseBodySignatureHeader(*headers.body_signature);
  if (!body_sig.ok()) return Unauthenticated(body_sig.status().message());
  if (body_sig->ts != ts) return Unauthenticated(kBodySignatureTs);
  if (!ConstantTimeEquals(ComputeBodySignature(secret, ts, headers.body), body_sig->sig_hex)) {
    return Unauthenticated(kInvalidBodySignature);
  }
  if (replay_ == nullptr) return InternalError("replay protection is not configured");
  // The digest names the request without storing its signature.
  const std::string digest = HexEncode(Sha256(std::to_string(ts) + ":" + body_sig->sig_hex));
  const UnixMicros expires = (ts + window_.max_age_seconds + 1) * 1'000'000;
  RESTOCK_ASSIGN_OR_RETURN(bool first, replay_->FirstUse(merchant.id, digest, expires));
  if (!first) return Unauthenticated(kReplayed);
  return Status::Ok();
}

std::optional<Result<Principal>> Authenticator::AuthenticateSignature(
    const AuthHeaders& headers, bool api_user_scope, bool in_memory) const {
  RESTOCK_ASSIGN_OR_RETURN(SignedClaim claim, ParseAuthorizationHeader(*headers.authorization));

  // claim.ts < 10^18 and now is a real clock, so these differences cannot overflow.
  const std::int64_t now = clock_.NowSeconds();
  if (now - claim.ts > window_.max_age_seconds) return Unauthenticated(kExpired);
  if (claim.ts - now > window_.max_future_seconds) return Unauthenticated(kFuture);

  std::optional<Lookup<model::Merchant>> merchant_lookup =
      in_memory ? FromMemory(source_.CachedMerchant(claim.public_id))
                : std::optional<Lookup<model::Merchant>>(source_.FindMerchant(claim.public_id));
  if (!merchant_lookup) return std::nullopt;
  RESTOCK_ASSIGN_OR_RETURN(std::optional<model::Merchant> merchant, std::move(*merchant_lookup));
  if (!merchant) {
    SpendDummyVerification(claim);
    return Unauthenticated(kInvalidSignature);
  }
  // Strict replay protection remembers each signature in the database: not in memory.
  if (in_memory && merchant->replay_protection == model::ReplayProtection::kStrict) {
    return std::nullopt;
  }

  const UnixMicros now_micros = clock_.NowMicros();
  if (!api_user_scope) {
    std::optional<std::string_view> key =
        MatchingSecret(merchant->hash_key, merchant->previous_hash_key,
                       merchant->previous_hash_key_expires, now_micros, claim);
    if (!key) return Unauthenticated(kInvalidSignature);
    RESTOCK_RETURN_IF_ERROR(CheckBodySignature(headers, *merchant, *key, claim.ts));
    return Principal{.merchant_id = merchant->id,
                     .public_id = std::move(claim.public_id),
                     .scope = Scope::kCustomer,
                     .actor = std::move(claim.sig_field)};
  }

  std::optional<Lookup<model::ApiUser>> user_lookup =
      in_memory ? FromMemory(source_.CachedApiUser(merchant->id, claim.sig_field))
                : std::optional<Lookup<model::ApiUser>>(
                      source_.FindApiUser(merchant->id, claim.sig_field));
  if (!user_lookup) return std::nullopt;
  RESTOCK_ASSIGN_OR_RETURN(std::optional<model::ApiUser> user, std::move(*user_lookup));
  if (!user) {
    SpendDummyVerification(claim);
    return Unauthenticated(kInvalidSignature);
  }
  std::optional<std::string_view> secret = MatchingSecret(
      user->secret, user->previous_secret, user->previous_secret_expires, now_micros, claim);
  if (!secret) return Unauthenticated(kInvalidSignature);
  RESTOCK_RETURN_IF_ERROR(CheckBodySignature(headers, *merchant, *secret, claim.ts));
  return Principal{.merchant_id = merchant->id,
                   .public_id = std::move(claim.public_id),
                   .scope = Scope::kApiUser,
                   .actor = std::move(user->username)};
}

}  // namespace restock::auth
