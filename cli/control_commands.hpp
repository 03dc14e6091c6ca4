#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"
#include "rollout_kind.hpp"

namespace cutover::cli {

/// `deploy promote ROLLOUT [--full]`, `abort`, `retry`, `pause` and `resume`: requests the
/// controller (the operator or `deploy run`) carries out. See rollout/rollout_commands.hpp for
/// the patches.
void add_control_commands(CLI::App& app, CommandContext& context, int& exit_code);

/// `deploy flag-rollouts promote NAME [--full]`, `abort` and `retry` (kind flag_rollout), and
/// `deploy migrations ...` (kind migration): the same requests (the same status patches, the
/// same promotedBy) on a release with no pods. `app` is the command group.
void add_podless_control_commands(CLI::App& app, CommandContext& context, int& exit_code,
                                  RolloutKind kind);

}  // namespace cutover::cli
