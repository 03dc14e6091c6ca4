#pragma once
// `deploy migrations list|status|promote|abort|retry`: Migrations (migrations.cutover.dev), which
// move a path (spec.matches) from one Service to another through steps and SLO gates, with no
// deploy: a strangler fig.
//
//   list                 every Migration: route, paths, from, to, phase, step, weight (the path's
//                        share on spec.to), age (-A: all namespaces; -o json|yaml: the objects)
//   status NAME          the Migration as a tree: route, paths, from, to, the share, what the
//                        route reads back, steps, analysis; with --watch, until Healthy, Degraded
//                        or paused for a person
//   promote NAME         continue a paused Migration (--full: skip to 100%)
//   abort NAME           the path back to spec.from at once
//   retry NAME           start an aborted Migration again from step 1
//
// The same exit codes as the Rollout commands (exit_code.hpp): status exits 0 Healthy,
// 1 Degraded, 3 paused or in progress, 4 on a --watch timeout, 2 for an unknown name.

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

void add_migration_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
