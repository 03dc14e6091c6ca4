#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

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
  RolloutKind kind = RolloutKind::rollout;  // `deploy flag-rollouts|migrations status` read those
};

/// `deploy status` (and `deploy flag-rollouts status`, `deploy migrations status`): the tree,
/// -o json|yaml, or --watch; returns the exit code (0 Healthy, 1 Degraded, 3 paused or moving,
/// 4 timeout, 2 unknown).
int run_status(const CommandContext& context, const StatusOptions& options);

/// Adds `status NAME [--watch] [--timeout D] [--success-on-pause]` for `kind` to `app` (the root
/// for Rollouts, else the kind's command group), described as `description`.
void add_status_command(CLI::App& app, CommandContext& context, int& exit_code, RolloutKind kind,
                        const std::string& description);

/// One row of a list: the cells for `object` (a list item, its `kind` filled in), read at `now`.
using ListRow = std::function<std::vector<std::string>(const Json& object, WallTime now)>;

/// `deploy flag-rollouts list`, `deploy migrations list`: the kind's objects in the namespace
/// (with -A in all of them) as a table of `header` and one `row` per item, a NAMESPACE column
/// first with -A; with -o json|yaml the List itself; none: a line on stderr. Returns the exit
/// code.
int run_table_list(const CommandContext& context, RolloutKind kind, std::vector<std::string> header,
                   const ListRow& row);

}  // namespace cutover::cli
