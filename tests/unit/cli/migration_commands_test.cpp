// `deploy migrations list|status` driven end to end through a CommandContext over a fake client
// and a fake clock (promote, abort and retry: control_commands_test.cpp).
#include "migration_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_fixture.hpp"
#include "exit_code.hpp"
#include "migration_object.hpp"

namespace cutover::cli {
namespace {

using kube::Json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const kube::ResourceRef kMigrations{"cutover.dev/v1alpha1", "Migration", "shop"};

class MigrationCommands : public ::testing::Test {
 protected:
  void SetUp() override { fixture.client.seed(kMigrations, paused_migration()); }
  CommandFixture fixture;
};

TEST_F(MigrationCommands, ListShowsRoutePathsFromToAndTheShareOnTo) {
  const auto run = fixture.run({"migrations", "list", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out,
            "NAME       ROUTE           PATHS                     FROM          TO              "
            "PHASE    STEP   WEIGHT   AGE\n"
            "payments   HTTPRoute/web   /payments,/checkout/pay   monolith:80   payments:8080   "
            "Paused   3/5    5%       60m\n");
  EXPECT_THAT(run.err, IsEmpty());
  EXPECT_EQ(fixture.client.log, (std::vector<std::string>{"list Migration"}));
}

TEST_F(MigrationCommands, ListAllNamespacesPutsTheNamespaceFirst) {
  Json pending = paused_migration();
  pending["metadata"]["name"] = "search";
  pending.erase("status");
  fixture.client.seed(kMigrations, pending);
  const auto run = fixture.run({"migrations", "ls", "-A", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("NAMESPACE   NAME       ROUTE"));
  EXPECT_THAT(run.out, HasSubstr("\nshop        payments   HTTPRoute/web"));
  EXPECT_THAT(run.out, HasSubstr("   Pending   0/5    -        60m\n"))
      << "no status yet: Pending, no weight\n"
      << run.out;
}

TEST_F(MigrationCommands, ListAsJsonIsAListOfTheObjects) {
  const auto run = fixture.run({"migrations", "list", "-n", "shop", "-o", "json"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  const Json printed = Json::parse(run.out);
  EXPECT_EQ(printed["kind"], "List");
  ASSERT_EQ(printed["items"].size(), 1u);
  EXPECT_EQ(printed["items"][0]["metadata"]["name"], "payments");
}

TEST_F(MigrationCommands, ListOfNoneSaysSoOnStderr) {
  const auto run = fixture.run({"migrations", "list"});
  EXPECT_EQ(run.exit_code, kOk);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_EQ(run.err, "No migrations found in namespace default.\n");
}

TEST_F(MigrationCommands, ListShowsAnInvalidMigrationInsteadOfFailing) {
  Json broken = paused_migration();
  broken["metadata"]["name"] = "broken";
  broken["spec"].erase("to");
  fixture.client.seed(kMigrations, broken);
  const auto run = fixture.run({"migrations", "list", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\nbroken     ?               ?                         ?     "));
  EXPECT_THAT(run.out, HasSubstr("Invalid"));
}

TEST_F(MigrationCommands, StatusPrintsTheMigrationAsATree) {
  const auto run = fixture.run({"migrations", "status", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kPaused) << run.err;
  EXPECT_EQ(run.out,
            "Migration: shop/payments\n"
            "Strategy:  Migration\n"
            "Phase:     ‖ Paused\n"
            "Message:   step 4/5: paused until promoted\n"
            "Next:      deploy migrations promote payments to continue\n"
            "Started:   20m ago\n"
            "Route:     HTTPRoute shop/web\n"
            "Paths:     /payments, /checkout/pay\n"
            "From:      Service monolith:80\n"
            "To:        Service payments:8080\n"
            "Traffic:   █░░░░░░░░░░░░░░░░░░░ 5% payments, 95% monolith\n"
            "Read back: HTTPRoute shop/web: 5% payments\n"
            "Steps:     3/5\n"
            "├── ✔ setMirrorRoute shadow 100%\n"
            "├── ✔ analysis error-rate-vs-legacy\n"
            "├── ✔ setWeight 5\n"
            "├── ► pause (until promoted)\n"
            "└── · setWeight 50\n");
  EXPECT_THAT(run.err, IsEmpty());
  // The Migration alone: no slot Deployments, no run Lease.
  EXPECT_EQ(fixture.client.log, (std::vector<std::string>{"get Migration/payments"}));
}

TEST_F(MigrationCommands, StatusAsJsonIsTheObjectWithTheSameExitCode) {
  const auto run = fixture.run({"migrations", "status", "payments", "-n", "shop", "-o", "json"});
  EXPECT_EQ(run.exit_code, kPaused);
  const Json printed = Json::parse(run.out);
  EXPECT_EQ(printed["kind"], "Migration");
  EXPECT_EQ(printed["status"]["strategy"], "Migration");
  EXPECT_EQ(fixture.run({"migrations", "status", "payments", "-n", "shop", "--success-on-pause"})
                .exit_code,
            kOk);
}

TEST_F(MigrationCommands, StatusOfAnAbortedMigrationExitsOneAndSaysHowToRetry) {
  fixture.client.seed(kMigrations, aborted_migration());
  const auto run = fixture.run({"migrations", "status", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kFailed) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Aborted:   analysis step-2 failed\n"));
  EXPECT_THAT(run.out, HasSubstr("Next:      deploy migrations retry payments to try again\n"));
  EXPECT_THAT(run.out, HasSubstr(" 0% payments, 100% monolith\n"));
  EXPECT_THAT(run.out, HasSubstr("├── ✖ pause (until promoted)\n"));
}

TEST_F(MigrationCommands, StatusOfAMigratedPathIsHealthyWithAllOfItOnTo) {
  Json migrated = paused_migration();
  migrated["status"]["phase"] = "Healthy";
  migrated["status"]["message"] = "";
  migrated["status"]["stableRevision"] = migrated["status"]["currentRevision"];
  migrated["status"]["currentStepIndex"] = 5;
  migrated["status"]["currentWeight"] = 100;
  migrated["status"]["pauseConditions"] = Json::array();
  fixture.client.seed(kMigrations, migrated);
  const auto run = fixture.run({"migrations", "status", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Traffic:   ████████████████████ 100% payments, 0% monolith\n"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("Next:")));
}

TEST_F(MigrationCommands, WatchSettlesOnAPersonsPause) {
  const auto run =
      fixture.run({"migrations", "status", "payments", "-n", "shop", "--watch", "--timeout", "1h"});
  EXPECT_EQ(run.exit_code, kPaused) << run.err;
  EXPECT_EQ(run.out, "payments: Paused, step 3/5, weight 5% (step 4/5: paused until promoted)\n");
  EXPECT_THAT(fixture.clock.sleeps, IsEmpty());
}

TEST_F(MigrationCommands, WatchTimeoutNamesTheMigrationsStatusCommand) {
  Json moving = paused_migration();
  moving["status"]["phase"] = "Progressing";
  moving["status"]["pauseConditions"] = Json::array();
  fixture.client.seed(kMigrations, moving);
  const auto run =
      fixture.run({"migrations", "status", "payments", "-n", "shop", "--watch", "--timeout", "2s"});
  EXPECT_EQ(run.exit_code, kTimedOut);
  EXPECT_THAT(run.err, HasSubstr("error: migration shop/payments did not settle within 2s (it is "
                                 "Progressing: step 4/5: paused until promoted) (fix: give a "
                                 "longer --timeout, or see deploy migrations status payments)\n"));
}

TEST_F(MigrationCommands, AMissingMigrationNamesItAndTheFix) {
  const auto run = fixture.run({"migrations", "status", "nope", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_EQ(run.err,
            "error: migration shop/nope not found (fix: check the name and the namespace; deploy "
            "migrations list -n shop lists the Migrations there, with -A all of them)\n");
}

TEST_F(MigrationCommands, AnInvalidMigrationIsAUsageErrorNamingTheField) {
  Json broken = paused_migration();
  broken["spec"]["from"]["port"] = "http";
  fixture.client.seed(kMigrations, broken);
  const auto run = fixture.run({"migrations", "status", "payments", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("error: Migration shop/payments: spec.from.port: "));
}

TEST_F(MigrationCommands, TheGroupNeedsASubcommand) {
  EXPECT_EQ(fixture.run({"migrations"}).exit_code, kUsage);
  EXPECT_EQ(fixture.run({"migrations", "status"}).exit_code, kUsage) << "the name is required";
}

}  // namespace
}  // namespace cutover::cli
