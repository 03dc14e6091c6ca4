#pragma once
// Running inside a GitHub Actions job (GITHUB_ACTIONS=true): step outputs go to the file named
// by $GITHUB_OUTPUT, a Markdown report to $GITHUB_STEP_SUMMARY, and logs are folded with
// `::group::`. Outside Actions every member does nothing, so commands call them
// unconditionally.

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rollout_view.hpp"

namespace cutover::cli {

struct GithubActions {
  bool enabled = false;
  std::string output_file;   // $GITHUB_OUTPUT; empty: outputs are dropped
  std::string summary_file;  // $GITHUB_STEP_SUMMARY; empty: the report is dropped

  /// Reads GITHUB_ACTIONS, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
  static GithubActions from_environment();

  /// Appends `name=value` lines (a value with a newline uses the heredoc form). Returns false
  /// when the file cannot be written.
  bool set_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) const;
  /// Appends `markdown` to the step summary.
  bool append_summary(std::string_view markdown) const;
};

/// Prints `::group::title` on construction and `::endgroup::` on destruction, when enabled.
class LogGroup {
 public:
  LogGroup(const GithubActions& actions, std::string_view title, std::ostream& out);
  ~LogGroup();
  LogGroup(const LogGroup&) = delete;
  LogGroup& operator=(const LogGroup&) = delete;

 private:
  bool enabled_;
  std::ostream& out_;
};

/// What a release command ends with, for the outputs and the report.
struct ReleaseOutcome {
  std::string command;  // e.g. "deploy set image web web=web:2 --wait"
  std::string verdict;  // Healthy, Degraded, Paused, TimedOut, ...
  int exit_code = 0;
  std::chrono::milliseconds duration{0};
};

/// The outputs `phase`, `revision`, `verdict` and `duration` (seconds) of a release.
std::vector<std::pair<std::string, std::string>> release_outputs(const RolloutSnapshot& snapshot,
                                                                 const ReleaseOutcome& outcome);

/// The Markdown report: the verdict, revisions, each step with its weight and state, the
/// analysis and its measurements (from the AnalysisRun objects given, may be empty), and the
/// abort reason. Pure, for golden tests.
std::string release_summary(const RolloutSnapshot& snapshot, const ReleaseOutcome& outcome,
                            const std::vector<Json>& analysis_runs);

/// The verdict word for an exit code: Healthy (0), Degraded (1), Paused (3), TimedOut (4),
/// Unreachable (5), Error (2).
std::string verdict_for_exit(int exit_code);

}  // namespace cutover::cli
