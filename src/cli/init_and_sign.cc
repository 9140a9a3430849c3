// `restock init` and `restock sign`: the commands that call no service of their own.
#include "cli/command_line.h"

namespace restock::cli {
namespace {

class InitAndSign : public CommandGroup {
 public:
  explicit InitAndSign(CLI::App& app)
      : init_(&app, "init", "create or migrate the schema, then exit"),
        sign_(&app, "sign", "print a signed authorization header value") {
    sign_->add_option("--public-id", sign_args_.public_id, "merchant public id")->required();
    sign_->add_option("--sig-field", sign_args_.sig_field, "API username or customer id")
        ->required();
    sign_->add_option("--secret", sign_args_.secret, "API user secret or merchant hash key")
        ->required();
    sign_->add_option("--ts", sign_args_.ts, "seconds since the epoch (default: now)");
    sign_->add_option("--body", sign_args_.body_path,
                      "FILE (or -) to sign for strict replay protection: prints both header lines");
    // sign accepts --db like every command (README.md) but needs no database.
  }

  bool chosen() const override { return init_.chosen() || sign_.chosen(); }

  Status Run(const Environment& env) override {
    if (sign_.chosen()) return Sign(env.out, env.clock, sign_args_);
    // Opening the database creates or migrates it.
    return WithDatabase(env, init_, [](Context& ctx) {
      ctx.out << "{\"migrated\":true}\n";
      return Status::Ok();
    });
  }

 private:
  Command init_;
  Command sign_;
  SignArgs sign_args_;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterInitAndSign(CLI::App& app) {
  return std::make_unique<InitAndSign>(app);
}

}  // namespace restock::cli
