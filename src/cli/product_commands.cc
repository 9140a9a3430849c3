// `restock product add|get|import`.
#include "cli/command_line.h"

namespace restock::cli {
namespace {

class ProductCommands : public DatabaseCommandGroup {
 public:
  explicit ProductCommands(CLI::App& app)
      : product_(app.add_subcommand("product", "products")->require_subcommand(1)),
        add_(product_, "add", "create or update one product"),
        get_(product_, "get", "print one product"),
        import_(product_, "import", "bulk upsert from .xml (Ordergroove feed), .jsonl or .csv") {
    add_->add_option("--merchant", args_.merchant, "merchant public id")->required();
    add_->add_option("--product-id", args_.product_id, "external product id")->required();
    add_->add_option("--sku", args_.sku);
    add_->add_option("--name", args_.name);
    add_->add_option("--price", args_.price, "decimal, e.g. 12.99");
    add_->add_option("--live", args_.live, "true|false");
    add_->add_option("--inventory", args_.inventory, "units, or null for untracked");
    get_->add_option("--merchant", merchant_, "merchant public id")->required();
    get_->add_option("product_id", product_id_, "external product id")->required();
    import_->add_option("--merchant", merchant_, "merchant public id")->required();
    import_->add_option("file", path_, "FILE.xml, FILE.jsonl or FILE.csv")->required();
  }

 protected:
  std::vector<const Command*> Commands() const override { return {&add_, &get_, &import_}; }

  Status RunOn(Context& ctx, const Command* c) const override {
    if (c == &add_) return ProductAdd(ctx, args_);
    if (c == &get_) return ProductGet(ctx, merchant_, product_id_);
    return ProductImport(ctx, merchant_, path_);
  }

 private:
  CLI::App* product_;
  Command add_;
  Command get_;
  Command import_;
  ProductAddArgs args_;
  std::string merchant_, product_id_, path_;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterProductCommands(CLI::App& app) {
  return std::make_unique<ProductCommands>(app);
}

}  // namespace restock::cli
