// restock: one binary, subcommands (README.md, Using it). main() registers the commands
// (`serve` here in app/, the others in cli/), applies the config file, parses the command
// line and runs the command chosen.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/database_factory.h"
#include "app/serve.h"
#include "app/serve_flags.h"
#include "app/toml_defaults.h"
#include "cli/command_line.h"
#include "core/clock.h"

namespace restock::app {
namespace {

int Fail(const Status& status) {
  std::cerr << "restock: " << status.message() << '\n';
  return cli::ExitCodeFor(status.code());
}

// Opens the database, migrating the schema first (commands run against a fresh file).
Result<std::unique_ptr<store::Database>> OpenMigrated(const std::string& url) {
  RESTOCK_ASSIGN_OR_RETURN(auto database, OpenDatabase(url, {}));
  RESTOCK_RETURN_IF_ERROR(database->Migrate());
  return database;
}

// Parses the command line; nullopt on success, else the exit code (help printed: 0).
std::optional<int> Parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "restock: " << e.what() << " (see --help)\n";
    return 2;
  }
  return std::nullopt;
}

int Run(int argc, char** argv) {
  CLI::App app{"restock — real-time stock updates for subscription commerce"};
  app.set_version_flag("--version", std::string("restock ") + RESTOCK_VERSION);
  app.require_subcommand(1);
  ServeCommand serve(app);
  std::vector<std::unique_ptr<cli::CommandGroup>> groups = cli::RegisterCommands(app);

  // The file's settings become the defaults of every command's flags; flags and the
  // environment still win.
  if (std::string config = FindConfigPath(argc, argv); !config.empty()) {
    if (Status s = ApplyTomlDefaults(config, app); !s.ok()) return Fail(s);
  }
  if (std::optional<int> exit_code = Parse(app, argc, argv)) return *exit_code;

  if (serve.chosen()) {
    Status s = RunServe(serve.config());
    return s.ok() ? 0 : Fail(s);
  }
  SystemClock clock;
  cli::Environment env{clock, std::cout, isatty(STDERR_FILENO) ? &std::cerr : nullptr,
                       OpenMigrated};
  for (const auto& group : groups) {
    if (group->chosen()) {
      Status s = group->Run(env);
      return s.ok() ? 0 : Fail(s);
    }
  }
  return Fail(InternalError("no command chosen"));
}

}  // namespace
}  // namespace restock::app

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("restock"));
  return restock::app::Run(argc, argv);
}
