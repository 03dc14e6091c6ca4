#include "deploy_main.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "analyze_command.hpp"
#include "change_commands.hpp"
#include "cluster_commands.hpp"
#include "completion.hpp"
#include "control_commands.hpp"
#include "global_options.hpp"
#include "install_commands.hpp"
#include "lint_command.hpp"
#include "run_command.hpp"
#include "version.hpp"
#include "view_commands.hpp"

namespace cutover::cli {

int deploy_main(int argc, char** argv) {
  CLI::App app{
      "deploy: blue-green, canary and strangler-fig releases on Kubernetes, gated on "
      "SLOs"};
  // Run as `kubectl-deploy` (a kubectl plugin), usage says `kubectl deploy`.
  app.name(argc > 0 ? program_name(argv[0]) : "deploy");
  app.require_subcommand(1);
  app.footer(kExitCodeHelp);
  // Global flags (--kubeconfig, -n, ...) may also follow the subcommand, as in kubectl.
  app.fallthrough();
  GlobalOptions globals;
  globals.add_to(app);
  int exit_code = kOk;

  app.add_subcommand("version", "Print the version of deploy")->callback([] {
    std::cout << "deploy " << kVersion << "\n";
  });
  add_view_commands(app, globals, exit_code);
  add_control_commands(app, globals, exit_code);
  add_change_commands(app, globals, exit_code);
  add_run_command(app, globals, exit_code);
  add_analyze_command(app, globals, exit_code);
  add_cluster_commands(app, globals, exit_code);
  add_lint_command(app, globals, exit_code);
  add_install_commands(app, globals, exit_code);
  add_completion_commands(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  return exit_code;
}

}  // namespace cutover::cli
