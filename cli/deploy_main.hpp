#pragma once
// The `deploy` command line. `main` calls only this. Its exit codes are in exit_code.hpp.

namespace cutover::cli {

int deploy_main(int argc, char** argv);

}  // namespace cutover::cli
