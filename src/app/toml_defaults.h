// restock::app — applies a TOML configuration file as the defaults of CLI11 options, so
// that flags and environment variables still win over it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/status.h"

namespace restock::app {

// Returns the --config path from argv or RESTOCK_CONFIG; empty when none.
std::string FindConfigPath(int argc, char** argv);

// For every TOML key "foo_bar" (or "foo-bar") at the top level of `path`, makes its value
// the default of the setting "--foo-bar" (a flag with a RESTOCK_* variable) of every command
// under `app` that has it; a command without that setting ignores the key.
// InvalidArgument when the file cannot be read or parsed, holds a key that is no command's
// setting, or a value a setting refuses (out of range, not a number, …).
Status ApplyTomlDefaults(const std::string& path, CLI::App& app);

}  // namespace restock::app
