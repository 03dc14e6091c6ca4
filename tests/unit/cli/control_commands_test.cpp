// `deploy promote`, `abort` and `pause` through a CommandContext over a fake client: the patch
// they send and the line they print.
#include "control_commands.hpp"

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

class ControlCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture.client.seed(kRollouts, cutover::testing::read_json("rollout_paused.json"));
  }
  Json stored() { return *fixture.client.get(kRollouts, "web"); }
  CommandFixture fixture;
};

TEST_F(ControlCommands, PromoteRecordsWhoPromotedAndSaysWhatHappens) {
  const auto run = fixture.run({"promote", "web", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out, "rollout shop/web promoted: on to the next step\n");
  EXPECT_THAT(run.err, IsEmpty());
  EXPECT_EQ(fixture.client.log.back(), "patch Rollout/web/status");
  EXPECT_EQ(stored()["status"]["promotedBy"], "alice via deploy promote");
}

TEST_F(ControlCommands, AbortOfAReleaseUnderWay) {
  const auto run = fixture.run({"abort", "web", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out,
            "rollout shop/web abort requested: traffic goes back to the stable revision\n");
}

TEST_F(ControlCommands, PauseWritesTheSpec) {
  const auto run = fixture.run({"pause", "web", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(fixture.client.log.back(), "patch Rollout/web");
  EXPECT_EQ(stored()["spec"]["paused"], true);
}

TEST_F(ControlCommands, AnUnknownRolloutIsAUsageError) {
  const auto run = fixture.run({"promote", "nope", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("rollout shop/nope not found"));
  EXPECT_EQ(fixture.client.calls["patch"], 0);
}

}  // namespace
}  // namespace cutover::cli
