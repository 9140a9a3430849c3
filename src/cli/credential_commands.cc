#include "cli/credential_commands.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "cli/command_line.h"
#include "core/time_format.h"

namespace restock::cli {
namespace {

void Print(Context& ctx, const boost::json::value& v) {
  ctx.out << boost::json::serialize(v) << '\n';
}

// The group named `name` of `app`, created (requiring a subcommand) when absent.
CLI::App* Group(CLI::App& app, const std::string& name, const std::string& description) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return app.add_subcommand(name, description)->require_subcommand(1);
}

}  // namespace

Status ApiKeyList(Context& ctx, const std::string& merchant) {
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::ApiKey> keys, accounts::ListApiKeys(ctx.db, merchant));
  boost::json::array out;
  for (const model::ApiKey& key : keys) {
    out.emplace_back(boost::json::object{
        {"id", key.id},
        {"name", key.name},
        {"created", FormatIsoUtc(key.created)},
        {"last_used", key.last_used ? boost::json::value(FormatIsoUtc(*key.last_used))
                                    : boost::json::value(nullptr)}});
  }
  Print(ctx, out);
  return Status::Ok();
}

Status ApiKeyRevoke(Context& ctx, const std::string& merchant, std::int64_t id) {
  RESTOCK_RETURN_IF_ERROR(accounts::RevokeApiKey(ctx.db, merchant, id));
  Print(ctx, boost::json::object{{"id", id}, {"revoked", true}});
  return Status::Ok();
}

Status ApiUserList(Context& ctx, const std::string& merchant) {
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::ApiUser> users,
                           accounts::ListApiUsers(ctx.db, merchant));
  boost::json::array out;
  for (const model::ApiUser& user : users) {
    out.emplace_back(
        boost::json::object{{"username", user.username}, {"created", FormatIsoUtc(user.created)}});
  }
  Print(ctx, out);
  return Status::Ok();
}

Status ApiUserRemove(Context& ctx, const std::string& merchant, const std::string& username) {
  RESTOCK_RETURN_IF_ERROR(accounts::RemoveApiUser(ctx.db, merchant, username));
  Print(ctx, boost::json::object{{"username", username}, {"removed", true}});
  return Status::Ok();
}

Status ApiUserRotate(Context& ctx, const std::string& merchant, const std::string& username,
                     const std::optional<std::string>& secret, double overlap_hours) {
  RESTOCK_ASSIGN_OR_RETURN(
      model::ApiUser user,
      accounts::RotateApiUserSecret(ctx.db, ctx.clock, merchant, username, secret, overlap_hours));
  Print(ctx, boost::json::object{{"username", user.username}, {"secret", user.secret}});
  return Status::Ok();
}

Status MerchantRotateHashKey(Context& ctx, const std::string& merchant, double overlap_hours) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m,
                           accounts::RotateHashKey(ctx.db, ctx.clock, merchant, overlap_hours));
  Print(ctx, boost::json::object{{"public_id", m.public_id}, {"hash_key", m.hash_key}});
  return Status::Ok();
}

}  // namespace restock::cli

// ------------------------------------------------------------------ registration

namespace restock::cli {
namespace {

// Registers the subcommands in the `api-key`, `api-user` and `merchant` groups of `app`,
// creating a group that does not exist yet.
class CredentialCommands : public DatabaseCommandGroup {
 public:
  explicit CredentialCommands(CLI::App& app)
      : key_list_(Group(app, "api-key", "application keys"), "list",
                  "print the merchant's keys (never the keys)"),
        key_revoke_(Group(app, "api-key", "application keys"), "revoke",
                    "delete a key; refused once caches expire"),
        user_list_(Group(app, "api-user", "API users (HMAC)"), "list",
                   "print the merchant's API users (never secrets)"),
        user_remove_(Group(app, "api-user", "API users (HMAC)"), "remove", "delete an API user"),
        user_rotate_(Group(app, "api-user", "API users (HMAC)"), "rotate",
                     "new secret; the old one works for an overlap"),
        rotate_hash_key_(Group(app, "merchant", "merchants"), "rotate-hash-key",
                         "new customer-scope hash key; the old one works for an overlap") {
    for (const Command* c : {&key_list_, &key_revoke_, &user_list_, &user_remove_, &user_rotate_}) {
      (*c)->add_option("--merchant", merchant_, "merchant public id")->required();
    }
    for (const Command* c : {&user_remove_, &user_rotate_}) {
      (*c)->add_option("--username", username_, "API username")->required();
    }
    for (const Command* c : {&user_rotate_, &rotate_hash_key_}) {
      (*c)->add_option("--overlap-hours", overlap_hours_,
                       "hours the replaced secret keeps working (0 to 720)")
          ->capture_default_str();
    }
    key_revoke_->add_option("--id", id_, "key id (as printed by api-key list)")->required();
    user_rotate_->add_option("--secret", secret_, "the new secret (generated when absent)");
    rotate_hash_key_->add_option("--public-id", merchant_, "merchant public id")->required();
  }

 protected:
  std::vector<const Command*> Commands() const override {
    return {&key_list_, &key_revoke_, &user_list_, &user_remove_, &user_rotate_,
            &rotate_hash_key_};
  }

  Status RunOn(Context& ctx, const Command* c) const override {
    if (c == &key_list_) return ApiKeyList(ctx, merchant_);
    if (c == &key_revoke_) return ApiKeyRevoke(ctx, merchant_, id_);
    if (c == &user_list_) return ApiUserList(ctx, merchant_);
    if (c == &user_remove_) return ApiUserRemove(ctx, merchant_, username_);
    if (c == &user_rotate_) return ApiUserRotate(ctx, merchant_, username_, secret_, overlap_hours_);
    return MerchantRotateHashKey(ctx, merchant_, overlap_hours_);
  }

  Command key_list_, key_revoke_, user_list_, user_remove_, user_rotate_, rotate_hash_key_;
  std::string merchant_, username_;
  std::optional<std::string> secret_;
  std::int64_t id_ = 0;
  double overlap_hours_ = accounts::kDefaultOverlapHours;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterCredentialCommands(CLI::App& app) {
  return std::make_unique<CredentialCommands>(app);
}

}  // namespace restock::cli
