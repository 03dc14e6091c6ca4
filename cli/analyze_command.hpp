#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy analyze --policy FILE|NAME [--arg k=v]... [--rollout R] [--prometheus URL] [--once]`:
/// runs an SLO policy against a live Prometheus from this process, printing every measurement
/// and the verdict. Exit 0 pass, 1 fail, 3 inconclusive, 2 for a bad policy, argument or query.
/// Measurements are taken and waited for on `context.clock`.
void add_analyze_command(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
