// The command line's contract with scripts: stable exit codes for bad usage.
#include "deploy_main.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exit_code.hpp"
#include "test_paths.hpp"

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
  EXPECT_EQ(run({"cluster-info", "-o", "xml"}), kUsage);
  EXPECT_EQ(run({"status"}), kUsage) << "the Rollout name is required";
  EXPECT_EQ(run({"set", "image", "web"}), kUsage) << "CONTAINER=IMAGE is required";
  EXPECT_EQ(run({"apply"}), kUsage) << "-f is required";
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

TEST(DeployMain, HelpDocumentsEveryExitCode) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run({"--help"}), kOk);
  const std::string out = ::testing::internal::GetCapturedStdout();
  for (const char* line : {"Exit codes:", "  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  "})
    EXPECT_NE(out.find(line), std::string::npos) << line << " in\n" << out;
}

// Bad input is refused before any request: none of these reach a cluster.
struct BadInput {
  std::vector<std::string> args;
  const char* says;
};

class DeployBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(DeployBadInput, ExitsTwoWithAClearMessage) {
  auto args = GetParam().args;
  args.insert(args.end(), {"--kubeconfig", "/nonexistent/kubeconfig"});
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run(args), kUsage);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(GetParam().says), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(
    DeployMain, DeployBadInput,
    ::testing::Values(
        BadInput{{"set", "image", "web", "web="}, "the image after '=' is missing"},
        BadInput{{"set", "image", "web", "=nginx"}, "the container name before '=' is missing"},
        BadInput{{"set", "image", "web", "web=UPPER CASE"}, "contains whitespace"},
        BadInput{{"set", "image", "web", "web=nginx", "--wait", "--timeout", "soon"}, "--timeout"},
        BadInput{{"apply", "-f", "/nonexistent/rollout.yaml"}, "/nonexistent/rollout.yaml"},
        BadInput{
            {"apply", "-f", (cutover::testing::testdata_dir() / "cli/bad_rollout.yaml").string()},
            "spec.strategy.canary.steps[0].setWeight"},
        BadInput{{"apply", "-f", (cutover::testing::testdata_dir() / "cli/not_yaml.yaml").string()},
                 "not_yaml.yaml:"},
        BadInput{{"status", "web", "--timeout", "soon"}, "--timeout"},
        BadInput{{"list", "--request-timeout", "0s"}, "--request-timeout"}));

TEST(DeployMain, UnreadableFileNamesTheReason) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run({"apply", "-f", "/proc/self/nonexistent.yaml"}), kUsage);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("fix:"), std::string::npos) << err;
}

}  // namespace
}  // namespace cutover::cli
