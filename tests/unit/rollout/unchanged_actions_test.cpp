// drop_unchanged_actions: a settled Rollout plans nothing to do, and each kind of action is kept
// exactly when the observed world differs from what it asks.
#include "rollout/unchanged_actions.hpp"

#include <gtest/gtest.h>

#include "rollout/slot_deployment.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using testing::RolloutWorld;

// A canary released once to revision 2 and settled: old slot scaled down, Services pinned.
RolloutWorld settled_canary() {
  RolloutWorld world(testing::canary_rollout_json(
      4, Json::array({{{"setWeight", 50}}, {{"pause", {{"duration", "1s"}}}}}), "web:1"));
  for (int i = 0; i < 10; ++i)
    world.step();
  world.rollout().spec.pod_template["spec"]["containers"][0]["image"] = "web:2";
  for (int i = 0; i < 40; ++i) {
    world.now += std::chrono::seconds{5};
    world.step();
  }
  return world;
}

std::vector<Action> filtered(RolloutWorld& world) {
  Plan plan = rollout::plan(world.rollout(), world.observed, world.now);
  drop_unchanged_actions(world.rollout(), world.observed, plan);
  std::erase_if(plan.actions,
                [](const Action& a) { return std::holds_alternative<RecordEvent>(a); });
  return plan.actions;
}

TEST(UnchangedActions, ASettledRolloutHasNothingToDo) {
  RolloutWorld world = settled_canary();
  ASSERT_EQ(world.status().phase, Phase::healthy);
  const Plan raw = rollout::plan(world.rollout(), world.observed, world.now);
  EXPECT_FALSE(raw.actions.empty()) << "the planner states where things should be";
  EXPECT_TRUE(filtered(world).empty());
}

TEST(UnchangedActions, KeepsAScaleTheDeploymentDoesNotAskFor) {
  RolloutWorld world = settled_canary();
  const Slot stable = *world.status().stable_slot;
  world.observed.slot(stable).spec_replicas = 3;  // someone scaled our slot by hand
  const auto actions = filtered(world);
  ASSERT_EQ(actions.size(), 1U);
  EXPECT_EQ(std::get<ScaleSlot>(actions[0]), (ScaleSlot{stable, 4}));
}

TEST(UnchangedActions, KeepsAPinTheServiceLost) {
  RolloutWorld world = settled_canary();
  world.observed.service_slots["web-stable"] = std::nullopt;  // re-applied without our key
  const auto actions = filtered(world);
  ASSERT_EQ(actions.size(), 1U);
  EXPECT_EQ(std::get<PinService>(actions[0]).service, "web-stable");
}

TEST(UnchangedActions, KeepsAnApplyWhenAnythingButReplicasDiffers) {
  RolloutWorld world = settled_canary();
  const Slot stable = *world.status().stable_slot;
  const std::string revision = world.status().stable_revision;
  EXPECT_EQ(applied_hash(slot_deployment(world.rollout(), stable, revision, 4)),
            applied_hash(slot_deployment(world.rollout(), stable, revision, 7)))
      << "replicas are not part of the hash";
  const Plan apply{{ApplySlot{stable, revision, 4}}, {}, {}};
  Plan same = apply;
  drop_unchanged_actions(world.rollout(), world.observed, same);
  EXPECT_TRUE(same.actions.empty());
  // progressDeadlineSeconds is not part of the revision, but it is part of what we apply.
  world.rollout().spec.progress_deadline_seconds += 60;
  Plan changed = apply;
  drop_unchanged_actions(world.rollout(), world.observed, changed);
  EXPECT_EQ(changed.actions.size(), 1U);
}

TEST(UnchangedActions, DropsAnUnpinOfAServiceThatIsGone) {
  RolloutWorld world = settled_canary();
  Plan plan{{PinService{"gone", std::nullopt}, PinService{"gone-too", Slot::a}}, {}, {}};
  drop_unchanged_actions(world.rollout(), world.observed, plan);
  ASSERT_EQ(plan.actions.size(), 1U) << "a pin of a missing Service stays, for its error";
  EXPECT_EQ(std::get<PinService>(plan.actions[0]).service, "gone-too");
}

// The pass that makes a Rollout Healthy writes the status the next pass would plan too, so
// reaching Healthy costs one status write, not two (the Paused and Aborted conditions once
// lagged a pass behind).
TEST(UnchangedActions, HealthyIsAFixedPointOfTheStatus) {
  for (const bool release : {false, true}) {
    RolloutWorld world(testing::canary_rollout_json(
        2, Json::array({{{"setWeight", 50}}, {{"pause", {{"duration", "1s"}}}}}), "web:1"));
    if (release) {
      for (int i = 0; i < 10; ++i)
        world.step();
      world.rollout().spec.pod_template["spec"]["containers"][0]["image"] = "web:2";
      world.step();
    }
    for (int i = 0; i < 40 && !(world.status().phase == Phase::healthy &&
                                world.status().history.back().finished_at);
         ++i) {
      world.now += std::chrono::seconds{1};
      world.step();
    }
    ASSERT_EQ(world.status().phase, Phase::healthy) << "release " << release;
    const Plan next = rollout::plan(world.rollout(), world.observed, world.now);
    EXPECT_EQ(status_to_json(next.status).dump(), status_to_json(world.status()).dump())
        << "release " << release;
  }
}

}  // namespace
}  // namespace cutover::rollout
