// restock::auth — deciding who sent a request (SPEC §2), from plain header strings.
//
// Two kinds of credentials:
//   x-api-key: KEY                       application scope (looked up by SHA-256 of KEY)
//   authorization: {"public_id",…}       HMAC; with `og-authorization: True` API-user scope
//                                        (key = the API user's secret, sig_field = username),
//                                        otherwise customer scope (key = the merchant's
//                                        hash key, sig_field = customer id)
// When both are sent, x-api-key decides alone.
//
// Order of checks for HMAC, and why:
//   1. parse the header                      -> "Malformed authorization header."
//   2. ts window, before any lookup          -> "Signature expired." /
//                                               "Timestamp is in the future."
//      ts is public, so checking it first reveals nothing, and replayed or stale headers
//      cost no database work.
//   3. merchant, then (API-user scope) the API user; unknown ones are answered exactly
//      like a wrong signature ("Invalid signature.") after computing an HMAC with a dummy
//      key, so neither the message nor the work done tells which merchants or users exist
//      (a cache miss in the CredentialSource can still be visible in latency).
//   4. signature, compared in constant time against the canonical base64 of the HMAC, made
//      with the current secret (hash key) or, until its expiry, the one a rotation replaced.
//   5. only for a merchant in strict replay protection (auth/replay_protection.h), after a
//      valid signature: X-Restock-Signature present ("Body signature required."), well
//      formed ("Malformed X-Restock-Signature header."), same ts ("Body signature ts does
//      not match."), valid over the body ("Invalid body signature."), and not used before
//      ("Signature already used."; remembering it is the one database write of this path).
//      x-api-key requests are not affected: whoever holds that header holds the key.
// Errors from the CredentialSource (Unavailable, Internal, …) are returned unchanged.
// No message ever contains a secret, a signature or a key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "model/ids.h"
#include "model/merchant.h"
#include "auth/replay_protection.h"

namespace restock::auth {

// How far a signed ts may lie from now: valid while now - max_age <= ts <= now + max_future.
struct AuthWindow {
  std::int64_t max_age_seconds = 7200;
  std::int64_t max_future_seconds = 300;
};

enum class Scope { kApiUser, kApplication, kCustomer };

// An authenticated caller. It may act on merchant_id's data only.
struct Principal {
  model::MerchantId merchant_id = 0;
  // The merchant's public id as named by an HMAC header; empty for kApplication, whose key
  // identifies the merchant by internal id only.
  std::string public_id;
  Scope scope = Scope::kApiUser;
  // kApiUser: the API username; kApplication: the key's name; kCustomer: the customer id.
  std::string actor;

  bool operator==(const Principal&) const = default;
};

// Raw header values as received (names are case-insensitive in HTTP; the caller looks them
// up). nullopt = header absent. The views must outlive the call only.
struct AuthHeaders {
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> og_authorization;
  std::optional<std::string_view> api_key;
  // For merchants in strict replay protection (auth/replay_protection.h): the
  // X-Restock-Signature header and the raw request body it signs.
  std::optional<std::string_view> body_signature = std::nullopt;
  std::string_view body = {};
};

// Where credentials come from. Implementations must be thread-safe.
// Each method returns nullopt when nothing matches, and a non-OK Status only for faults of
// the source itself (Unavailable, Internal).
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual Result<std::optional<model::Merchant>> FindMerchant(std::string_view public_id) = 0;
  virtual Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId merchant,
                                                            std::string_view username) = 0;
  // `key_sha256_hex` is the lower-case hex SHA-256 of the key as sent.
  virtual Result<std::optional<model::ApiKey>> FindApiKey(std::string_view key_sha256_hex) = 0;

  // Non-blocking lookups, for callers that must not wait (an I/O thread): the credential
  // when the source holds it in memory, nullopt when only the Find* call above can tell
  // (it may exist or not). A value returned here must be what Find* would return now.
  // The defaults know nothing without blocking.
  virtual std::optional<model::Merchant> CachedMerchant(std::string_view /*public_id*/) {
    return std::nullopt;
  }
  virtual std::optional<model::ApiUser> CachedApiUser(model::MerchantId /*merchant*/,
                                                      std::string_view /*username*/) {
    return std::nullopt;
  }
  virtual std::optional<model::ApiKey> CachedApiKey(std::string_view /*key_sha256_hex*/) {
    return std::nullopt;
  }
};

// Checks credentials. Thread-safe (immutable after construction) when the source is.
// Does not own `source` or `clock`; both must outlive it.
class Authenticator {
 public:
  // `replay` (not owned, may be null) remembers strictly signed requests; without it a
  // merchant in strict mode cannot authenticate (Internal).
  // REQUIRES: window.max_age_seconds >= 0, window.max_future_seconds >= 0.
  Authenticator(CredentialSource& source, const Clock& clock, AuthWindow window = {},
                ReplayGuard* replay = nullptr);

  // Returns the principal of any valid credential, customer scope included.
  // Unauthenticated when credentials are absent ("Authentication credentials were not
  // provided."), malformed, expired, in the future, or do not verify ("Invalid API key.",
  // "Invalid signature."); the source's own error when it fails.
  Result<Principal> Authenticate(const AuthHeaders& headers) const;

  // For merchant-scope endpoints (products-batch update etc.): like Authenticate, but a
  // valid customer-scope signature yields PermissionDenied("Customer credentials may not
  // update products.").
  Result<Principal> AuthenticateMerchant(const AuthHeaders& headers) const;

  // AuthenticateMerchant without blocking, for an I/O thread: decides only from what needs
  // no database (the header, the ts window, credentials the source holds in memory:
  // CredentialSource::Cached*). Returns nullopt when that is not enough — a credential not
  // in memory (unknown ones never are), or a merchant in strict replay protection (whose
  // check writes to the database) — and the caller must call AuthenticateMerchant where it
  // may block, which then decides. A result returned is the one AuthenticateMerchant would
  // return.
  std::optional<Result<Principal>> TryAuthenticateMerchantInMemory(
      const AuthHeaders& headers) const;

 private:
  // In these, `in_memory` selects the Cached* lookups, and nullopt means "not decidable in
  // memory"; without it they never return nullopt.
  std::optional<Result<Principal>> AuthenticateAny(const AuthHeaders& headers,
                                                   bool in_memory) const;
  std::optional<Result<Principal>> AuthenticateApiKey(std::string_view key, bool in_memory) const;
  std::optional<Result<Principal>> AuthenticateSignature(const AuthHeaders& headers,
                                                         bool api_user_scope,
                                                         bool in_memory) const;
  // Strict replay protection, after the authorization signature verified with `secret`.
  Status CheckBodySignature(const AuthHeaders& headers, const model::Merchant& merchant,
                            std::string_view secret, std::int64_t ts) const;

  CredentialSource& source_;
  const Clock& clock_;
  AuthWindow window_;
  ReplayGuard* replay_;
};

// True when an og-authorization value selects API-user scope: "true" in any letter case,
// surrounding spaces and tabs ignored.
bool IsApiUserScope(std::optional<std::string_view> og_authorization);

}  // namespace restock::auth
