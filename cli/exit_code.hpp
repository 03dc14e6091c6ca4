#pragma once
// The exit codes of `deploy`. They are stable and scripts may rely on them; `deploy --help`
// prints `kExitCodeHelp`, and the README's table says the same.

namespace cutover::cli {

enum ExitCode : int {
  kOk = 0,           // success, or the Rollout is Healthy
  kFailed = 1,       // Degraded, aborted, the analysis failed, or lint found errors
  kUsage = 2,        // usage or configuration error, bad input, no such Rollout, a held Lease
  kPaused = 3,       // paused or still in progress; deploy run stopped by SIGINT/SIGTERM
  kTimedOut = 4,     // --timeout passed
  kUnreachable = 5,  // the API server could not be reached
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

}  // namespace cutover::cli
