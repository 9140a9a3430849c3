// restock::cli — credentials over their lifetime (docs/security.md, "Rotating credentials"):
//   api-key list|revoke, api-user list|remove|rotate, merchant rotate-hash-key.
// Each function resolves the merchant, calls accounts/credentials.h once and prints JSON on
// ctx.out; CredentialCommands registers them on the command line.
#pragma once

#include <CLI/CLI.hpp>
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "accounts/credentials.h"
#include "cli/commands.h"

namespace restock::cli {

// `api-key list`: [{"id","name","created","last_used"}] by id; never the key.
Status ApiKeyList(Context& ctx, const std::string& merchant);
// `api-key revoke`: {"id","revoked":true}.
Status ApiKeyRevoke(Context& ctx, const std::string& merchant, std::int64_t id);
// `api-user list`: [{"username","created"}] by username; never a secret.
Status ApiUserList(Context& ctx, const std::string& merchant);
// `api-user remove`: {"username","removed":true}.
Status ApiUserRemove(Context& ctx, const std::string& merchant, const std::string& username);
// `api-user rotate`: {"username","secret"}; the old secret works for `overlap_hours` more.
Status ApiUserRotate(Context& ctx, const std::string& merchant, const std::string& username,
                     const std::optional<std::string>& secret, double overlap_hours);
// `merchant rotate-hash-key`: {"public_id","hash_key"}; the old key works `overlap_hours` more.
Status MerchantRotateHashKey(Context& ctx, const std::string& merchant, double overlap_hours);

// The subcommands above on the command line. Registers them in the `api-key`, `api-user` and
// `merchant` groups of `app`, creating a group that does not exist yet.
class CredentialCommands {
 public:
  // `add_db` adds the --db flag to each subcommand.
  template <typename AddDb>
  CredentialCommands(CLI::App& app, AddDb add_db) {
    Register(app);
    for (CLI::App* c : All()) add_db(c);
  }
  // True when one of these subcommands was chosen on the command line.
  bool chosen() const;
  // Runs the chosen subcommand. REQUIRES: chosen().
  Status Run(Context& ctx) const;

 private:
  void Register(CLI::App& app);
  std::array<CLI::App*, 6> All() const {
    return {key_list_, key_revoke_, user_list_, user_remove_, user_rotate_, rotate_hash_key_};
  }

  CLI::App* key_list_ = nullptr;
  CLI::App* key_revoke_ = nullptr;
  CLI::App* user_list_ = nullptr;
  CLI::App* user_remove_ = nullptr;
  CLI::App* user_rotate_ = nullptr;
  CLI::App* rotate_hash_key_ = nullptr;
  std::string merchant_, username_;
  std::optional<std::string> secret_;
  std::int64_t id_ = 0;
  double overlap_hours_ = accounts::kDefaultOverlapHours;
};

}  // namespace restock::cli
