#pragma once
// The `deploy` command line. `main` calls only this.
//
// Exit codes are stable and scripts may rely on them:
//   0 success, 1 the operation failed (or the release was aborted), 2 bad usage or bad input,
//   3 cannot reach or authenticate to the cluster, 4 timed out.

namespace cutover::cli {

enum ExitCode : int { kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3 };

int deploy_main(int argc, char** argv);

}  // namespace cutover::cli
