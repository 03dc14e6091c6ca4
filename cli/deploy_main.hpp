#pragma once
// The `deploy` command line. `main` calls only this.
//
// Exit codes are stable and scripts may rely on them (`deploy --help` prints this table):
//   0 success, or the Rollout is Healthy
//   1 failed: Degraded, aborted, or the analysis failed
//   2 usage or configuration error, bad input, or no such Rollout
//   3 paused or still in progress (0 with --success-on-pause when paused)
//   4 timed out
//   5 the API server could not be reached

namespace cutover::cli {

enum ExitCode : int {
  kOk = 0,
  kFailed = 1,
  kUsage = 2,
  kPaused = 3,
  kTimedOut = 4,
  kUnreachable = 5,
};

/// The exit-code table, as printed at the end of `deploy --help`.
inline constexpr const char* kExitCodeHelp =
    "Exit codes:\n"
    "  0  success, or the Rollout is Healthy\n"
    "  1  failed: Degraded, aborted, or the analysis failed\n"
    "  2  usage or configuration error, bad input, no such Rollout, or another deploy run\n"
    "     holds the Rollout's Lease\n"
    "  3  paused or still in progress (0 with --success-on-pause when paused); deploy run\n"
    "     stopped by SIGINT/SIGTERM\n"
    "  4  timed out (--timeout)\n"
    "  5  the API server could not be reached\n";

int deploy_main(int argc, char** argv);

}  // namespace cutover::cli
