#pragma once
// Where the unit tests find their files. Defined in test_paths.cpp, the only translation unit
// compiled with the paths (CUTOVER_TESTDATA_DIR, CUTOVER_SOURCE_DIR): every other test file's
// compile command then holds no absolute path, so ccache (with CCACHE_BASEDIR, scripts/lib.sh)
// reuses its objects across clones at different paths.

#include <filesystem>

namespace cutover::testing {

/// tests/unit/testdata of this clone.
std::filesystem::path testdata_dir();
/// The root of this clone.
std::filesystem::path source_dir();

}  // namespace cutover::testing
