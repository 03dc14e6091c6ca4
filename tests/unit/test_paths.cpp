#include "test_paths.hpp"

namespace cutover::testing {

std::filesystem::path testdata_dir() {
  return CUTOVER_TESTDATA_DIR;
}
std::filesystem::path source_dir() {
  return CUTOVER_SOURCE_DIR;
}

}  // namespace cutover::testing
