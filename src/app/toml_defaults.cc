#include "app/toml_defaults.h"

#include "core/redact.h"

#include <cstdlib>
#include <string_view>
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

Status ApplyTomlDefaults(const std::string& path, CLI::App& command) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError("cannot read config file '" + path +
                                "': " + std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    for (char& c : name) {
      if (c == '_') c = '-';
    }
    CLI::Option* option = command.get_option_no_throw("--" + name);
    if (option == nullptr || name == "config") {
      return InvalidArgumentError("unknown setting '" + std::string(key.str()) + "' in " + path);
    }
    std::string value;
    if (auto s = node.value<std::string>()) {
      value = *s;
    } else if (auto i = node.value<std::int64_t>()) {
      value = std::to_string(*i);
    } else if (auto b = node.value<bool>()) {
      value = *b ? "true" : "false";
    } else {
      return InvalidArgumentError("setting '" + std::string(key.str()) +
                                  "' must be a string, integer or boolean");
    }
    try {
      option->default_val(value);  // runs the option's checks on the value
      // --help shows defaults: never a database password from the file.
      option->default_str(core::RedactUrlPassword(value));
    } catch (const CLI::Error& e) {
      return InvalidArgumentError(std::string(e.what()) + " (in " + path + ")");
    }
  }
  return Status::Ok();
}

}  // namespace restock::app
