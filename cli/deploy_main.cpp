#include "deploy_main.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <optional>

#include "analyze_command.hpp"
#include "blueprint_commands.hpp"
#include "change_commands.hpp"
#include "cluster_commands.hpp"
#include "command_context.hpp"
#include "completion.hpp"
#include "control_commands.hpp"
#include "dashboard_command.hpp"
#include "delete_command.hpp"
#include "exit_code.hpp"
#include "flag_commands.hpp"
#include "flag_rollout_commands.hpp"
#include "github_report.hpp"
#include "global_options.hpp"
#include "install_commands.hpp"
#include "lint_command.hpp"
#include "migration_commands.hpp"
#include "new_command.hpp"
#include "run_command.hpp"
#include "version.hpp"
#include "view_commands.hpp"

namespace cutover::cli {

int deploy_main(int argc, char** argv) {
  CommandContext context{connect_with_kubeconfig, SystemClock::instance(), std::cout, std::cerr};
  return deploy_main(argc, argv, context);
}

int deploy_main(int argc, char** argv, CommandContext& context) {
  CLI::App app{
      "deploy: blue-green, canary and strangler-fig releases on Kubernetes, gated on "
      "SLOs"};
  // Run as `kubectl-deploy` (a kubectl plugin), usage says `kubectl deploy`.
  app.name(argc > 0 ? program_name(argv[0]) : "deploy");
  app.require_subcommand(1);
  app.footer(kExitCodeHelp);
  // Global flags (--kubeconfig, -n, ...) may also follow the subcommand, as in kubectl.
  app.fallthrough();
  context.globals.add_to(app);
  int exit_code = kOk;

  app.add_subcommand("version", "Print the version of deploy")->callback([&context] {
    context.out << "deploy " << kVersion << "\n";
  });
  add_view_commands(app, context, exit_code);
  add_flag_commands(app, context, exit_code);
  add_flag_rollout_commands(app, context, exit_code);
  add_migration_commands(app, context, exit_code);
  add_control_commands(app, context, exit_code);
  add_change_commands(app, context, exit_code);
  add_run_command(app, context, exit_code);
  add_delete_command(app, context, exit_code);
  add_analyze_command(app, context, exit_code);
  add_cluster_commands(app, context, exit_code);
  add_lint_command(app, context, exit_code);
  add_install_commands(app, context, exit_code);
  add_new_command(app, context, exit_code);
  add_dashboard_command(app, context, exit_code);
  add_blueprint_commands(app, context, exit_code);
  add_completion_commands(app, context, exit_code);

  // In GitHub Actions, release commands fold their logs into a group and end with outputs and
  // a step summary (github_report.hpp).
  const auto actions = GithubActions::from_environment();
  const auto started = context.clock.steady_now();
  std::optional<ReleaseCommand> release;
  std::optional<LogGroup> group;
  app.parse_complete_callback([&] {
    if (!actions.enabled)
      return;
    release = release_command(app);
    if (release)
      group.emplace(actions, release->title, context.out);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    group.reset();
    const int code = app.exit(e, context.out, context.err);
    return code == 0 ? kOk : kUsage;
  }
  group.reset();
  if (release) {
    std::string command_line = "deploy";
    for (int i = 1; i < argc; ++i)
      command_line += std::string(" ") + argv[i];
    report_release(actions, context, *release, command_line, exit_code,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       context.clock.steady_now() - started));
  }
  return exit_code;
}

}  // namespace cutover::cli
