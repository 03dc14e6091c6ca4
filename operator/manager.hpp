#pragma once
// Runs the operator process: checks the API server, serves /metrics and /healthz, /readyz,
// and hosts the controllers (added by the Rollout controller work) until SIGTERM.

#include "operator_options.hpp"

namespace cutover::op {

/// Blocks until SIGINT/SIGTERM. Returns the process exit code: 0 after a signal, 2 for a bad
/// configuration (including a bind address that cannot be listened on), 3 when the API server
/// cannot be reached.
int run_manager(const OperatorOptions& options);

}  // namespace cutover::op
