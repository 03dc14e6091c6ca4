#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy list [-A]`, `deploy status ROLLOUT [--watch] [--timeout D] [--success-on-pause]` and
/// `deploy history ROLLOUT`, each with `-o table|wide|json|yaml`.
/// Commands print to `context.out`/`err`, read the cluster and the time through `context`.
void add_view_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
