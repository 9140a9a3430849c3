#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

#define RESTOCK_PRODUCT_COLUMNS                                                          \
  "product_id, sku, name, price_cents, live, discontinued, autoship_enabled, image_url, " \
  "detail_url, inventory, low_stock_threshold, created, last_update"

constexpr std::string_view kSelectProduct =
    "SELECT " RESTOCK_PRODUCT_COLUMNS " FROM products WHERE merchant_id = $1 AND product_id = $2";
// In a write transaction the read is the first half of a read-modify-write: the row lock
// makes concurrent writers of the product (on any node) take turns.
constexpr std::string_view kSelectProductForUpdate =
    "SELECT " RESTOCK_PRODUCT_COLUMNS
    " FROM products WHERE merchant_id = $1 AND product_id = $2 FOR UPDATE";
constexpr std::string_view kSelectProducts =
    "SELECT " RESTOCK_PRODUCT_COLUMNS
    " FROM products WHERE merchant_id = $1 AND product_id = ANY($2::text[])";
// $2 holds the ids sorted and distinct: rows are locked in product-id order (the global lock
// order, docs/scaling.md), one primary-key lookup each, so a waiter re-checks only its own
// key when the row it waited for changed (TxContext::LockInOrder says why).
constexpr std::string_view kSelectProductsForUpdate =
    "SELECT p.* FROM unnest($2::text[]) AS u(id) CROSS JOIN LATERAL (SELECT "
    RESTOCK_PRODUCT_COLUMNS " FROM products WHERE merchant_id = $1 AND product_id = u.id "
    "FOR UPDATE) p";
// The arrays after $1 are the columns, one element per product.
#define RESTOCK_PRODUCT_ARRAYS                                                              \
  "unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::boolean[], $7::boolean[], " \
  "$8::boolean[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], "   \
  "$14::bigint[]) AS u(product_id, sku, name, price_cents, live, discontinued, "            \
  "autoship_enabled, image_url, detail_url, inventory, low_stock_threshold, created, "      \
  "last_update)"
constexpr std::string_view kInsertProducts =
    "INSERT INTO products (merchant_id, " RESTOCK_PRODUCT_COLUMNS
    ") SELECT $1, u.* FROM " RESTOCK_PRODUCT_ARRAYS;
// Updates nothing unless every product exists, so a miss leaves the batch unapplied.
constexpr std::string_view kUpdateProducts =
    "WITH u AS (SELECT * FROM " RESTOCK_PRODUCT_ARRAYS
    "), missing AS (SELECT count(*) AS n FROM u WHERE NOT EXISTS (SELECT 1 FROM products p "
    "WHERE p.merchant_id = $1 AND p.product_id = u.product_id)) "
    "UPDATE products AS p SET sku = u.sku, name = u.name, price_cents = u.price_cents, "
    "live = u.live, discontinued = u.discontinued, autoship_enabled = u.autoship_enabled, "
    "image_url = u.image_url, detail_url = u.detail_url, inventory = u.inventory, "
    "low_stock_threshold = u.low_stock_threshold, created = u.created, "
    "last_update = u.last_update FROM u WHERE p.merchant_id = $1 "
    "AND p.product_id = u.product_id AND (SELECT n FROM missing) = 0";

// Listings walk the primary key (merchant_id, product_id; byte order, COLLATE "C") from the
// cursor on. $2 live and $3 discontinued are NULL when not filtered; $4 is the
// ASCII-lowercased search text, '' for none, matched with strpos (no wildcards) against
// ASCII-lowercased columns: translate() lowers A-Z only, whatever the database's locale.
#define RESTOCK_ASCII_LOWER(col) \
  "strpos(translate(" col ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), $4) > 0"
#define RESTOCK_PRODUCT_LIST_WHERE                                                          \
  "SELECT " RESTOCK_PRODUCT_COLUMNS " FROM products WHERE merchant_id = $1 "                 \
  "AND ($2::boolean IS NULL OR live = $2) AND ($3::boolean IS NULL OR discontinued = $3) "   \
  "AND ($4::text = '' OR " RESTOCK_ASCII_LOWER("product_id") " OR " RESTOCK_ASCII_LOWER("sku") \
  " OR " RESTOCK_ASCII_LOWER("name") ") "
constexpr std::string_view kListForward =
    RESTOCK_PRODUCT_LIST_WHERE "AND product_id > $5 ORDER BY product_id LIMIT $6";
constexpr std::string_view kListBackward =
    RESTOCK_PRODUCT_LIST_WHERE "AND product_id < $5 ORDER BY product_id DESC LIMIT $6";
#undef RESTOCK_PRODUCT_LIST_WHERE
#undef RESTOCK_ASCII_LOWER
#undef RESTOCK_PRODUCT_COLUMNS
#undef RESTOCK_PRODUCT_ARRAYS

model::Product ReadProduct(const Rows& rows, int r) {
  model::Product p;
  p.product_id = rows.Text(r, 0);
  p.sku = rows.Text(r, 1);
  p.name = rows.Text(r, 2);
  p.price_cents = rows.OptionalInt(r, 3);
  p.live = rows.Bool(r, 4);
  p.discontinued = rows.Bool(r, 5);
  p.autoship_enabled = rows.Bool(r, 6);
  p.image_url = rows.Text(r, 7);
  p.detail_url = rows.Text(r, 8);
  p.inventory = rows.OptionalInt(r, 9);
  p.low_stock_threshold = rows.OptionalInt(r, 10);
  p.created = rows.Int(r, 11);
  p.last_update = rows.Int(r, 12);
  return p;
}

// $1 = merchant, $2..$14 = one array per column.
Params ProductArrays(model::MerchantId merchant, std::span<const model::Product> products) {
  std::array<ArrayLiteral, 13> a;
  for (const model::Product& p : products) {
    a[0].Text(p.product_id);
    a[1].Text(p.sku);
    a[2].Text(p.name);
    a[3].OptionalInt(p.price_cents);
    a[4].Bool(p.live);
    a[5].Bool(p.discontinued);
    a[6].Bool(p.autoship_enabled);
    a[7].Text(p.image_url);
    a[8].Text(p.detail_url);
    a[9].OptionalInt(p.inventory);
    a[10].OptionalInt(p.low_stock_threshold);
    a[11].Int(p.created);
    a[12].Int(p.last_update);
  }
  Params params;
  params.Int(merchant);
  for (const ArrayLiteral& column : a) params.Text(column.str());
  return params;
}

bool HasDuplicateIds(std::span<const model::Product> products) {
  std::unordered_set<std::string_view> seen;
  for (const model::Product& p : products) {
    if (!seen.insert(p.product_id).second) return true;
  }
  return false;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Result<std::optional<model::Product>> PgProductRepo::Find(model::MerchantId merchant,
                                                          std::string_view product_id) {
  Params params = Params().Int(merchant).Text(product_id);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.writable
                               ? cx_.LockedProductQuery(merchant, kSelectProductForUpdate, params)
                               : cx_.conn.Query(kSelectProduct, params));
  if (rows.size() == 0) return std::optional<model::Product>();
  return std::optional<model::Product>(ReadProduct(rows, 0));
}

Result<std::vector<std::optional<model::Product>>> PgProductRepo::FindMany(
    model::MerchantId merchant, std::span<const std::string_view> product_ids) {
  std::vector<std::optional<model::Product>> found(product_ids.size());
  if (product_ids.empty()) return found;
  std::vector<std::string_view> sorted(product_ids.begin(), product_ids.end());
  if (cx_.writable) {
    std::sort(sorted.begin(), sorted.end());  // bytewise, as the COLLATE "C" key
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  }
  ArrayLiteral ids;
  for (std::string_view id : sorted) ids.Text(id);
  Params params = Params().Int(merchant).Text(ids.str());
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.writable
                               ? cx_.LockedProductQuery(merchant, kSelectProductsForUpdate, params)
                               : cx_.conn.Query(kSelectProducts, params));
  std::unordered_map<std::string_view, int> row_of;
  for (int r = 0; r < rows.size(); ++r) row_of.emplace(rows.Text(r, 0), r);
  for (std::size_t i = 0; i < product_ids.size(); ++i) {
    auto it = row_of.find(product_ids[i]);
    if (it != row_of.end()) found[i] = ReadProduct(rows, it->second);
  }
  return found;
}

Status PgProductRepo::Insert(model::MerchantId merchant, std::span<const model::Product> products) {
  if (products.empty()) return Status::Ok();
  if (HasDuplicateIds(products)) return AlreadyExistsError("product already exists");
  Status status = cx_.Guarded(kInsertProducts, ProductArrays(merchant, products)).status();
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("product already exists");
  }
  return status;
}

Status PgProductRepo::Update(model::MerchantId merchant, std::span<const model::Product> products) {
  if (products.empty()) return Status::Ok();
  if (HasDuplicateIds(products)) return InternalError("product updated twice in one batch");
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kUpdateProducts, ProductArrays(merchant, products)));
  // Callers update only products they have just read: a miss is a broken invariant.
  if (rows.affected() != static_cast<std::int64_t>(products.size())) {
    return InternalError("product to update does not exist");
  }
  return Status::Ok();
}

Result<std::vector<model::Product>> PgProductRepo::List(model::MerchantId merchant,
                                                       const ProductFilter& filter,
                                                       const ProductPage& page) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  Params p;
  p.Int(merchant);
  if (filter.live) p.Bool(*filter.live); else p.Null();
  if (filter.discontinued) p.Bool(*filter.discontinued); else p.Null();
  p.Text(AsciiLower(filter.search)).Text(page.before ? *page.before : page.after);
  p.Int(static_cast<std::int64_t>(page.limit < kMax ? page.limit : kMax));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(page.before ? kListBackward : kListForward, p));
  std::vector<model::Product> products;
  products.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) products.push_back(ReadProduct(rows, r));
  return products;
}

}  // namespace restock::store::postgres
