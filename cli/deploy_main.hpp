#pragma once
// The `deploy` command line. `main` calls only this. Its exit codes are in exit_code.hpp.

namespace cutover::cli {

struct CommandContext;

/// Runs `deploy` with `argv` against the real world (the kubeconfig, the system clock, stdout
/// and stderr) and returns the exit code.
int deploy_main(int argc, char** argv);

/// The same against `context` (command_context.hpp): every command reaches the cluster, the
/// clock and the output streams through it, so a test can drive a whole command line. A
/// context serves one run: the parse fills its `globals`.
int deploy_main(int argc, char** argv, CommandContext& context);

}  // namespace cutover::cli
