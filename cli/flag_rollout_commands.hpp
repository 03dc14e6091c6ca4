#pragma once
// `deploy flag-rollouts list|status|promote|abort|retry`: FlagRollouts (flagrollouts.cutover.dev),
// which move one flag's variant through steps and SLO gates with no deploy.
//
//   list                 every FlagRollout: flag, variant, phase, step, weight, age (-A: all
//                        namespaces; -o json|yaml: the objects)
//   status NAME          the FlagRollout as a tree: the flag's split, steps, analysis; with
//                        --watch, until Healthy, Degraded or paused for a person
//   promote NAME         continue a paused FlagRollout (--full: skip to 100%)
//   abort NAME           the variant back to 0% at once
//   retry NAME           start an aborted FlagRollout again from step 1
//
// The same exit codes as the Rollout commands (exit_code.hpp): status exits 0 Healthy,
// 1 Degraded, 3 paused or in progress, 4 on a --watch timeout, 2 for an unknown name.

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

void add_flag_rollout_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
