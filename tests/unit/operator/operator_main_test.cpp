// Bad flags are refused with a usage error before the operator touches the cluster.
#include "operator_main.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cutover::op {
namespace {

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "deploy-operator");
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  return operator_main(static_cast<int>(argv.size()), argv.data());
}

TEST(OperatorMain, HelpExitsZero) {
  EXPECT_EQ(run({"--help"}), 0);
}

TEST(OperatorMain, BadFlagsAreUsageErrors) {
  EXPECT_EQ(run({"--kube-api-qps", "0"}), 2);
  EXPECT_EQ(run({"--workers", "0"}), 2);
  EXPECT_EQ(run({"--lease-duration", "10", "--renew-deadline", "10"}), 2)
      << "a renew deadline as long as the lease would let two leaders overlap";
  EXPECT_EQ(run({"--no-such-flag"}), 2);
}

}  // namespace
}  // namespace cutover::op
