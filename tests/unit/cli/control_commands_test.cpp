// `deploy promote`, `abort` and `pause` (and `deploy migrations promote|abort|retry`) through a
// CommandContext over a fake client: the patch they send and the line they print.
#include "control_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_fixture.hpp"
#include "exit_code.hpp"
#include "golden.hpp"
#include "migration_object.hpp"

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

const kube::ResourceRef kMigrations{"cutover.dev/v1alpha1", "Migration", "shop"};

// A Migration gets the Rollout's status patches, on the Migration's status subresource.
class MigrationControlCommands : public ::testing::Test {
 protected:
  void SetUp() override { fixture.client.seed(kMigrations, paused_migration()); }
  Json status() { return (*fixture.client.get(kMigrations, "payments"))["status"]; }
  CommandFixture fixture;
};

TEST_F(MigrationControlCommands, PromoteLiftsThePauseAndRecordsWhoPromoted) {
  const auto run = fixture.run({"migrations", "promote", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out, "migration shop/payments promoted: on to the next step\n");
  EXPECT_THAT(run.err, IsEmpty());
  EXPECT_EQ(fixture.client.log.back(), "patch Migration/payments/status");
  EXPECT_EQ(status()["pauseConditions"], Json::array());
  EXPECT_EQ(status()["promotedBy"], "alice via deploy promote");
  EXPECT_FALSE(status().contains("promoteFull"));
}

TEST_F(MigrationControlCommands, PromoteFullSkipsTheRemainingSteps) {
  const auto run = fixture.run({"migrations", "promote", "payments", "--full", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out, "migration shop/payments promoted: skipping the remaining steps\n");
  EXPECT_EQ(status()["promoteFull"], true);
  EXPECT_EQ(status()["promotedBy"], "alice via deploy promote --full");
}

TEST_F(MigrationControlCommands, AbortPutsThePathBackOnFrom) {
  const auto run = fixture.run({"migrations", "abort", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out,
            "migration shop/payments abort requested: the path goes back to Service monolith\n");
  EXPECT_EQ(fixture.client.log.back(), "patch Migration/payments/status");
  EXPECT_EQ(status()["abort"], true);
  EXPECT_EQ(status()["abortReason"], "aborted by alice via deploy abort");
}

TEST_F(MigrationControlCommands, RetryStartsAnAbortedMigrationAgain) {
  fixture.client.seed(kMigrations, aborted_migration());
  const auto run = fixture.run({"migrations", "retry", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out,
            "migration shop/payments retry requested: the release starts again from step 1\n");
  EXPECT_EQ(status()["abort"], false);
}

TEST_F(MigrationControlCommands, RetryOfAPausedMigrationIsRefusedBeforeAnyPatch) {
  const auto run = fixture.run({"migrations", "retry", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("error: Migration shop/payments: status.abort: "));
  EXPECT_EQ(fixture.client.calls["patch"], 0);
}

TEST_F(MigrationControlCommands, AnUnknownMigrationNamesTheListCommand) {
  const auto run = fixture.run({"migrations", "abort", "nope", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("migration shop/nope not found (fix: check the name and the "
                                 "namespace; deploy migrations list -n shop"));
  EXPECT_EQ(fixture.client.calls["patch"], 0);
}

TEST_F(MigrationControlCommands, ThereIsNoPauseOrResumeForAMigration) {
  EXPECT_EQ(fixture.run({"migrations", "pause", "payments", "-n", "shop"}).exit_code, kUsage);
  EXPECT_EQ(fixture.client.calls["patch"], 0);
}

}  // namespace
}  // namespace cutover::cli
