#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy promote ROLLOUT [--full]`, `abort`, `retry`, `pause` and `resume`: requests the
/// controller (the operator or `deploy run`) carries out. See rollout/rollout_commands.hpp for
/// the patches.
void add_control_commands(CLI::App& app, CommandContext& context, int& exit_code);

/// `deploy flag-rollouts promote NAME [--full]`, `abort` and `retry`: the same requests (the
/// same status patches) on a FlagRollout. `app` is the `flag-rollouts` command.
void add_flag_rollout_control_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
