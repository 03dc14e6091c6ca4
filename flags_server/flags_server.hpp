#pragma once
// Runs deploy-flags: watches FeatureFlags into a FlagCatalog, serves OFREP from it, and serves
// /metrics, /healthz and /readyz on the management address, until SIGINT/SIGTERM.

#include "flags_options.hpp"

namespace cutover::flag_server {

/// Blocks until SIGINT/SIGTERM. Returns 0 after a signal, 2 for a bad configuration (an
/// address that cannot be listened on, an unreadable token file), 3 when the API server cannot
/// be reached.
int run_flags_server(const FlagsOptions& options);

}  // namespace cutover::flag_server
