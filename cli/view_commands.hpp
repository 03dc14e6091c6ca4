#pragma once

#include <CLI/CLI.hpp>

#include "global_options.hpp"

namespace cutover::cli {

/// `deploy list [-A]`, `deploy status ROLLOUT [--watch] [--timeout D] [--success-on-pause]` and
/// `deploy history ROLLOUT`, each with `-o table|wide|json|yaml`.
void add_view_commands(CLI::App& app, GlobalOptions& globals, int& exit_code);

}  // namespace cutover::cli
