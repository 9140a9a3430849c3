#include "cli/command_line.h"

#include <cctype>
#include <charconv>

namespace restock::cli {

std::string EnvironmentName(const std::string& flag) {
  std::string name = "RESTOCK_";
  for (char c : flag.substr(flag.find_first_not_of('-'))) {
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

CLI::Validator IntegerRange(std::int64_t min, std::int64_t max) {
  std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) {
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < min ||
            n > max) {
          return "must be a whole number " + range + ", got '" + text + "'";
        }
        return std::string();
      },
      "INT " + range, "");
}

void AddFlowFlags(CLI::App* command, int& oos_max_days, std::string& oos_notice_days) {
  // Its range is placement::MakeFlowOptions's, which checks both flags together.
  command->add_option("--oos-max-days", oos_max_days,
                      "an out-of-stock order is retried through this day of the flow, "
                      "cancelled on the next (1-3650)")
      ->envname("RESTOCK_OOS_MAX_DAYS")
      ->capture_default_str();
  AddSetting(command, "--oos-notice-days", oos_notice_days,
             "days of the flow with an order.oos_notice event (comma-separated)");
}

Command::Command(CLI::App* parent, const std::string& name, const std::string& help)
    : app_(parent->add_subcommand(name, help)) {
  AddSetting(app_, "--db", db_, "database: PATH, sqlite:PATH or postgresql://…");
  // Read before parsing (app/toml_defaults.h); declared here so every command accepts it.
  app_->add_option("--config", "TOML file with settings (keys as the flags, '_' for '-')")
      ->envname("RESTOCK_CONFIG");
  // With a parse-complete callback, CLI11 reads a command's environment variables when the
  // command itself is parsed, instead of those of every command after parsing.
  app_->parse_complete_callback([] {});
}

Status WithDatabase(const Environment& env, const Command& command,
                    const std::function<Status(Context&)>& body) {
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<store::Database> db, env.open_database(command.db()));
  Context ctx{*db, env.clock, env.out, env.progress};
  Status status = body(ctx);
  db->Shutdown();
  return status;
}

bool DatabaseCommandGroup::chosen() const {
  for (const Command* c : Commands()) {
    if (c->chosen()) return true;
  }
  return false;
}

Status DatabaseCommandGroup::Run(const Environment& env) {
  for (const Command* c : Commands()) {
    if (c->chosen()) return WithDatabase(env, *c, [&](Context& ctx) { return RunOn(ctx, c); });
  }
  return InternalError("no command of the group chosen");
}

std::vector<std::unique_ptr<CommandGroup>> RegisterCommands(CLI::App& app) {
  std::vector<std::unique_ptr<CommandGroup>> groups;
  groups.push_back(RegisterInitAndSign(app));
  groups.push_back(RegisterAccountCommands(app));
  groups.push_back(RegisterCredentialCommands(app));
  groups.push_back(RegisterProductCommands(app));
  groups.push_back(RegisterPlacementCommands(app));
  groups.push_back(RegisterWebhookCommands(app));
  groups.push_back(RegisterHandoffCommands(app));
  return groups;
}

}  // namespace restock::cli
