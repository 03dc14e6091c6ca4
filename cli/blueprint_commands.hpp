#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy blueprints list [--from SRC]`: name, version and description of each blueprint.
/// `deploy blueprints show NAME [--from SRC]`: its parameters (type, default, constraints,
/// help), file rules and hooks. Both take `-o json`.
/// `deploy blueprint update [DIR] [--to-version V] [--from SRC] [--no-input]`: re-renders the
/// service in DIR (default .) with its recorded answers and merges (blueprint/updater.hpp).
/// Exit 0 merged cleanly, 1 conflicts (listed, markers written), 2 bad input.
void add_blueprint_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
