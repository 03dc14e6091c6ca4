// `deploy flag-rollouts list|status|abort` through a CommandContext over a fake client: the
// FlagRollout paths the Migration commands share (list_for_table, add_status_command,
// add_podless_control_commands) still read and name FlagRollouts.
#include "flag_rollout_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_fixture.hpp"
#include "exit_code.hpp"

namespace cutover::cli {
namespace {

using kube::Json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const kube::ResourceRef kFlagRollouts{"cutover.dev/v1alpha1", "FlagRollout", "shop"};

Json paused_flag_rollout() {
  return Json::parse(R"({
    "apiVersion": "cutover.dev/v1alpha1", "kind": "FlagRollout",
    "metadata": {"name": "checkout-on", "namespace": "shop", "generation": 1,
                 "creationTimestamp": "2026-11-22T11:30:00Z"},
    "spec": {"featureFlag": "checkout", "flag": "new-checkout", "variant": "on",
             "otherVariant": "off", "steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 50}]},
    "status": {"phase": "Paused", "observedGeneration": 1, "strategy": "Flag",
               "currentRevision": "5b1e", "currentStepIndex": 1, "currentWeight": 10,
               "pauseConditions": [{"reason": "CanaryPauseStep",
                                    "startTime": "2026-11-22T11:50:00Z"}],
               "canary": {"flags": [{"featureFlag": "checkout", "flag": "new-checkout",
                                     "variant": "on", "weight": 10}]}}
  })");
}

class FlagRolloutCommands : public ::testing::Test {
 protected:
  void SetUp() override { fixture.client.seed(kFlagRollouts, paused_flag_rollout()); }
  CommandFixture fixture;
};

TEST_F(FlagRolloutCommands, ListShowsTheFlagAndItsWeight) {
  const auto run = fixture.run({"flag-rollouts", "list", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out,
            "NAME          FEATUREFLAG   FLAG           VARIANT   PHASE    STEP   WEIGHT   AGE\n"
            "checkout-on   checkout      new-checkout   on        Paused   1/3    10%      30m\n");
  EXPECT_EQ(fixture.run({"flag-rollouts", "list"}).err,
            "No flagrollouts found in namespace default.\n");
}

TEST_F(FlagRolloutCommands, StatusNamesTheFlagRolloutAndPausesLikeDeployStatus) {
  const auto run = fixture.run({"flag-rollouts", "status", "checkout-on", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kPaused) << run.err;
  EXPECT_THAT(run.out, HasSubstr("FlagRollout: shop/checkout-on\nStrategy:  Flag\n"));
  EXPECT_THAT(run.out, HasSubstr("Next:      deploy flag-rollouts promote checkout-on"));
  EXPECT_THAT(run.err, IsEmpty());
}

TEST_F(FlagRolloutCommands, AbortSendsTheAbortPatch) {
  const auto run = fixture.run({"flag-rollouts", "abort", "checkout-on", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out, "flagrollout shop/checkout-on abort requested: the variant goes back to 0%\n");
  EXPECT_EQ(fixture.client.log.back(), "patch FlagRollout/checkout-on/status");
  EXPECT_EQ((*fixture.client.get(kFlagRollouts, "checkout-on"))["status"]["abort"], true);
}

TEST_F(FlagRolloutCommands, AnUnknownFlagRolloutNamesItsListCommand) {
  const auto run = fixture.run({"flag-rollouts", "status", "nope", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_EQ(run.err,
            "error: flagrollout shop/nope not found (fix: check the name and the namespace; deploy "
            "flag-rollouts list -n shop lists the FlagRollouts there, with -A all of them)\n");
}

}  // namespace
}  // namespace cutover::cli
