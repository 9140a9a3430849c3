#include "cli/commands.h"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "auth/replay_protection.h"
#include "auth/signature.h"
#include "catalog/product_queries.h"
#include "catalog/stock_update.h"
#include "catalog/validation.h"
#include "cli/progress_bar.h"
#include "feed/import.h"
#include "json/model_json.h"
#include "placement/local_time.h"

namespace restock::cli {
namespace {

void Print(Context& ctx, const boost::json::value& v) {
  ctx.out << boost::json::serialize(v) << '\n';
}

// "field: message; field: message" for one-line CLI errors.
std::string ErrorsToText(const catalog::FieldErrors& errors) {
  std::string out;
  for (const auto& [field, messages] : errors) {
    for (const auto& m : messages) {
      if (!out.empty()) out += "; ";
      out += field + " " + m;
    }
  }
  return out;
}

// "HH:MM" -> minutes after midnight.
std::optional<int> ParseClockTime(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

// The product with its held stock, as GET /products/{id}/ renders it.
Result<catalog::ProductView> LoadProduct(Context& ctx, model::MerchantId merchant,
                                         const std::string& product_id) {
  placement::ZoneCache zones;
  Result<catalog::ProductView> view =
      catalog::GetProduct(ctx.db, merchant, product_id, zones.Today(ctx.clock));
  if (view.status().code() == StatusCode::kNotFound) {
    return NotFoundError("no product '" + product_id + "' for this merchant");
  }
  return view;
}

}  // namespace

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kAlreadyExists: return 4;
    case StatusCode::kFailedPrecondition: return 5;
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied: return 6;
    case StatusCode::kResourceExhausted: return 7;
    case StatusCode::kUnavailable:
    case StatusCode::kAborted: return 8;
    case StatusCode::kInternal: return 1;
  }
  return 1;
}

Status MerchantAdd(Context& ctx, const MerchantAddArgs& args) {
  accounts::NewMerchant request;
  request.public_id = args.public_id;
  request.name = args.name;
  request.hash_key = args.hash_key;
  request.timezone = args.timezone;
  auto policy = model::ParseOosPolicy(args.oos_policy);
  if (!policy) return InvalidArgumentError("--oos-policy must be split, hold, skip or place_anyway");
  request.oos_policy = *policy;
  auto minute = ParseClockTime(args.placement_time);
  if (!minute) return InvalidArgumentError("--placement-time must be HH:MM");
  request.placement_minute = *minute;
  auto replay = model::ParseReplayProtection(args.replay_protection);
  if (!replay) return InvalidArgumentError("--replay-protection must be strict or off");
  request.replay_protection = *replay;
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::CreateMerchant(ctx.db, ctx.clock, request));
  Print(ctx, boost::json::object{{"public_id", m.public_id}, {"hash_key", m.hash_key}});
  return Status::Ok();
}

Status ApiUserAdd(Context& ctx, const std::string& merchant, const std::string& username,
                  const std::optional<std::string>& secret) {
  RESTOCK_ASSIGN_OR_RETURN(model::ApiUser user,
                           accounts::CreateApiUser(ctx.db, merchant, username, secret));
  Print(ctx, boost::json::object{{"username", user.username}, {"secret", user.secret}});
  return Status::Ok();
}

Status ApiKeyAdd(Context& ctx, const std::string& merchant, const std::string& name) {
  RESTOCK_ASSIGN_OR_RETURN(accounts::CreatedApiKey key,
                           accounts::CreateApiKey(ctx.db, merchant, name));
  Print(ctx, boost::json::object{{"key", key.key}});
  return Status::Ok();
}

Status ProductAdd(Context& ctx, const ProductAddArgs& args) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, accounts::FindMerchant(ctx.db, args.merchant));
  catalog::RawElement element;
  element.fields.emplace_back("product_id", catalog::RawValue::String(args.product_id));
  auto add = [&](const char* field, const std::optional<std::string>& text) {
    if (!text) return;
    // An empty flag value is a mistake on the command line, never "clear this field" as an
    // empty CSV cell is; only text fields may be empty.
    bool text_field = std::string_view(field) == "sku" || std::string_view(field) == "name";
    element.fields.emplace_back(field, text->empty() && !text_field
                                           ? catalog::RawValue::String("")
                                           : feed::RawValueFromText(field, *text));
  };
  add("sku", args.sku);
  add("name", args.name);
  add("price", args.price);
  add("live", args.live);
  add("inventory", args.inventory);
  catalog::ValidatedElement v = catalog::ValidateElement(element);
  if (!v.patch) return InvalidArgumentError(ErrorsToText(v.errors));
  catalog::StockService stock(ctx.db, ctx.clock);
  RESTOCK_RETURN_IF_ERROR(
      stock.Upsert(merchant.id, std::span(&*v.patch, 1), model::StockSource::kCli).status());
  RESTOCK_ASSIGN_OR_RETURN(catalog::ProductView view,
                           LoadProduct(ctx, merchant.id, args.product_id));
  Print(ctx, json::ProductToJson(view.product, view.held));
  return Status::Ok();
}

Status ProductGet(Context& ctx, const std::string& merchant, const std::string& product_id) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  RESTOCK_ASSIGN_OR_RETURN(catalog::ProductView view, LoadProduct(ctx, m.id, product_id));
  Print(ctx, json::ProductToJson(view.product, view.held));
  return Status::Ok();
}

Status ProductImport(Context& ctx, const std::string& merchant, const std::string& path) {
  RESTOCK_ASSIGN_OR_RETURN(feed::Format format, feed::FormatForPath(path));
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  // Opening a directory succeeds and reads as an empty file: say what it is instead.
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return InvalidArgumentError("'" + path + "' is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path + "'");
  catalog::StockService stock(ctx.db, ctx.clock);
  feed::ImportOptions options;
  std::unique_ptr<ProgressBar> bar;
  if (ctx.progress) {
    std::error_code ec;
    std::uintmax_t size = std::filesystem::file_size(path, ec);
    bar = std::make_unique<ProgressBar>(*ctx.progress, ec ? 0 : size);
    options.progress = [&bar](const feed::ImportProgress& p) { bar->Update(p.bytes, p.records); };
  }
  Result<feed::ImportSummary> imported = feed::ImportProducts(in, format, m.id, stock, options);
  if (bar) {
    if (imported.ok()) {
      bar->Finish(imported->created + imported->updated + imported->unchanged +
                  imported->rejected.size());
    } else {
      *ctx.progress << '\n';
    }
  }
  RESTOCK_ASSIGN_OR_RETURN(feed::ImportSummary summary, std::move(imported));
  // Everything is committed; refreshing the planner's statistics only speeds what follows.
  if (Status analyzed = ctx.db.AfterBulkLoad(); !analyzed.ok()) {
    spdlog::warn("product import: could not refresh the database's statistics: {}",
                 analyzed.message());
  }
  boost::json::array rejected;
  for (const auto& r : summary.rejected) {
    boost::json::object o{{"line", r.line}};
    if (r.element != 0) o["element"] = r.element;
    o["errors"] = json::ErrorsToJson(r.errors);
    rejected.emplace_back(std::move(o));
  }
  Print(ctx, boost::json::object{{"created", summary.created},
                                 {"updated", summary.updated},
                                 {"unchanged", summary.unchanged},
                                 {"rejected", std::move(rejected)}});
  return Status::Ok();
}

Status Sign(std::ostream& out, const Clock& clock, const SignArgs& args) {
  if (args.public_id.empty() || args.sig_field.empty() || args.secret.empty()) {
    return InvalidArgumentError("--public-id, --sig-field and --secret must not be empty");
  }
  if (args.ts && *args.ts < 0) return InvalidArgumentError("--ts must be non-negative");
  const std::int64_t ts = args.ts.value_or(clock.NowSeconds());
  const std::string authorization =
      auth::SignedAuthorizationHeader(args.public_id, args.sig_field, args.secret, ts);
  if (!args.body_path) {
    out << authorization << '\n';
    return Status::Ok();
  }
  // The body signature covers the exact bytes sent: read them as they are ("-" = stdin).
  std::string body;
  if (*args.body_path == "-") {
    body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(*args.body_path, std::ios::binary);
    if (!in) return NotFoundError("cannot open '" + *args.body_path + "'");
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return InvalidArgumentError("cannot read '" + *args.body_path + "'");
  }
  out << "authorization: " << authorization << '\n'
      << "X-Restock-Signature: ts=" << ts
      << ",sig=" << auth::ComputeBodySignature(args.secret, ts, body) << '\n';
  return Status::Ok();
}

}  // namespace restock::cli
