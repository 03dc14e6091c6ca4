#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy lint FILE... [--policies [DIR]] [--strict]`: offline checks (see lint.hpp), printed
/// as `file:line:col: severity: message`; with GITHUB_ACTIONS=true also as `::error` workflow
/// commands. Exit 0 when there is no error (warnings too with --strict), 1 otherwise, 2 when a
/// file cannot be read. Findings go to `context.out`, the tally to `context.err`; `-` reads
/// stdin.
void add_lint_command(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
