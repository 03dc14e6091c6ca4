#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy run ROLLOUT [--timeout D]`: drives one Rollout with the same engine as the operator,
/// for pipelines with no operator installed. Exits 0 when it is Healthy, 1 when it is aborted
/// or invalid, 4 on timeout. Waits and timestamps go through `context.clock`, except the Lease
/// renewer's own interruptible wait between renewals (a thread, in real time).
void add_run_command(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
