#pragma once
// Golden files for the CLI's output. A mismatch fails with both texts; running the tests with
// CUTOVER_UPDATE_GOLDEN=1 rewrites the files instead (review the diff before committing).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "test_paths.hpp"

namespace cutover::testing {

inline std::filesystem::path cli_testdata(const std::string& name) {
  return testdata_dir() / "cli" / name;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline nlohmann::json read_json(const std::string& name) {
  return nlohmann::json::parse(read_text(cli_testdata(name)));
}

inline void expect_golden(const std::string& name, const std::string& actual) {
  const auto path = cli_testdata(name);
  if (std::getenv("CUTOVER_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << path << " is missing; run with CUTOVER_UPDATE_GOLDEN=1 to create it:\n"
      << actual;
  EXPECT_EQ(read_text(path), actual) << "golden file " << path;
}

}  // namespace cutover::testing
