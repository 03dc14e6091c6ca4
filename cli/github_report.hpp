#pragma once
// GitHub Actions around the release commands (`status --watch`, `set image --wait`,
// `apply --wait`, `run`, `analyze`): their logs are folded into a `::group::`, and when they
// end, the Rollout's outcome is written to $GITHUB_OUTPUT (phase, revision, verdict, duration)
// and a Markdown report to $GITHUB_STEP_SUMMARY. deploy_main calls these around the parse, so
// the commands themselves stay unaware of CI.

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "command_context.hpp"
#include "github_actions.hpp"

namespace cutover::cli {

/// Which release command the parsed `app` runs, and on which Rollouts.
struct ReleaseCommand {
  std::string title;                  // for ::group::, e.g. "deploy set image web"
  std::vector<std::string> rollouts;  // empty for analyze without --rollout
  std::string namespace_name;         // empty: the kubeconfig's
  bool analyze = false;
};

/// The release command `app` was parsed into, or nullopt for any other command.
std::optional<ReleaseCommand> release_command(CLI::App& app);

/// Writes the outputs and the step summary for `command`, which exited with `exit_code` after
/// `elapsed`. Reads the Rollouts (and their AnalysisRuns) once more for the report, through
/// `context`; a failure to do so is a warning on `context.err`, never a change of the exit code.
void report_release(const GithubActions& actions, const CommandContext& context,
                    const ReleaseCommand& command, const std::string& command_line, int exit_code,
                    std::chrono::milliseconds elapsed);

}  // namespace cutover::cli
