#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy cluster-info [-o json|yaml]`: server version, context, server URL, namespace and the
/// auth method in use (never a secret).
void add_cluster_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
