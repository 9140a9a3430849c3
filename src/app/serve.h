// restock::app — `restock serve`: wires the database, services, handlers and the HTTP
// server, then runs until SIGINT or SIGTERM.
#pragma once

#include "app/config.h"
#include "core/status.h"

namespace restock::app {

// Blocks until a shutdown signal; returns OK after a graceful stop. Prints
// {"listen":"HOST:PORT"} on stdout once the socket is bound.
Status RunServe(const ServeConfig& config);

}  // namespace restock::app
