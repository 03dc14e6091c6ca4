// `deploy cluster-info` through a CommandContext: what it prints comes from the resolved
// configuration and the server's /version, both from the context.
#include "cluster_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_fixture.hpp"
#include "exit_code.hpp"

namespace cutover::cli {
namespace {

using kube::Json;
using ::testing::HasSubstr;

TEST(ClusterCommands, PrintsTheServerVersionAndTheResolvedNamespace) {
  CommandFixture fixture;
  std::vector<std::string> paths;
  fixture.get_path = [&paths](const std::string& path) -> kube::Result<Json> {
    paths.push_back(path);
    return Json{{"gitVersion", "v1.31.0"}, {"platform", "linux/amd64"}};
  };
  const auto run = fixture.run({"cluster-info", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(paths, std::vector<std::string>{"/version"});
  EXPECT_THAT(run.out, HasSubstr("Server version: v1.31.0 (linux/amd64)\n"));
  EXPECT_THAT(run.out, HasSubstr("Server:         https://fake.invalid\n"));
  EXPECT_THAT(run.out, HasSubstr("Namespace:      shop\n"));
  const auto json = fixture.run({"cluster-info", "-o", "json"});
  EXPECT_EQ(Json::parse(json.out)["serverVersion"]["gitVersion"], "v1.31.0");
  EXPECT_EQ(Json::parse(json.out)["namespace"], "default");
}

TEST(ClusterCommands, AClientWithoutRawPathsSaysSo) {
  CommandFixture fixture;
  const auto run = fixture.run({"cluster-info"});
  EXPECT_EQ(run.exit_code, kFailed);
  EXPECT_THAT(run.err, HasSubstr("cannot read /version"));
}

}  // namespace
}  // namespace cutover::cli
