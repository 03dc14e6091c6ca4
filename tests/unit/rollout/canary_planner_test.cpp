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

namespace cutover::rollout {
namespace {

// Issue 13 (section 3): with no stable Service pinned, the user's Service selects both slots, so
// an old pod that stays Ready for scaleDownDelaySeconds serves a share of the traffic while the
// status says Healthy at weight 100. Like Argo Rollouts' basic canary, such a promotion scales
// the old slot to 0 first and says Healthy only once no old pod is ready; a pinned stableService
// moves the traffic away first and keeps the old slot warm for the delay, as before.
struct ServicesCase {
  const char* name;
  const char* stable_service;  // "" when the strategy does not name one
  const char* canary_service;
};

constexpr ServicesCase kServiceCases[] = {
    {"basic canary, no Service named", "", ""},
    {"canaryService only", "", "web-canary"},
    {"stableService pinned", "web-stable", ""},
    {"stableService and canaryService", "web-stable", "web-canary"},
};

bool pinned(const ServicesCase& c) {
  return *c.stable_service != '\0';
}

Json rollout_with_services(const ServicesCase& c, int replicas, const Json& steps) {
  Json object = canary_rollout_json(replicas, steps, "web:1");
  auto& canary = object["spec"]["strategy"]["canary"];
  canary.erase("stableService");
  canary.erase("canaryService");
  canary.erase("scaleDownDelaySeconds");  // the default, 30 s
  if (*c.stable_service != '\0')
    canary["stableService"] = c.stable_service;
  if (*c.canary_service != '\0')
    canary["canaryService"] = c.canary_service;
  return object;
}

Json weight_then_manual_pause() {
  return Json::array({{{"setWeight", 50}}, {{"pause", Json::object()}}});
}

bool has_action(const Plan& plan, const Action& wanted) {
  return std::find(plan.actions.begin(), plan.actions.end(), wanted) != plan.actions.end();
}

// Drives web:2 (slot b) from the manual pause to Healthy, one pass a second. Fails if a pass
// claims weight 100 while the old slot (a) had a ready pod when that pass read the world, unless
// a pinned stable Service kept that pod from taking traffic. Returns the promotion's plan.
std::optional<Plan> promote_to_healthy(RolloutWorld& world, const ServicesCase& c) {
  promote(world);
  for (int i = 0; i < 20; ++i) {
    const int old_ready_before = world.slot(Slot::a).ready_replicas;
    const Plan pass = world.step();
    if (!pinned(c) && (pass.status.current_weight == 100 || pass.status.phase == Phase::healthy)) {
      EXPECT_EQ(old_ready_before, 0) << "pass " << i << " says weight "
                                     << pass.status.current_weight << ": " << pass.status.message;
    }
    if (pass.status.phase == Phase::healthy && pass.status.stable_slot == Slot::b)
      return pass;
    world.now += std::chrono::seconds{1};
  }
  return std::nullopt;
}

TEST(CanaryPlanner, PromotionScalesTheOldSlotDownAtOnceUnlessTheStableServiceIsPinned) {
  for (const auto& c : kServiceCases) {
    SCOPED_TRACE(c.name);
    RolloutWorld world(rollout_with_services(c, 4, weight_then_manual_pause()));
    world.settle();
    world.set_image("web:2");
    world.settle();
    ASSERT_EQ(world.status().phase, Phase::paused);
    ASSERT_EQ(world.slot(Slot::a).ready_replicas, 2) << "old pods serve at weight 50";

    const auto promotion = promote_to_healthy(world, c);
    ASSERT_TRUE(promotion.has_value()) << "never Healthy: " << world.status().message;
    const auto& st = promotion->status;
    EXPECT_EQ(st.current_weight, 100);
    if (pinned(c)) {
      EXPECT_FALSE(has_action(*promotion, ScaleSlot{Slot::a, 0})) << "kept warm";
      ASSERT_TRUE(st.scale_down_at.has_value());
      EXPECT_EQ(*st.scale_down_at, world.now + std::chrono::seconds{30});
      EXPECT_EQ(st.scale_down_slot, Slot::a);
      EXPECT_EQ(world.slot(Slot::a).spec_replicas, 2);
      EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::b) << "traffic moved first";
    } else {
      EXPECT_TRUE(has_action(*promotion, ScaleSlot{Slot::a, 0}));
      EXPECT_FALSE(st.scale_down_at.has_value()) << "no scaleDownDelaySeconds without a pin";
      EXPECT_FALSE(st.scale_down_slot.has_value());
      EXPECT_EQ(world.slot(Slot::a).spec_replicas, 0);
      EXPECT_EQ(world.slot(Slot::a).ready_replicas, 0);
      EXPECT_DOUBLE_EQ(world.share_of(st.stable_revision), 1.0);
    }
    // Either way the release ends with the old slot at 0 and a Healthy, settled Rollout.
    world.settle();
    EXPECT_EQ(world.status().phase, Phase::healthy);
    EXPECT_EQ(world.slot(Slot::a).spec_replicas, 0);
    EXPECT_FALSE(world.status().scale_down_at.has_value());
    EXPECT_EQ(world.status().history.back().result, "Promoted");
  }
}

// Pods take a moment to go after a scale-down, and the Deployment's status lags: the status stays
// short of Healthy (and of weight 100) while the old slot reports a ready pod.
TEST(CanaryPlanner, UnpinnedPromotionWaitsUntilNoOldPodIsReady) {
  const ServicesCase basic = kServiceCases[0];
  RolloutWorld world(rollout_with_services(basic, 4, weight_then_manual_pause()));
  world.settle();
  world.set_image("web:2");
  world.settle();
  promote(world);
  Plan pass;
  for (int i = 0; i < 20 && !has_action(pass, ScaleSlot{Slot::a, 0}); ++i)
    pass = world.step();
  ASSERT_TRUE(has_action(pass, ScaleSlot{Slot::a, 0})) << world.status().message;
  EXPECT_NE(pass.status.phase, Phase::healthy);

  auto& old_slot = world.observed.slot(Slot::a);
  old_slot.ready_replicas = old_slot.available_replicas = 1;  // one pod not gone yet
  for (int i = 0; i < 3; ++i) {
    pass = world.step();
    old_slot.ready_replicas = old_slot.available_replicas = 1;
    EXPECT_EQ(pass.status.phase, Phase::progressing);
    EXPECT_EQ(pass.status.current_weight, 50);
    EXPECT_EQ(pass.status.stable_slot, Slot::a);
    EXPECT_EQ(pass.status.message,
              "promoting: slot a scaling down, ready pods left: 1; weight 100 once none is");
    EXPECT_TRUE(pass.requeue_after.has_value());
  }
  old_slot.spec_replicas = 0;
  old_slot.observed = false;  // the Deployment controller has not seen the scale yet
  old_slot.ready_replicas = old_slot.available_replicas = 0;
  EXPECT_EQ(world.step().status.phase, Phase::progressing);

  old_slot.observed = true;
  pass = world.step();
  EXPECT_EQ(pass.status.phase, Phase::healthy);
  EXPECT_EQ(pass.status.current_weight, 100);
  EXPECT_EQ(pass.status.stable_slot, Slot::b);
}

// At setWeight 100 with no pinned stable Service, the full-size candidate serves the user's
// Service alone: stable goes to 0, and the status says weight 100 only once no stable pod is
// ready. A pinned stable Service keeps its pod until promotion (chaos-suite fix).
TEST(CanaryPlanner, WeightHundredLeavesNoStablePodOnlyWhenNothingIsPinnedToIt) {
  const Json steps =
      Json::array({{{"setWeight", 50}}, {{"setWeight", 100}}, {{"pause", Json::object()}}});
  for (const auto& c : kServiceCases) {
    SCOPED_TRACE(c.name);
    for (const int replicas : {1, 3}) {
      SCOPED_TRACE(replicas);
      RolloutWorld world(rollout_with_services(c, replicas, steps));
      world.settle();
      world.set_image("web:2");
      for (int i = 0; i < 50 && world.status().phase != Phase::paused; ++i) {
        const int stable_ready_before = world.slot(Slot::a).ready_replicas;
        world.step();
        if (pinned(c)) {
          EXPECT_GE(world.slot(Slot::a).spec_replicas, 1)
              << "weight " << world.status().current_weight;
        } else if (world.status().current_weight == 100) {
          EXPECT_EQ(stable_ready_before, 0) << "weight 100 claimed while stable pods were ready";
        }
        world.now += std::chrono::seconds{1};
      }
      ASSERT_EQ(world.status().phase, Phase::paused);
      EXPECT_EQ(world.status().current_weight, 100);
      EXPECT_EQ(world.slot(Slot::b).spec_replicas, replicas);
      EXPECT_EQ(world.slot(Slot::a).spec_replicas, pinned(c) ? 1 : 0);
    }
  }
}

// The abort paths are the same with and without a pinned Service: stable back to full size,
// the candidate's pods removed as soon as stable has one available.
TEST(CanaryPlanner, AbortsRestoreStableWhetherOrNotAServiceIsPinned) {
  for (const auto& c : kServiceCases) {
    SCOPED_TRACE(c.name);
    RolloutWorld world(rollout_with_services(c, 4, weight_then_manual_pause()));
    world.settle();
    world.set_image("web:2");
    world.settle();
    world.status().abort = true;
    const Plan plan = world.step();
    std::vector<std::string> order;
    for (const auto& action : plan.actions) {
      if (const auto* pin = std::get_if<PinService>(&action)) {
        EXPECT_EQ(pin->slot, Slot::a);
        order.push_back("pin");
      } else if (const auto* scale = std::get_if<ScaleSlot>(&action)) {
        order.push_back(scale->slot == Slot::a ? "stable" : "candidate");
      }
    }
    std::vector<std::string> want(strategy_services(world.rollout().spec).size(), "pin");
    want.insert(want.end(), {"stable", "candidate"});
    EXPECT_EQ(order, want);
    EXPECT_EQ(world.status().phase, Phase::degraded);
    EXPECT_EQ(world.status().current_weight, 0);
    EXPECT_EQ(world.slot(Slot::a).spec_replicas, 4);
    EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
  }
}

// An abort while an unpinned promotion drains the old slot (already at 0, status not yet
// Healthy) brings stable back and keeps the candidate until stable has a pod: never zero pods.
TEST(CanaryPlanner, AbortWhileTheOldSlotDrainsNeverLeavesZeroPods) {
  const ServicesCase basic = kServiceCases[0];
  RolloutWorld world(rollout_with_services(basic, 4, weight_then_manual_pause()));
  world.settle();
  world.set_image("web:2");
  world.settle();
  promote(world);
  Plan pass;
  for (int i = 0; i < 20 && world.slot(Slot::a).spec_replicas != 0; ++i)
    pass = world.step();
  ASSERT_EQ(world.slot(Slot::a).spec_replicas, 0);
  ASSERT_NE(world.status().phase, Phase::healthy);

  world.instant_pods = false;  // stable's pods take their time to come back
  world.status().abort = true;
  pass = world.step();
  EXPECT_TRUE(has_action(pass, ScaleSlot{Slot::a, 4}));
  EXPECT_FALSE(has_action(pass, ScaleSlot{Slot::b, 0})) << "stable has no pod yet";
  EXPECT_EQ(world.slot(Slot::b).available_replicas, 4);
  world.observed.slot(Slot::a).available_replicas = world.observed.slot(Slot::a).ready_replicas = 4;
  pass = world.step();
  EXPECT_TRUE(has_action(pass, ScaleSlot{Slot::b, 0}));
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.status().stable_slot, Slot::a);
}

}  // namespace
}  // namespace cutover::rollout

namespace cutover::rollout {
namespace {

std::vector<std::string> events(const testing::RolloutWorld& world, const std::string& reason) {
  std::vector<std::string> messages;
  for (const auto& plan : world.plans) {
    for (const auto& action : plan.actions) {
      const auto* e = std::get_if<RecordEvent>(&action);
      if (e != nullptr && e->reason == reason)
        messages.push_back(e->message);
    }
  }
  return messages;
}

// Each Event is an API request: steps that complete in one pass (weights that the one
// candidate pod meets at once, a pause that has elapsed) are told in one Event, and so are the
// last steps and the promotion when they come in one pass; a step that completes in a later
// pass gets its own.
TEST(CanaryPlanner, StepsThatCompleteInOnePassShareOneEvent) {
  auto one_pod = stable_world(
      1, Json::array({{{"setWeight", 33}}, {{"setWeight", 66}}, {{"setWeight", 100}}}));
  one_pod.set_image("web:2");
  one_pod.settle();
  ASSERT_EQ(one_pod.status().phase, Phase::healthy);
  EXPECT_EQ(events(one_pod, "StepCompleted"), std::vector<std::string>{});
  const auto promoted = events(one_pod, "Promoted");
  ASSERT_EQ(promoted.size(), 1U);
  EXPECT_TRUE(promoted[0].ends_with("(steps 1-3/3 done: weight 33%, weight 66%, weight 100%)"))
      << promoted[0];

  auto world = stable_world();
  world.set_image("web:2");
  world.settle();
  promote(world);
  world.settle();
  ASSERT_EQ(world.status().phase, Phase::healthy);
  // Here every step waits for pods, the pause or a promotion: one Event each.
  EXPECT_EQ(events(world, "StepCompleted"),
            (std::vector<std::string>{"step 1/5 done: weight 25%", "step 2/5 done: pause elapsed",
                                      "step 3/5 done: weight 50%", "step 4/5 done: pause promoted",
                                      "step 5/5 done: weight 75%"}));
}

}  // namespace
}  // namespace cutover::rollout
