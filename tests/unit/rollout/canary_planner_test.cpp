// Canary decisions of the pure planner, driven through whole rollouts with RolloutWorld.
#include <gtest/gtest.h>

#include "rollout/planner_support.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using testing::canary_rollout_json;
using testing::RolloutWorld;

Json three_steps() {
  return Json::array({{{"setWeight", 25}},
                      {{"pause", {{"duration", "30s"}}}},
                      {{"setWeight", 50}},
                      {{"pause", Json::object()}},
                      {{"setWeight", 75}}});
}

// A world whose first revision (v1) is already stable on slot a.
RolloutWorld stable_world(int replicas = 4, Json steps = three_steps()) {
  RolloutWorld world(canary_rollout_json(replicas, steps, "web:1"));
  world.settle();
  return world;
}

// What `deploy promote` run by alice patches into the status.
void promote(RolloutWorld& world) {
  world.status().pause_conditions.clear();
  world.status().promoted_by = "alice via deploy promote";
}

TEST(CanaryPlanner, FirstDeploymentSkipsStepsAndBecomesStable) {
  RolloutWorld world(canary_rollout_json(3, three_steps(), "web:1"));
  world.settle();
  const auto& st = world.status();
  EXPECT_EQ(st.phase, Phase::healthy);
  EXPECT_EQ(st.stable_slot, Slot::a);
  EXPECT_EQ(st.stable_revision, st.current_revision);
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 3);
  EXPECT_FALSE(world.slot(Slot::b).exists);
  EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::a);
  EXPECT_EQ(world.observed.service_slots.at("web-canary"), Slot::a);
  ASSERT_EQ(st.history.size(), 1U);
  EXPECT_EQ(st.history[0].result, "Promoted");
  EXPECT_EQ(st.history[0].reason, "first deployment");
  EXPECT_EQ(st.history[0].images, std::vector<std::string>{"web:1"});
}

TEST(CanaryPlanner, StepsShiftReplicaSharesThenPromote) {
  auto world = stable_world();
  const std::string v1 = world.status().stable_revision;
  world.set_image("web:2");
  world.settle();
  // Step 1 (25%) done, then the timed pause elapsed (30 s), step 3 (50%) done, and now the
  // manual pause holds.
  auto& st = world.status();
  EXPECT_EQ(st.phase, Phase::paused);
  EXPECT_EQ(st.current_step_index, 3);
  EXPECT_EQ(st.current_weight, 50);
  EXPECT_EQ(world.slot(Slot::b).available_replicas, 2);
  EXPECT_EQ(world.slot(Slot::a).available_replicas, 2);
  EXPECT_DOUBLE_EQ(world.share_of(st.current_revision), 0.5);
  EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::a);
  EXPECT_EQ(world.observed.service_slots.at("web-canary"), Slot::b);
  // At 25% the shares were 1 of 4.
  bool saw_quarter = false;
  for (const auto& plan : world.plans) {
    if (plan.status.current_weight == 25 && plan.status.current_step_index == 1)
      saw_quarter = true;
  }
  EXPECT_TRUE(saw_quarter);

  promote(world);
  world.settle();
  EXPECT_EQ(st.phase, Phase::healthy);
  EXPECT_EQ(st.stable_slot, Slot::b);
  EXPECT_NE(st.stable_revision, v1);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 4);
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 0) << "old slot scaled down after the delay";
  EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::b);
  EXPECT_EQ(st.history.back().result, "Promoted");
  EXPECT_EQ(st.history.back().reason, "promoted by alice via deploy promote")
      << "the history says who lifted the manual pause";
  EXPECT_TRUE(st.promoted_by.empty()) << "cleared for the next release";
}

TEST(CanaryPlanner, ReleaseWithoutManualGatesRecordsThatEveryStepPassed) {
  auto world = stable_world(2, Json::array({{{"setWeight", 50}}}));
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(world.status().history.back().reason, "all steps and gates passed");
}

TEST(CanaryPlanner, OldSlotStaysWarmUntilScaleDownDelay) {
  auto world = stable_world(2, Json::array({{{"setWeight", 50}}}));
  world.set_image("web:2");
  // Drive until promotion but not past the 30 s delay.
  for (int i = 0; i < 10 && world.status().stable_slot != Slot::b; ++i) {
    world.step();
    world.now += std::chrono::seconds{1};
  }
  ASSERT_EQ(world.status().stable_slot, Slot::b);
  world.step();
  EXPECT_GT(world.slot(Slot::a).spec_replicas, 0);
  ASSERT_TRUE(world.status().scale_down_at.has_value());
  world.now = *world.status().scale_down_at;
  world.step();
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 0);
}

TEST(CanaryPlanner, NewRevisionMidRolloutRestartsFromStepZero) {
  auto world = stable_world();
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.status().current_step_index, 3);
  const std::string v2 = world.status().current_revision;
  world.set_image("web:3");
  world.step();
  const auto& st = world.status();
  EXPECT_EQ(st.current_step_index, 0);
  EXPECT_NE(st.current_revision, v2);
  EXPECT_EQ(world.slot(Slot::b).revision, st.current_revision) << "same candidate slot";
  ASSERT_GE(st.history.size(), 3U);
  EXPECT_EQ(st.history[st.history.size() - 2].result, "Superseded");
  EXPECT_EQ(st.history[st.history.size() - 2].reason,
            "replaced by revision " + st.current_revision);
  EXPECT_EQ(st.history.back().result, "Progressing");
}

TEST(CanaryPlanner, RevertToStableFastTracksWithoutSteps) {
  auto world = stable_world();
  world.set_image("web:2");
  world.settle();
  world.set_image("web:1");
  world.step();
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 4) << "stable back to full size first";
  world.settle();
  const auto& st = world.status();
  EXPECT_EQ(st.current_revision, st.stable_revision);
  EXPECT_EQ(st.current_step_index, 5) << "no steps were run again";
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 4);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
  EXPECT_EQ(st.phase, Phase::healthy);
  EXPECT_EQ(world.observed.service_slots.at("web-canary"), Slot::a);
}

TEST(CanaryPlanner, AbortPutsTrafficOnStableFirstAndWritesItOnce) {
  auto world = stable_world();
  world.set_image("web:2");
  world.settle();
  world.status().abort = true;
  world.status().abort_reason = "by deploy abort";
  const auto plan = world.step();
  // Services first, then stable back to full size, then the candidate's pods go.
  std::vector<std::string> order;
  for (const auto& action : plan.actions) {
    if (const auto* pin = std::get_if<PinService>(&action)) {
      EXPECT_EQ(pin->slot, Slot::a);
      order.push_back("pin");
    } else if (const auto* scale = std::get_if<ScaleSlot>(&action)) {
      order.push_back(scale->slot == Slot::a ? "stable" : "candidate");
    }
  }
  EXPECT_EQ(order, (std::vector<std::string>{"pin", "pin", "stable", "candidate"}));
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 4);
  EXPECT_DOUBLE_EQ(world.share_of(world.status().stable_revision), 1.0);
  world.settle();
  int aborted_events = 0;
  for (const auto& e : world.events())
    aborted_events += e.reason == "RolloutAborted" ? 1 : 0;
  EXPECT_EQ(aborted_events, 1);
  EXPECT_EQ(world.status().history.back().result, "Aborted");
  EXPECT_EQ(world.status().history.back().reason, "by deploy abort");
}

TEST(CanaryPlanner, RetryAfterAbortStartsAgainFromStepOne) {
  auto world = stable_world();
  world.set_image("web:2");
  world.settle();
  world.status().abort = true;
  world.settle();
  world.status().abort = false;  // what `deploy retry` writes
  world.settle();
  const auto& st = world.status();
  EXPECT_EQ(st.phase, Phase::paused);
  EXPECT_EQ(st.current_step_index, 3) << "ran steps 1-3 again and holds at the manual pause";
  EXPECT_FALSE(st.aborted_at.has_value());
  EXPECT_EQ(st.history.back().result, "Progressing");
}

TEST(CanaryPlanner, PromoteFullSkipsRemainingSteps) {
  auto world = stable_world();
  world.set_image("web:2");
  world.step();  // step 1 starts
  world.status().promote_full = true;
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(world.status().stable_slot, Slot::b);
}

TEST(CanaryPlanner, SpecPausedHoldsAndResumeContinues) {
  auto world = stable_world();
  world.set_image("web:2");
  world.rollout().spec.paused = true;
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::paused);
  EXPECT_EQ(world.status().current_step_index, 0);
  world.rollout().spec.paused = false;
  world.settle();
  EXPECT_EQ(world.status().current_step_index, 3);
}

TEST(CanaryPlanner, ProgressDeadlineWithoutAbortDegradesAndWaits) {
  auto world = stable_world();
  world.instant_pods = false;
  world.set_image("web:2");
  world.settle(50);
  world.now += std::chrono::seconds{601};
  world.step();
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_FALSE(world.status().abort);
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 4) << "stable keeps its pods";
}

TEST(CanaryPlanner, ProgressDeadlineWithAbortRollsBack) {
  auto world = stable_world();
  world.rollout().spec.progress_deadline_abort = true;
  world.instant_pods = false;
  world.set_image("web:2");
  world.settle(50);
  world.now += std::chrono::seconds{601};
  world.step();
  EXPECT_TRUE(world.status().abort);
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
}

TEST(CanaryPlanner, CrashLoopingCandidateAborts) {
  auto world = stable_world();
  world.set_image("web:2");
  world.step();
  world.observed.slot(Slot::b).crash_looping = true;
  world.observed.slot(Slot::b).crash_message = "web-b-x: container web, 5 restarts";
  world.step();
  const auto& st = world.status();
  EXPECT_TRUE(st.abort);
  EXPECT_NE(st.abort_reason.find("crash-looping"), std::string::npos);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
}

TEST(CanaryPlanner, ReplicaChangeMidRolloutKeepsTheRatio) {
  auto world = stable_world();
  world.set_image("web:2");
  world.settle();  // at 50%, 2 + 2
  world.rollout().spec.replicas = 10;
  world.settle();
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 5);
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 5);
}

TEST(CanaryPlanner, DeletionRestoresUserServicesOnly) {
  auto world = stable_world();
  world.rollout().deleting = true;
  const auto plan = world.step();
  ASSERT_EQ(plan.actions.size(), 2U);
  for (const auto& action : plan.actions) {
    const auto* pin = std::get_if<PinService>(&action);
    ASSERT_NE(pin, nullptr) << "nothing but un-pinning: Deployments go by owner reference";
    EXPECT_FALSE(pin->slot.has_value());
  }
}

TEST(CanaryPlanner, PlanIsPureAndRepeatable) {
  auto world = stable_world();
  world.set_image("web:2");
  const auto first = plan(world.rollout(), world.observed, world.now);
  const auto second = plan(world.rollout(), world.observed, world.now);
  EXPECT_EQ(first.actions, second.actions);
  EXPECT_EQ(status_to_json(first.status), status_to_json(second.status));
}

TEST(WeightReplicas, RoundsButKeepsBothSidesAlive) {
  EXPECT_EQ(detail::weight_replicas(4, 25), 1);
  EXPECT_EQ(detail::weight_replicas(4, 0), 0);
  EXPECT_EQ(detail::weight_replicas(4, 100), 4);
  EXPECT_EQ(detail::weight_replicas(4, 1), 1);
  EXPECT_EQ(detail::weight_replicas(4, 99), 3);
  EXPECT_EQ(detail::weight_replicas(10, 50), 5);
  EXPECT_EQ(detail::weight_replicas(1, 50), 1);
}

}  // namespace
}  // namespace cutover::rollout

namespace cutover::rollout {
namespace {

// Found by the chaos suite: a 1-replica canary at setWeight 50 (and any canary at setWeight
// 100) scaled stable to 0 while the stable Service was pinned to it, so that Service selected
// no pod until promotion. Stable keeps a pod until the pin moves.
TEST(CanaryPlanner, StableKeepsAPodWhileItsServiceIsPinnedToIt) {
  const Json steps =
      Json::array({{{"setWeight", 50}}, {{"setWeight", 100}}, {{"pause", {{"duration", "10s"}}}}});
  for (const int replicas : {1, 3}) {
    RolloutWorld world = stable_world(replicas, steps);
    world.set_image("web:2");
    world.step();  // the release starts: current_revision moves to web:2
    ASSERT_NE(world.status().stable_revision, world.status().current_revision);
    for (int i = 0; i < 200 && world.status().stable_revision != world.status().current_revision;
         ++i) {
      world.step();
      const auto pinned = world.observed.service_slots.at("web-stable");
      ASSERT_TRUE(pinned.has_value());
      EXPECT_GE(world.slot(*pinned).spec_replicas, 1)
          << replicas << " replicas, step " << world.status().current_step_index;
      world.now += std::chrono::seconds{1};
    }
    EXPECT_EQ(world.status().stable_revision, world.status().current_revision) << "promoted";
  }
}

}  // namespace
}  // namespace cutover::rollout

namespace cutover::rollout {
namespace {

std::vector<RecordEvent> events_of(const Plan& plan) {
  std::vector<RecordEvent> out;
  for (const auto& action : plan.actions) {
    if (const auto* e = std::get_if<RecordEvent>(&action))
      out.push_back(*e);
  }
  return out;
}

// Found by the chaos suite: a crash between a pass's Events and its status write replays the
// pass from the old status, while the world has moved on (the candidate's pods came up), so
// the replay ends further along. Events were named after the end-of-pass status and were
// written twice; they are named after the transition now, which the replay repeats exactly.
TEST(CanaryPlanner, AReplayedPassNamesItsTransitionsAlike) {
  RolloutWorld world = stable_world(2, three_steps());
  world.set_image("web:2");
  int replays_further = 0;
  for (int i = 0; i < 60; ++i) {
    const RolloutStatus before = world.status();
    const Plan first = world.step();  // applied to the world; suppose its status write is lost
    const auto a = events_of(first);
    if (!a.empty()) {
      world.status() = before;
      const Plan replay = world.step();
      if (replay.status.current_step_index != first.status.current_step_index ||
          replay.status.stable_revision != first.status.stable_revision) {
        ++replays_further;
      }
      // The same transition (reason and message, as the chaos suite judges duplicates) must
      // get the same name in the replay.
      for (const auto& r : events_of(replay)) {
        for (const auto& e : a) {
          if (r.reason == e.reason && r.message == e.message) {
            EXPECT_EQ(r.transition, e.transition) << e.reason << ": " << e.message;
          }
        }
      }
    }
    world.now += std::chrono::seconds{31};
    promote(world);
  }
  EXPECT_GT(replays_further, 0) << "no replay ended further along: the test shows nothing";
}

}  // namespace
}  // namespace cutover::rollout
