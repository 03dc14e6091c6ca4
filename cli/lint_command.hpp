#pragma once

#include <CLI/CLI.hpp>

#include "global_options.hpp"

namespace cutover::cli {

/// `deploy lint FILE... [--policies [DIR]] [--strict]`: offline checks (see lint.hpp), printed
/// as `file:line:col: severity: message`; with GITHUB_ACTIONS=true also as `::error` workflow
/// commands. Exit 0 when there is no error (warnings too with --strict), 1 otherwise, 2 when a
/// file cannot be read.
void add_lint_command(CLI::App& app, GlobalOptions& globals, int& exit_code);

}  // namespace cutover::cli
