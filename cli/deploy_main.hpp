#pragma once
// The `deploy` command line. `main` calls only this.
//
// Exit codes are stable and scripts may rely on them:
//   0 success, 1 the operation failed, 2 bad usage or bad input, 3 cannot reach or
//   authenticate to the cluster.

namespace cutover::cli {

enum ExitCode : int { kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3 };

int deploy_main(int argc, char** argv);

}  // namespace cutover::cli
