// restock::app — the `serve` command's flags: each setting of ServeConfig declared once, with
// its environment variable and its range (README.md, Configuration).
#pragma once

#include <CLI/CLI.hpp>

#include "app/config.h"
#include "cli/command_line.h"

namespace restock::app {

// Registers `serve` and its flags on `app`. Not copyable or movable: CLI11 holds the
// addresses of its members.
class ServeCommand {
 public:
  explicit ServeCommand(CLI::App& app);

  // True when `serve` was chosen.
  bool chosen() const { return command_.chosen(); }
  // The settings as parsed. REQUIRES: chosen().
  ServeConfig config() const;

 private:
  cli::Command command_;
  ServeConfig config_;
};

}  // namespace restock::app
