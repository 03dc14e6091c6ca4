// `deploy list`, `status` and `history` driven end to end through a CommandContext: a fake
// client holding the objects, a fake clock, and the streams read back.
#include "view_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_fixture.hpp"
#include "exit_code.hpp"
#include "golden.hpp"

namespace cutover::cli {
namespace {

using kube::Json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const kube::ResourceRef kRollouts{"cutover.dev/v1alpha1", "Rollout", "shop"};
const kube::ResourceRef kDeployments{"apps/v1", "Deployment", "shop"};

class ViewCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture.client.seed(kRollouts, cutover::testing::read_json("rollout_paused.json"));
    fixture.client.seed(kDeployments, cutover::testing::read_json("slot_web_a.json"));
    fixture.client.seed(kDeployments, cutover::testing::read_json("slot_web_b.json"));
  }
  CommandFixture fixture;
};

TEST_F(ViewCommands, StatusPrintsTheTreeOnTheContextsStreamAtTheContextsTime) {
  const auto run = fixture.run({"status", "web", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kPaused) << run.err;
  cutover::testing::expect_golden("status_paused.txt", run.out);
  EXPECT_THAT(run.err, IsEmpty());
  EXPECT_EQ(fixture.connects, 1);
  // The Rollout, both slots, and the run Lease (absent: no "Driven by" line).
  EXPECT_EQ(fixture.client.calls["get"], 4);
}

TEST_F(ViewCommands, StatusSuccessOnPauseExitsZero) {
  EXPECT_EQ(fixture.run({"status", "web", "-n", "shop", "--success-on-pause"}).exit_code, kOk);
}

TEST_F(ViewCommands, StatusAsJsonIsTheObjectOnly) {
  const auto run = fixture.run({"status", "web", "-n", "shop", "-o", "json"});
  const auto printed = Json::parse(run.out);
  EXPECT_EQ(printed["metadata"]["name"], "web");
  EXPECT_EQ(fixture.client.calls["get"], 1) << "-o json reads no slot and no Lease";
}

TEST_F(ViewCommands, WatchWaitsOnTheContextsClock) {
  // Paused at a manual pause: the watch settles on the first read, exit 3, and never sleeps.
  const auto run = fixture.run({"status", "web", "-n", "shop", "--watch", "--timeout", "1h"});
  EXPECT_EQ(run.exit_code, kPaused) << run.err;
  EXPECT_THAT(run.out, HasSubstr("web: Paused"));
  EXPECT_THAT(fixture.clock.sleeps, IsEmpty());
}

TEST_F(ViewCommands, AMissingRolloutNamesItAndTheFix) {
  const auto run = fixture.run({"status", "nope", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_THAT(run.err, HasSubstr("error: rollout shop/nope not found (fix:"));
}

TEST_F(ViewCommands, HistoryAgesComeFromTheContextsClock) {
  const auto run = fixture.run({"history", "web", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  cutover::testing::expect_golden("history.txt", run.out);
}

TEST_F(ViewCommands, ListUsesTheClusterNamespace) {
  const auto empty = fixture.run({"list"});
  EXPECT_EQ(empty.exit_code, kOk);
  EXPECT_THAT(empty.out, IsEmpty());
  EXPECT_EQ(empty.err, "No rollouts found in namespace default.\n");
  const auto run = fixture.run({"list", "-n", "shop"});
  EXPECT_THAT(run.out, HasSubstr("NAME   STRATEGY   PHASE    STEP   WEIGHT"));
  EXPECT_THAT(run.out, HasSubstr("\nweb    Canary     Paused   1/6    25"));
}

TEST_F(ViewCommands, AConnectorFailureIsTheExitCode) {
  std::ostringstream out;
  std::ostringstream err;
  CommandContext context{[](const GlobalOptions&, kube::ClientOptions,
                            std::ostream& to) -> std::expected<Cluster, int> {
                           to << "error: cannot reach\n";
                           return std::unexpected(kUnreachable);
                         },
                         fixture.clock, out, err, Terminal{}};
  std::vector<std::string> args = {"deploy", "status", "web"};
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  EXPECT_EQ(deploy_main(static_cast<int>(argv.size()), argv.data(), context), kUnreachable);
  EXPECT_EQ(err.str(), "error: cannot reach\n");
  EXPECT_THAT(out.str(), IsEmpty());
}

}  // namespace
}  // namespace cutover::cli
