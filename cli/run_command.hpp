#pragma once

#include <CLI/CLI.hpp>

#include "global_options.hpp"

namespace cutover::cli {

/// `deploy run ROLLOUT [--timeout D]`: drives one Rollout with the same engine as the operator,
/// for pipelines with no operator installed. Exits 0 when it is Healthy, 1 when it is aborted
/// or invalid, 4 on timeout.
void add_run_command(CLI::App& app, GlobalOptions& globals, int& exit_code);

}  // namespace cutover::cli
