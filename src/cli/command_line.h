// restock::cli — the command line: how a command and its flags are declared, and the groups
// of subcommands (merchant, product, webhook, …), each registered by one object in cli/.
// A setting (a flag with an environment variable) is declared once, with its range, by
// AddSetting; its value then comes from the flag, else RESTOCK_<NAME>, else the TOML file
// of --config (app/toml_defaults.h), else the default (README.md, Configuration).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "cli/commands.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace restock::cli {

// "--foo-bar" -> "RESTOCK_FOO_BAR".
std::string EnvironmentName(const std::string& flag);

// A CLI11 check that the text is a whole number from `min` to `max` (a minus sign is refused
// before an unsigned option could read "-1" as its largest value).
CLI::Validator IntegerRange(std::int64_t min, std::int64_t max);

// Adds the setting `flag` ("--foo-bar") bound to `value`, read also from RESTOCK_FOO_BAR
// and from a config file key foo_bar. Numeric settings must go through the overload with a
// range; strings and booleans through this one.
template <typename T>
CLI::Option* AddSetting(CLI::App* command, const std::string& flag, T& value,
                        const std::string& help) {
  static_assert(!std::is_arithmetic_v<T> || std::is_same_v<T, bool>,
                "numeric settings take a range");
  return command->add_option(flag, value, help)->envname(EnvironmentName(flag))->capture_default_str();
}
template <typename T>
CLI::Option* AddSetting(CLI::App* command, const std::string& flag, T& value,
                        const std::string& help, std::int64_t min, std::int64_t max) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  return command->add_option(flag, value, help)
      ->envname(EnvironmentName(flag))
      ->capture_default_str()
      ->check(IntegerRange(min, max));
}

// The flags of the out-of-stock flow, shared by serve and place-orders (one setting governs
// both). Their values are checked together by placement::MakeFlowOptions.
void AddFlowFlags(CLI::App* command, int& oos_max_days, std::string& oos_notice_days);

// One leaf subcommand (`merchant add`, `serve`, …) with what every command takes: --db and
// --config. Its environment variables are read only when it is the command chosen, so a
// variable meant for another command neither overrides nor breaks this one.
// Not copyable or movable: CLI11 holds the address of db_.
class Command {
 public:
  Command(CLI::App* parent, const std::string& name, const std::string& help);
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  CLI::App* operator->() const { return app_; }
  CLI::App* app() const { return app_; }
  // True when this command was chosen on the command line.
  bool chosen() const { return app_->parsed(); }
  // The database URL (--db, RESTOCK_DB, config `db`, ./restock.db).
  const std::string& db() const { return db_; }

 private:
  CLI::App* app_;
  std::string db_ = "./restock.db";
};

// What app/ hands a command group: the clock, the output streams, and how to open (and
// migrate) the database named by --db, app/ being the one place that names backends.
struct Environment {
  const Clock& clock;
  std::ostream& out;
  std::ostream* progress = nullptr;  // progress bars; null when stderr is not a terminal
  std::function<Result<std::unique_ptr<store::Database>>(const std::string& url)> open_database;
};

// Opens the database of `command`, runs `body` on it and shuts the database down.
Status WithDatabase(const Environment& env, const Command& command,
                    const std::function<Status(Context&)>& body);

// A group of subcommands registered on the command line by one object.
class CommandGroup {
 public:
  virtual ~CommandGroup() = default;
  // True when one of the group's commands was chosen.
  virtual bool chosen() const = 0;
  // Runs the chosen command. REQUIRES: chosen().
  virtual Status Run(const Environment& env) = 0;
};

// A group whose every command works on the database: chosen() and Run() over Commands(), the
// chosen one run by RunOn on the database it names (WithDatabase).
class DatabaseCommandGroup : public CommandGroup {
 public:
  bool chosen() const override;
  Status Run(const Environment& env) override;

 protected:
  // The group's commands, each owned by the group.
  virtual std::vector<const Command*> Commands() const = 0;
  // Runs `command`, the one chosen of Commands(), with `ctx` on its database.
  virtual Status RunOn(Context& ctx, const Command* command) const = 0;
};

// Registers every command but `serve` (app/ owns it) on `app`.
std::vector<std::unique_ptr<CommandGroup>> RegisterCommands(CLI::App& app);

// The groups, one per file (cli/*_commands.cc).
std::unique_ptr<CommandGroup> RegisterInitAndSign(CLI::App& app);
std::unique_ptr<CommandGroup> RegisterAccountCommands(CLI::App& app);
std::unique_ptr<CommandGroup> RegisterCredentialCommands(CLI::App& app);
std::unique_ptr<CommandGroup> RegisterProductCommands(CLI::App& app);
std::unique_ptr<CommandGroup> RegisterPlacementCommands(CLI::App& app);
std::unique_ptr<CommandGroup> RegisterWebhookCommands(CLI::App& app);
std::unique_ptr<CommandGroup> RegisterHandoffCommands(CLI::App& app);

}  // namespace restock::cli
