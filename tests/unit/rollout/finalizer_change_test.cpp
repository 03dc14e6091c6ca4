// When a Rollout carries cutover.dev/restore-services: only while it pins a Service, and from
// before the first pin. A Rollout that pins nothing never gets it, so `kubectl delete` needs no
// operator.
#include "rollout/finalizer_change.hpp"

#include <gtest/gtest.h>

#include <string>

#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using testing::RolloutWorld;

Plan plan_with(std::vector<Action> actions) {
  Plan plan;
  plan.actions = std::move(actions);
  return plan;
}

TEST(FinalizerChangeTest, NoServiceNamedNeedsNone) {
  const Observed observed;
  const Plan plan = plan_with({ApplySlot{Slot::a, "r1", 2}});
  EXPECT_EQ(finalizer_change(false, observed, plan), FinalizerChange::keep);
  EXPECT_EQ(finalizer_change(true, observed, plan), FinalizerChange::remove)
      << "an earlier version put it on every Rollout";
}

TEST(FinalizerChangeTest, APlannedPinAddsItFirst) {
  Observed observed;
  observed.service_slots["web-stable"] = std::nullopt;  // named, not pinned yet
  const Plan plan = plan_with({ApplySlot{Slot::a, "r1", 2}, PinService{"web-stable", Slot::a}});
  EXPECT_EQ(finalizer_change(false, observed, plan), FinalizerChange::add);
  EXPECT_EQ(finalizer_change(true, observed, plan), FinalizerChange::keep);
}

TEST(FinalizerChangeTest, AServiceAlreadyPinnedKeepsIt) {
  Observed observed;
  observed.service_slots["web-stable"] = Slot::b;
  const Plan nothing_to_do;
  EXPECT_EQ(finalizer_change(true, observed, nothing_to_do), FinalizerChange::keep);
  EXPECT_EQ(finalizer_change(false, observed, nothing_to_do), FinalizerChange::add)
      << "a pinned Service with no finalizer would keep our key after the Rollout goes";
}

TEST(FinalizerChangeTest, NamedButUnpinnedServicesNeedNone) {
  // An adopted Deployment (workloadRef, progressively): the Services stay as the user wrote
  // them until the slot has taken over.
  Observed observed;
  observed.service_slots["web-stable"] = std::nullopt;
  const Plan plan = plan_with({ApplySlot{Slot::a, "r1", 2}, ScaleWorkload{"web", 1}});
  EXPECT_EQ(finalizer_change(false, observed, plan), FinalizerChange::keep);
}

TEST(FinalizerChangeTest, AnUnpinIsNotAPin) {
  Observed observed;
  observed.service_slots["web-stable"] = std::nullopt;
  const Plan plan = plan_with({PinService{"web-stable", std::nullopt}});
  EXPECT_EQ(finalizer_change(true, observed, plan), FinalizerChange::remove);
}

// Drives whole releases through the pure planner, applying each decision before the plan as
// the reconciler does, and checks that no pin is ever written without the finalizer.
struct Drive {
  bool has_finalizer = false;
  int adds = 0;
  int removes = 0;
  int pins = 0;
  int pins_without_finalizer = 0;

  void step(RolloutWorld& world) {
    const Plan plan = rollout::plan(world.rollout(), world.observed, world.now);
    switch (finalizer_change(has_finalizer, world.observed, plan)) {
      case FinalizerChange::add:
        has_finalizer = true;
        ++adds;
        break;
      case FinalizerChange::remove:
        has_finalizer = false;
        ++removes;
        break;
      case FinalizerChange::keep:
        break;
    }
    for (const auto& action : plan.actions) {
      const auto* pin = std::get_if<PinService>(&action);
      if (pin != nullptr && pin->slot) {
        ++pins;
        pins_without_finalizer += has_finalizer ? 0 : 1;
      }
    }
    const Plan applied = world.step();  // the same plan: the planner is pure
    EXPECT_EQ(applied.actions, plan.actions);
    world.now += std::chrono::seconds{1};
  }
  void steps(RolloutWorld& world, int count) {
    for (int i = 0; i < count; ++i)
      step(world);
  }
};

TEST(FinalizerChangeTest, BlueGreenReleaseAndAbortNeverPinWithoutIt) {
  RolloutWorld world(testing::blue_green_rollout_json(3, "pay:1", true));
  Drive drive;
  drive.step(world);
  EXPECT_TRUE(drive.has_finalizer) << "the first deployment pins the Services at once";
  drive.steps(world, 60);
  world.set_image("pay:2");
  drive.steps(world, 60);
  world.set_image("pay:3");
  drive.steps(world, 3);
  world.status().abort = true;
  drive.steps(world, 30);
  EXPECT_GT(drive.pins, 2);
  EXPECT_EQ(drive.pins_without_finalizer, 0);
  EXPECT_EQ(drive.adds, 1) << "added once, never flapping";
  EXPECT_EQ(drive.removes, 0);
}

TEST(FinalizerChangeTest, CanaryWithNoServicesNeverGetsIt) {
  Json object = testing::canary_rollout_json(
      2, Json::array({{{"setWeight", 50}}, {{"pause", {{"duration", "1s"}}}}}), "web:1");
  object["spec"]["strategy"]["canary"].erase("stableService");
  object["spec"]["strategy"]["canary"].erase("canaryService");
  RolloutWorld world(object);
  Drive drive;
  drive.steps(world, 40);
  world.set_image("web:2");
  drive.steps(world, 60);
  EXPECT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(world.status().stable_revision, world.status().current_revision);
  EXPECT_EQ(drive.adds, 0);
  EXPECT_FALSE(drive.has_finalizer);
}

}  // namespace
}  // namespace cutover::rollout
