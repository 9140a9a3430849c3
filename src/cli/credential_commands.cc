#include "cli/credential_commands.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

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

void CredentialCommands::Register(CLI::App& app) {
  CLI::App* keys = Group(app, "api-key", "application keys");
  CLI::App* users = Group(app, "api-user", "API users (HMAC)");
  CLI::App* merchants = Group(app, "merchant", "merchants");
  auto merchant = [this](CLI::App* c) {
    c->add_option("--merchant", merchant_, "merchant public id")->required();
  };
  auto username = [this](CLI::App* c) {
    c->add_option("--username", username_, "API username")->required();
  };
  auto overlap = [this](CLI::App* c) {
    c->add_option("--overlap-hours", overlap_hours_,
                  "hours the replaced secret keeps working (0 to 720)")
        ->capture_default_str();
  };

  key_list_ = keys->add_subcommand("list", "print the merchant's keys (never the keys)");
  merchant(key_list_);
  key_revoke_ = keys->add_subcommand("revoke", "delete a key; refused once caches expire");
  merchant(key_revoke_);
  key_revoke_->add_option("--id", id_, "key id (as printed by api-key list)")->required();

  user_list_ = users->add_subcommand("list", "print the merchant's API users (never secrets)");
  merchant(user_list_);
  user_remove_ = users->add_subcommand("remove", "delete an API user");
  merchant(user_remove_);
  username(user_remove_);
  user_rotate_ = users->add_subcommand("rotate", "new secret; the old one works for an overlap");
  merchant(user_rotate_);
  username(user_rotate_);
  user_rotate_->add_option("--secret", secret_, "the new secret (generated when absent)");
  overlap(user_rotate_);

  rotate_hash_key_ = merchants->add_subcommand(
      "rotate-hash-key", "new customer-scope hash key; the old one works for an overlap");
  rotate_hash_key_->add_option("--public-id", merchant_, "merchant public id")->required();
  overlap(rotate_hash_key_);
}

bool CredentialCommands::chosen() const {
  for (CLI::App* c : All()) {
    if (c && c->parsed()) return true;
  }
  return false;
}

Status CredentialCommands::Run(Context& ctx) const {
  if (key_list_->parsed()) return ApiKeyList(ctx, merchant_);
  if (key_revoke_->parsed()) return ApiKeyRevoke(ctx, merchant_, id_);
  if (user_list_->parsed()) return ApiUserList(ctx, merchant_);
  if (user_remove_->parsed()) return ApiUserRemove(ctx, merchant_, username_);
  if (user_rotate_->parsed()) {
    return ApiUserRotate(ctx, merchant_, username_, secret_, overlap_hours_);
  }
  return MerchantRotateHashKey(ctx, merchant_, overlap_hours_);
}

}  // namespace restock::cli
