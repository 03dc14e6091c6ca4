#pragma once

namespace cutover::flag_server {

/// `deploy-flags`: parses the command line and runs the server. Returns the exit code: 0 after
/// SIGINT/SIGTERM, 2 for a bad command line or configuration, 3 when the API server cannot be
/// reached.
int flags_main(int argc, char** argv);

}  // namespace cutover::flag_server
