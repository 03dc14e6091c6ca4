// The command line's contract with scripts: stable exit codes for bad usage.
#include "deploy_main.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cutover::cli {
namespace {

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "deploy");
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  return deploy_main(static_cast<int>(argv.size()), argv.data());
}

TEST(DeployMain, VersionAndHelpSucceed) {
  EXPECT_EQ(run({"version"}), kOk);
  EXPECT_EQ(run({"--help"}), kOk);
}

TEST(DeployMain, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}), kUsage) << "a subcommand is required";
  EXPECT_EQ(run({"cluster-info", "-o", "yaml"}), kUsage);
  EXPECT_EQ(run({"run"}), kUsage) << "the Rollout name is required";
  EXPECT_EQ(run({"no-such-command"}), kUsage);
}

TEST(DeployMain, MissingKubeconfigIsAUsageErrorNamingTheFile) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run({"cluster-info", "--kubeconfig", "/nonexistent/kubeconfig"}), kUsage);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("/nonexistent/kubeconfig"), std::string::npos) << err;
  EXPECT_NE(err.find("fix:"), std::string::npos) << err;
}

TEST(DeployMain, RunRejectsABadTimeout) {
  EXPECT_EQ(run({"run", "web", "--timeout", "soon", "--kubeconfig", "/nonexistent"}), kUsage);
}

}  // namespace
}  // namespace cutover::cli
