#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"
#include "rollout_access.hpp"

namespace cutover::cli {

/// `deploy list [-A]`, `deploy status ROLLOUT [--watch] [--timeout D] [--success-on-pause]` and
/// `deploy history ROLLOUT`, each with `-o table|wide|json|yaml`.
/// Commands print to `context.out`/`err`, read the cluster and the time through `context`.
void add_view_commands(CLI::App& app, CommandContext& context, int& exit_code);

struct StatusOptions {
  std::string rollout;
  bool watch = false;
  std::string timeout = "10m";
  bool success_on_pause = false;
  RolloutKind kind = RolloutKind::rollout;  // `deploy flag-rollouts status` reads FlagRollouts
};

/// `deploy status` (and `deploy flag-rollouts status`): the tree, -o json|yaml, or --watch;
/// returns the exit code (0 Healthy, 1 Degraded, 3 paused or moving, 4 timeout, 2 unknown).
int run_status(const CommandContext& context, const StatusOptions& options);

}  // namespace cutover::cli
