#include <utility>

#include "store/columns.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kSelectProduct =
    "SELECT product_id, sku, name, price_cents, live, discontinued, autoship_enabled, "
    "image_url, detail_url, inventory, low_stock_threshold, created, last_update, last_event_id "
    "FROM products WHERE merchant_id = ?1 AND product_id = ?2";
constexpr std::string_view kInsertProduct =
    "INSERT INTO products (merchant_id, product_id, sku, name, price_cents, live, "
    "discontinued, autoship_enabled, image_url, detail_url, inventory, low_stock_threshold, "
    "created, last_update) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
// OR FAIL: a single-row update needs no statement journal (see order_repo.cc).
constexpr std::string_view kUpdateProduct =
    "UPDATE OR FAIL products SET sku = ?3, name = ?4, price_cents = ?5, live = ?6, discontinued = ?7, "
    "autoship_enabled = ?8, image_url = ?9, detail_url = ?10, inventory = ?11, "
    "low_stock_threshold = ?12, created = ?13, last_update = ?14 "
    "WHERE merchant_id = ?1 AND product_id = ?2";
// The same, also writing the head of the product's event chain that an append in this
// work moved (chain_heads.h): the move costs no search of its own.
constexpr std::string_view kUpdateProductAndHead =
    "UPDATE OR FAIL products SET sku = ?3, name = ?4, price_cents = ?5, live = ?6, "
    "discontinued = ?7, autoship_enabled = ?8, image_url = ?9, detail_url = ?10, inventory = ?11, "
    "low_stock_threshold = ?12, created = ?13, last_update = ?14, last_event_id = ?15 "
    "WHERE merchant_id = ?1 AND product_id = ?2";

// Listings walk the primary key (merchant_id, product_id) from the cursor on; the filters
// are checked per row. ?2 live and ?3 discontinued are NULL when not filtered; ?4 is the
// ASCII-lowercased search text, '' for none (lower() is ASCII-only in SQLite without ICU,
// which is the contract). instr() rather than LIKE: no wildcards to escape.
#define RESTOCK_PRODUCT_LIST_WHERE                                                          \
  "SELECT product_id, sku, name, price_cents, live, discontinued, autoship_enabled, "        \
  "image_url, detail_url, inventory, low_stock_threshold, created, last_update "             \
  "FROM products WHERE merchant_id = ?1 AND (?2 IS NULL OR live = ?2) "                      \
  "AND (?3 IS NULL OR discontinued = ?3) AND (?4 = '' OR instr(lower(product_id), ?4) > 0 "  \
  "OR instr(lower(sku), ?4) > 0 OR instr(lower(name), ?4) > 0) "
constexpr std::string_view kListForward =
    RESTOCK_PRODUCT_LIST_WHERE "AND product_id > ?5 ORDER BY product_id LIMIT ?6";
constexpr std::string_view kListBackward =
    RESTOCK_PRODUCT_LIST_WHERE "AND product_id < ?5 ORDER BY product_id DESC LIMIT ?6";
#undef RESTOCK_PRODUCT_LIST_WHERE

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void BindOptionalBool(Statement& stmt, int index, const std::optional<bool>& value) {
  if (value) {
    stmt.BindBool(index, *value);
  } else {
    stmt.BindNull(index);
  }
}

// Binds ?1..?14 in the column order shared by kInsertProduct and kUpdateProduct.
void BindProduct(Statement& stmt, model::MerchantId merchant, const model::Product& p) {
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, p.product_id);
  stmt.BindText(3, p.sku);
  stmt.BindText(4, p.name);
  stmt.BindOptionalInt64(5, p.price_cents);
  stmt.BindBool(6, p.live);
  stmt.BindBool(7, p.discontinued);
  stmt.BindBool(8, p.autoship_enabled);
  stmt.BindText(9, p.image_url);
  stmt.BindText(10, p.detail_url);
  stmt.BindOptionalInt64(11, p.inventory);
  stmt.BindOptionalInt64(12, p.low_stock_threshold);
  stmt.BindInt64(13, p.created);
  stmt.BindInt64(14, p.last_update);
}

model::Product ReadProduct(const Statement& stmt) {
  model::Product p;
  p.product_id = stmt.ColumnText(0);
  p.sku = stmt.ColumnText(1);
  p.name = stmt.ColumnText(2);
  p.price_cents = stmt.ColumnOptionalInt64(3);
  p.live = stmt.ColumnBool(4);
  p.discontinued = stmt.ColumnBool(5);
  p.autoship_enabled = stmt.ColumnBool(6);
  p.image_url = stmt.ColumnText(7);
  p.detail_url = stmt.ColumnText(8);
  p.inventory = stmt.ColumnOptionalInt64(9);
  p.low_stock_threshold = stmt.ColumnOptionalInt64(10);
  p.created = stmt.ColumnInt64(11);
  p.last_update = stmt.ColumnInt64(12);
  return p;
}

}  // namespace

Result<std::optional<model::Product>> SqliteProductRepo::Find(model::MerchantId merchant,
                                                              std::string_view product_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectProduct));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, product_id);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::Product>();
  heads_.Read(merchant, product_id, stmt.ColumnOptionalInt64(13));
  return std::optional<model::Product>(ReadProduct(stmt));
}

Result<std::vector<std::optional<model::Product>>> SqliteProductRepo::FindMany(
    model::MerchantId merchant, std::span<const std::string_view> product_ids) {
  std::vector<std::optional<model::Product>> found;
  found.reserve(product_ids.size());
  for (std::string_view product_id : product_ids) {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<model::Product> product, Find(merchant, product_id));
    found.push_back(std::move(product));
  }
  return found;
}

Status SqliteProductRepo::Insert(model::MerchantId merchant,
                                 std::span<const model::Product> products) {
  return RunAtomically(conn_, products.size(), [&]() -> Status {
    for (const model::Product& product : products) {
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertProduct));
      BindProduct(stmt, merchant, product);
      Status status = stmt.Run();
      if (status.code() == StatusCode::kAlreadyExists) {
        return AlreadyExistsError("product already exists");
      }
      RESTOCK_RETURN_IF_ERROR(status);
    }
    return Status::Ok();
  });
}

Status SqliteProductRepo::Update(model::MerchantId merchant,
                                 std::span<const model::Product> products) {
  // Heads written here stay marked moved until every row is written: a failed unit is
  // undone, and FinishWork then still writes them.
  std::vector<ChainHeads::Head*> written;
  Status status = RunAtomically(conn_, products.size(), [&]() -> Status {
    for (const model::Product& product : products) {
      ChainHeads::Head* head = heads_.Find(merchant, product.product_id);
      const bool with_head = head != nullptr && head->moved;
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt,
                               conn_.Prepare(with_head ? kUpdateProductAndHead : kUpdateProduct));
      BindProduct(stmt, merchant, product);
      if (with_head) {
        stmt.BindInt64(15, *head->newest);
        written.push_back(head);
      }
      RESTOCK_RETURN_IF_ERROR(stmt.Run());
      // Callers update only products they have just read: a miss is a broken invariant.
      if (conn_.Changes() == 0) return InternalError("product to update does not exist");
    }
    return Status::Ok();
  });
  if (status.ok()) {
    for (ChainHeads::Head* head : written) head->moved = false;
  }
  return status;
}

Result<std::vector<model::Product>> SqliteProductRepo::List(model::MerchantId merchant,
                                                           const ProductFilter& filter,
                                                           const ProductPage& page) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt,
                           conn_.Prepare(page.before ? kListBackward : kListForward));
  stmt.BindInt64(1, merchant);
  BindOptionalBool(stmt, 2, filter.live);
  BindOptionalBool(stmt, 3, filter.discontinued);
  stmt.BindText(4, AsciiLower(filter.search));
  stmt.BindText(5, page.before ? *page.before : page.after);
  stmt.BindInt64(6, LimitValue(page.limit));
  std::vector<model::Product> products;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    products.push_back(ReadProduct(stmt));
  }
  return products;
}

}  // namespace restock::store::sqlite
