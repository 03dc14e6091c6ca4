#include "notify/trigger_events.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace cutover::notify {
namespace {

using rollout::RolloutStatus;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

RolloutStatus paused_status() {
  RolloutStatus status;
  status.pause_conditions.push_back({.reason = "CanaryPauseStep", .start_time = {}});
  return status;
}

RolloutStatus promoted_by(const std::string& who) {
  RolloutStatus status;
  status.promoted_by = who;
  return status;
}

std::vector<std::string> fired(const std::vector<std::string>& reasons,
                               std::string_view kind = rollout::kRolloutKind) {
  return fired_triggers(kind, RolloutStatus{}, RolloutStatus{}, reasons);
}

TEST(TriggerEventsTest, NewRevisionIsUpdated) {
  EXPECT_THAT(fired({"NewRevision"}), ElementsAre("on-rollout-updated"));
}

TEST(TriggerEventsTest, StepCompletedIsStepCompleted) {
  EXPECT_THAT(fired({"StepCompleted"}), ElementsAre("on-rollout-step-completed"));
}

TEST(TriggerEventsTest, PauseConditionAppearingIsPaused) {
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, RolloutStatus{}, paused_status(), {}),
              ElementsAre("on-rollout-paused"));
}

TEST(TriggerEventsTest, PauseThatWasAlreadyThereIsNotPausedAgain) {
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, paused_status(), paused_status(), {}),
              IsEmpty());
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, paused_status(), RolloutStatus{}, {}),
              IsEmpty());
}

TEST(TriggerEventsTest, PauseWhileAbortingIsNotPaused) {
  RolloutStatus aborting = paused_status();
  aborting.abort = true;
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, RolloutStatus{}, aborting, {}), IsEmpty());
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, RolloutStatus{}, aborting, {"RolloutAborted"}),
              ElementsAre("on-rollout-aborted"));
}

TEST(TriggerEventsTest, PromotedBySetOrChangedIsPromoted) {
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, RolloutStatus{}, promoted_by("alice"), {}),
              ElementsAre("on-rollout-promoted"));
  EXPECT_THAT(
      fired_triggers(rollout::kRolloutKind, promoted_by("alice"), promoted_by("bob via cli"), {}),
      ElementsAre("on-rollout-promoted"));
}

TEST(TriggerEventsTest, PromotedBySameOrClearedIsNotPromoted) {
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, promoted_by("alice"), promoted_by("alice"), {}),
              IsEmpty());
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, promoted_by("alice"), RolloutStatus{}, {}),
              IsEmpty());
}

TEST(TriggerEventsTest, RolloutAbortedIsAborted) {
  EXPECT_THAT(fired({"RolloutAborted"}), ElementsAre("on-rollout-aborted"));
}

TEST(TriggerEventsTest, PromotedAndFirstDeploymentAreCompleted) {
  EXPECT_THAT(fired({"Promoted"}), ElementsAre("on-rollout-completed"));
  EXPECT_THAT(fired({"FirstDeployment"}), ElementsAre("on-rollout-completed"));
  EXPECT_THAT(fired({"FirstDeployment", "Promoted"}), ElementsAre("on-rollout-completed"));
}

TEST(TriggerEventsTest, AnalysisVerdictsAreSharedTriggers) {
  EXPECT_THAT(fired({"AnalysisFailed"}), ElementsAre("on-analysis-failed"));
  EXPECT_THAT(fired({"AnalysisInconclusive"}), ElementsAre("on-analysis-inconclusive"));
  EXPECT_THAT(fired({"AnalysisFailed"}, rollout::kMigrationKind),
              ElementsAre("on-analysis-failed"));
  EXPECT_THAT(fired({"AnalysisInconclusive"}, rollout::kFlagRolloutKind),
              ElementsAre("on-analysis-inconclusive"));
}

TEST(TriggerEventsTest, MigrationUsesItsOwnPrefix) {
  EXPECT_THAT(fired({"NewRevision", "RolloutAborted"}, rollout::kMigrationKind),
              ElementsAre("on-migration-updated", "on-migration-aborted"));
  EXPECT_THAT(fired_triggers(rollout::kMigrationKind, RolloutStatus{}, paused_status(), {}),
              ElementsAre("on-migration-paused"));
}

TEST(TriggerEventsTest, FlagRolloutUsesItsOwnPrefix) {
  EXPECT_THAT(fired({"StepCompleted", "Promoted"}, rollout::kFlagRolloutKind),
              ElementsAre("on-flag-rollout-step-completed", "on-flag-rollout-completed"));
  EXPECT_THAT(fired_triggers(rollout::kFlagRolloutKind, RolloutStatus{}, promoted_by("alice"), {}),
              ElementsAre("on-flag-rollout-promoted"));
}

TEST(TriggerEventsTest, NothingHappenedFiresNothing) {
  EXPECT_THAT(fired({}), IsEmpty());
  EXPECT_THAT(fired({"ScaledDown", "TrafficWeightUpdated", "rolloutaborted"}), IsEmpty());
}

TEST(TriggerEventsTest, TriggersComeInTheHeadersOrderEachOnce) {
  RolloutStatus after = paused_status();
  after.promoted_by = "alice";
  const std::vector<std::string> reasons = {"AnalysisInconclusive", "AnalysisFailed", "Promoted",
                                            "RolloutAborted",       "StepCompleted",  "NewRevision",
                                            "NewRevision",          "StepCompleted"};
  EXPECT_THAT(fired_triggers(rollout::kRolloutKind, RolloutStatus{}, after, reasons),
              ElementsAre("on-rollout-updated", "on-rollout-step-completed", "on-rollout-paused",
                          "on-rollout-promoted", "on-rollout-aborted", "on-rollout-completed",
                          "on-analysis-failed", "on-analysis-inconclusive"));
}

TEST(TriggerEventsTest, BuiltinTriggersAreTwentyDistinctNames) {
  const auto& all = builtin_triggers();
  ASSERT_THAT(all, SizeIs(20));
  EXPECT_THAT(std::set<std::string>(all.begin(), all.end()), SizeIs(20));
  for (const auto& name : all) {
    EXPECT_TRUE(name.starts_with("on-")) << name;
    EXPECT_TRUE(is_builtin_trigger(name)) << name;
  }
  for (const char* kind : {"rollout", "migration", "flag-rollout"}) {
    for (const char* transition :
         {"updated", "step-completed", "paused", "promoted", "aborted", "completed"}) {
      EXPECT_TRUE(is_builtin_trigger(std::string("on-") + kind + "-" + transition))
          << kind << " " << transition;
    }
  }
  EXPECT_TRUE(is_builtin_trigger("on-analysis-failed"));
  EXPECT_TRUE(is_builtin_trigger("on-analysis-inconclusive"));
}

TEST(TriggerEventsTest, OtherNamesAreNotBuiltin) {
  EXPECT_FALSE(is_builtin_trigger(""));
  EXPECT_FALSE(is_builtin_trigger("rollout-aborted"));
  EXPECT_FALSE(is_builtin_trigger("on-rollout-aborted "));
  EXPECT_FALSE(is_builtin_trigger("on-analysis-successful"));
  EXPECT_FALSE(is_builtin_trigger("on-deployed"));
}

TEST(TriggerEventsTest, EveryFiredTriggerIsBuiltin) {
  const std::vector<std::string> reasons = {"NewRevision",    "StepCompleted",
                                            "RolloutAborted", "Promoted",
                                            "AnalysisFailed", "AnalysisInconclusive"};
  RolloutStatus after = paused_status();
  after.promoted_by = "alice";
  for (const char* kind :
       {rollout::kRolloutKind, rollout::kMigrationKind, rollout::kFlagRolloutKind}) {
    const auto names = fired_triggers(kind, RolloutStatus{}, after, reasons);
    EXPECT_THAT(names, SizeIs(8)) << kind;
    for (const auto& name : names)
      EXPECT_TRUE(is_builtin_trigger(name)) << name;
  }
}

}  // namespace
}  // namespace cutover::notify
