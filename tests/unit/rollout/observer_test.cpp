#include "rollout/observer.hpp"

#include <gtest/gtest.h>

#include "rollout/executor.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

TEST(Observer, ReadsADeployment) {
  const Json deployment = {
      {"metadata", {{"generation", 3}, {"annotations", {{kRevisionAnnotation, "abc"}}}}},
      {"spec", {{"replicas", 4}}},
      {"status",
       {{"observedGeneration", 3},
        {"readyReplicas", 3},
        {"availableReplicas", 2},
        {"updatedReplicas", 4}}}};
  const auto slot = observe_slot(deployment, Json{{"items", Json::array()}});
  EXPECT_TRUE(slot.exists);
  EXPECT_EQ(slot.revision, "abc");
  EXPECT_EQ(slot.spec_replicas, 4);
  EXPECT_EQ(slot.available_replicas, 2);
  EXPECT_TRUE(slot.observed);
  EXPECT_FALSE(slot.crash_looping);
}

TEST(Observer, UnobservedGenerationIsNotReady) {
  const Json deployment = {{"metadata", {{"generation", 4}}},
                           {"status", {{"observedGeneration", 3}}}};
  EXPECT_FALSE(observe_slot(deployment, Json()).observed);
}

TEST(Observer, FindsCrashLoopingPods) {
  const Json pods = {
      {"items",
       Json::array(
           {{{"metadata", {{"name", "web-b-1"}}},
             {"status",
              {{"containerStatuses",
                Json::array({{{"name", "web"},
                              {"restartCount", 4},
                              {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}}}})}}}}})}};
  const auto slot = observe_slot(Json{{"metadata", Json::object()}}, pods);
  EXPECT_TRUE(slot.crash_looping);
  EXPECT_EQ(slot.crash_message, "pod web-b-1 container web: CrashLoopBackOff after 4 restarts");
}

TEST(Observer, GarbageIsNotAnError) {
  EXPECT_FALSE(observe_slot(Json(), Json()).exists);
  EXPECT_TRUE(observe_slot(Json{{"status", 5}, {"spec", "x"}}, Json{{"items", 3}}).exists);
  EXPECT_EQ(pinned_slot(Json{{"spec", {{"selector", {{kSlotLabel, "b"}}}}}}), Slot::b);
  EXPECT_EQ(pinned_slot(Json{{"spec", {{"selector", {{kSlotLabel, "z"}}}}}}), std::nullopt);
}

TEST(Executor, SlotDeploymentIsOwnedLabelledAndSelectsItsSlot) {
  auto rollout = parse_rollout(testing::canary_rollout_json(3, Json::array(), "web:1"));
  ASSERT_TRUE(rollout);
  rollout->uid = "uid-1";
  const Json d = Executor::slot_deployment(*rollout, Slot::b, "rev1", 2);
  EXPECT_EQ(d["metadata"]["name"], "web-b");
  EXPECT_EQ(d["metadata"]["annotations"][kRevisionAnnotation], "rev1");
  EXPECT_EQ(d["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ(d["metadata"]["ownerReferences"][0]["controller"], true);
  EXPECT_EQ(d["spec"]["replicas"], 2);
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"][kSlotLabel], "b");
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"]["app"], "web");
  EXPECT_EQ(d["spec"]["template"]["metadata"]["labels"][kSlotLabel], "b");
  EXPECT_EQ(d["spec"]["template"]["metadata"]["labels"][kRolloutLabel], "web");
}

}  // namespace
}  // namespace cutover::rollout
