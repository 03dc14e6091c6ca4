#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy dashboard [--address HOST:PORT] [--read-only] [--no-login-link]`: serves the dashboard
/// (dashboard/dashboard_server.hpp) with the kubeconfig's credentials, on 127.0.0.1:3100 unless
/// told otherwise, until interrupted.
void add_dashboard_command(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
