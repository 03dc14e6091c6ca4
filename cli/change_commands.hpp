#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// Commands that give a Rollout a new pod template, and so a new revision:
/// `deploy set image ROLLOUT CONTAINER=IMAGE...`, `deploy apply -f FILE...`,
/// `deploy restart ROLLOUT` and `deploy undo ROLLOUT [--to-revision N]`. Each takes `--wait`
/// (follow like `status --watch`), `--timeout` and `--success-on-pause`. `set image` and `apply`
/// record `cutover.dev/change-cause` and, inside a git work tree, `cutover.dev/git-sha` on the
/// pod template.
void add_change_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
