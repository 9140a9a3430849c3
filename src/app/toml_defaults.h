// restock::app — applies a TOML configuration file as the defaults of CLI11 options, so
// that flags and environment variables still win over it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/status.h"

namespace restock::app {

// Returns the --config path from argv or RESTOCK_CONFIG; empty when none.
std::string FindConfigPath(int argc, char** argv);

// For every long option "--foo-bar" of `command` with a TOML key "foo_bar" (or "foo-bar")
// at the top level of `path`, makes the TOML value the option's default.
// InvalidArgument when the file cannot be read or parsed, holds an unknown key, or a value
// its option refuses (out of range, not a number, negative for an unsigned setting).
Status ApplyTomlDefaults(const std::string& path, CLI::App& command);

}  // namespace restock::app
