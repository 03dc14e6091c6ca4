// Blue-green decisions of the pure planner.
#include <gtest/gtest.h>

#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using testing::blue_green_rollout_json;
using testing::RolloutWorld;

RolloutWorld stable_world(bool auto_promote) {
  RolloutWorld world(blue_green_rollout_json(3, "pay:1", auto_promote));
  world.settle();
  return world;
}

TEST(BlueGreenPlanner, PreviewThenManualPromotionFlipsTheActiveSelector) {
  auto world = stable_world(/*auto_promote=*/false);
  ASSERT_EQ(world.status().phase, Phase::healthy);
  world.set_image("pay:2");
  world.settle();
  auto& st = world.status();
  EXPECT_EQ(st.phase, Phase::paused);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1) << "previewReplicaCount";
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::a);
  EXPECT_EQ(world.observed.service_slots.at("pay-preview"), Slot::b);

  st.pause_conditions.clear();  // deploy promote
  world.step();                 // scale the candidate to full size
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::a)
      << "no flip before the candidate is at full size";
  world.step();  // now it is: flip
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::b);
  EXPECT_EQ(st.stable_slot, Slot::b);
  EXPECT_EQ(st.phase, Phase::healthy);
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 3) << "old slot stays warm";
  world.settle();
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 0) << "old slot scaled down after the delay";
}

TEST(BlueGreenPlanner, AutoPromotion) {
  auto world = stable_world(/*auto_promote=*/true);
  world.set_image("pay:2");
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::b);
}

TEST(BlueGreenPlanner, AutoPromotionSecondsWaits) {
  auto world = stable_world(/*auto_promote=*/true);
  world.rollout().spec.strategy = [&] {
    auto bg = world.rollout().spec.blue_green();
    bg.auto_promotion_seconds = 60;
    return bg;
  }();
  world.set_image("pay:2");
  for (int i = 0; i < 5; ++i) {
    world.step();
    world.now += std::chrono::seconds{1};
  }
  EXPECT_EQ(world.status().phase, Phase::paused);
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::a);
  world.settle();
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::b);
}

TEST(BlueGreenPlanner, AbortFlipsBackInstantlyAndKeepsCandidateWarmBriefly) {
  auto world = stable_world(/*auto_promote=*/false);
  world.set_image("pay:2");
  world.settle();
  world.status().abort = true;
  const auto plan = world.step();
  ASSERT_FALSE(plan.actions.empty());
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::a);
  EXPECT_EQ(world.observed.service_slots.at("pay-preview"), Slot::a);
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1) << "warm for abortScaleDownDelaySeconds";
  world.now += std::chrono::seconds{11};
  world.step();
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
}

TEST(BlueGreenPlanner, UndoOntoWarmOldSlotIsImmediate) {
  auto world = stable_world(/*auto_promote=*/true);
  const std::string v1 = world.status().stable_revision;
  world.set_image("pay:2");
  // Run just past the flip; slot a (v1) is still warm.
  for (int i = 0; i < 10 && world.status().stable_slot != Slot::b; ++i) {
    world.step();
    world.now += std::chrono::seconds{1};
  }
  ASSERT_EQ(world.status().stable_slot, Slot::b);
  ASSERT_EQ(world.slot(Slot::a).spec_replicas, 3);
  world.set_image("pay:1");  // deploy undo
  world.step();
  world.step();
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::a);
  EXPECT_EQ(world.status().stable_revision, v1);
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 3) << "never shrunk to the preview size";
}

TEST(BlueGreenPlanner, FirstDeploymentPinsBothServices) {
  RolloutWorld world(blue_green_rollout_json(2, "pay:1", true));
  world.settle();
  EXPECT_EQ(world.observed.service_slots.at("pay-active"), Slot::a);
  EXPECT_EQ(world.observed.service_slots.at("pay-preview"), Slot::a);
  EXPECT_EQ(world.status().strategy, "BlueGreen");
}

}  // namespace
}  // namespace cutover::rollout
