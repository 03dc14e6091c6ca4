#include "dashboard_command.hpp"

#include <memory>

#include "dashboard/dashboard_server.hpp"

namespace cutover::cli {

void add_dashboard_command(CLI::App& app, CommandContext& context, int& exit_code) {
  auto options = std::make_shared<dashboard::DashboardOptions>();
  auto no_link = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "dashboard",
      "Serve the dashboard: Rollouts, Migrations and FlagRollouts live, their analyses, and "
      "actions, for users with a valid token and as their RBAC allows");
  cmd->add_option("--address", options->address,
                  "HOST:PORT to listen on; anything but loopback must be asked for")
      ->capture_default_str();
  cmd->add_flag("--read-only", options->read_only, "Show only: every action answers 403");
  cmd->add_flag("--no-login-link", *no_link,
                "Print no one-time login link for the kubeconfig's user (always so in a cluster)");
  cmd->add_option("--threads", options->threads, "Event-loop threads (0: one per CPU)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  cmd->callback([&context, &exit_code, options, no_link] {
    auto cluster = context.connect();
    if (!cluster) {
      exit_code = cluster.error();
      return;
    }
    dashboard::DashboardOptions chosen = *options;
    chosen.login_link = !*no_link && cluster->config.source != "in-cluster";
    exit_code = dashboard::serve_dashboard(chosen, cluster->config, cluster->client, context.out,
                                           context.err);
  });
}

}  // namespace cutover::cli
