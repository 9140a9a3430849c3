// `restock init` and `restock sign`: the commands that call no service of their own.
#include <cstdint>
#include <optional>

#include "cli/command_line.h"

namespace restock::cli {
namespace {

class InitAndSign : public CommandGroup {
 public:
  explicit InitAndSign(CLI::App& app)
      : init_(&app, "init", "create or migrate the schema, then exit"),
        sign_(&app, "sign", "print a signed authorization header value") {
    sign_->add_option("--public-id", public_id_, "merchant public id")->required();
    sign_->add_option("--sig-field", sig_field_, "API username or customer id")->required();
    sign_->add_option("--secret", secret_, "API user secret or merchant hash key")->required();
    sign_->add_option("--ts", ts_, "seconds since the epoch (default: now)");
    // sign accepts --db like every command (README.md) but needs no database.
  }

  bool chosen() const override { return init_.chosen() || sign_.chosen(); }

  Status Run(const Environment& env) override {
    if (sign_.chosen()) return Sign(env.out, env.clock, public_id_, sig_field_, secret_, ts_);
    // Opening the database creates or migrates it.
    return WithDatabase(env, init_, [](Context& ctx) {
      ctx.out << "{\"migrated\":true}\n";
      return Status::Ok();
    });
  }

 private:
  Command init_;
  Command sign_;
  std::string public_id_, sig_field_, secret_;
  std::optional<std::int64_t> ts_;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterInitAndSign(CLI::App& app) {
  return std::make_unique<InitAndSign>(app);
}

}  // namespace restock::cli
