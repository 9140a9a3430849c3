#include "app/toml_defaults.h"

#include "core/redact.h"
#include "core/result.h"

#include <cstdlib>
#include <string_view>
#include <vector>
#include <toml++/toml.h>

namespace restock::app {

std::string FindConfigPath(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.rfind("--config=", 0) == 0) return std::string(arg.substr(9));
  }
  const char* env = std::getenv("RESTOCK_CONFIG");
  return env ? env : "";
}

namespace {

// The commands that take options (those without subcommands of their own) under `app`.
void CollectCommands(CLI::App& app, std::vector<CLI::App*>& out) {
  std::vector<CLI::App*> subcommands = app.get_subcommands([](CLI::App*) { return true; });
  if (subcommands.empty()) out.push_back(&app);
  for (CLI::App* sub : subcommands) CollectCommands(*sub, out);
}

Result<std::string> ValueText(const std::string& key, const toml::node& node) {
  if (auto s = node.value<std::string>()) return *s;
  if (auto i = node.value<std::int64_t>()) return std::to_string(*i);
  if (auto b = node.value<bool>()) return std::string(*b ? "true" : "false");
  return InvalidArgumentError("setting '" + key + "' must be a string, integer or boolean");
}

}  // namespace

Status ApplyTomlDefaults(const std::string& path, CLI::App& app) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError("cannot read config file '" + path +
                                "': " + std::string(e.description()));
  }
  std::vector<CLI::App*> commands;
  CollectCommands(app, commands);
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    std::string flag = "--" + name;
    for (char& c : flag) {
      if (c == '_') c = '-';
    }
    RESTOCK_ASSIGN_OR_RETURN(std::string value, ValueText(name, node));
    bool known = false;
    for (CLI::App* command : commands) {
      CLI::Option* option = command->get_option_no_throw(flag);
      if (option == nullptr || option->get_envname().empty() || flag == "--config") continue;
      known = true;
      try {
        option->default_val(value);  // runs the option's checks on the value
        // --help shows defaults: never a database password from the file.
        option->default_str(core::RedactUrlPassword(value));
      } catch (const CLI::Error& e) {
        return InvalidArgumentError(std::string(e.what()) + " (in " + path + ")");
      }
    }
    if (!known) return InvalidArgumentError("unknown setting '" + name + "' in " + path);
  }
  return Status::Ok();
}

}  // namespace restock::app
