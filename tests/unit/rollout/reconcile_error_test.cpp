#include "rollout/reconcile_error.hpp"

#include <gtest/gtest.h>

#include "rollout/plan.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_world.hpp"
#include "util/encoding.hpp"

namespace cutover::rollout {
namespace {

kube::Error forbidden() {
  return kube::decode_status(
      403,
      R"({"kind":"Status","reason":"Forbidden","code":403,"message":"deployments.apps \"web-a\" is )"
      R"(forbidden: User \"system:serviceaccount:cutover-system:cutover-operator\" cannot patch )"
      R"(resource \"deployments/scale\" in API group \"apps\" in the namespace \"shop\""})");
}

Json healthy_rollout() {
  return {{"metadata", {{"name", "web"}, {"generation", 2}, {"resourceVersion", "41"}}},
          {"status",
           {{"phase", "Healthy"},
            {"observedGeneration", 1},
            {"conditions",
             Json::array({{{"type", "Available"}, {"status", "True"}, {"reason", "Ok"}}})}}}};
}

TEST(ReconcileError, RefusalsAreReportedAtOnceOthersAfterThreeFailures) {
  EXPECT_TRUE(reports_on_rollout(forbidden(), 0));
  EXPECT_FALSE(reports_on_rollout({kube::ErrorReason::conflict, 409}, 10));
  EXPECT_FALSE(reports_on_rollout({kube::ErrorReason::cancelled, 0}, 10));
  const kube::Error down{kube::ErrorReason::transport, 0, "connection refused"};
  EXPECT_FALSE(reports_on_rollout(down, 0));
  EXPECT_FALSE(reports_on_rollout(down, 1));
  EXPECT_TRUE(reports_on_rollout(down, 2));
}

TEST(ReconcileError, AMissingObjectsFixIsToCreateItNotToCheckTheServer) {
  const kube::Error missing{kube::ErrorReason::not_found, 404,
                            "DestinationRule shop/web has no subset named green"};
  EXPECT_NE(reconcile_error_fix(missing).find("create what the message names"), std::string::npos);
  EXPECT_EQ(reconcile_error_fix(missing).find("reachable"), std::string::npos);
}

TEST(ReconcileError, PatchNamesTheFailureAndTheFixAndLeavesHealthy) {
  const auto patch = reconcile_error_patch(healthy_rollout(), forbidden(), WallTime{});
  ASSERT_TRUE(patch);
  const Json& status = (*patch)["status"];
  EXPECT_EQ(status["phase"], "Degraded") << "never Healthy for a generation not observed";
  const std::string message = status["message"];
  EXPECT_NE(message.find("cannot patch resource \"deployments/scale\""), std::string::npos);
  EXPECT_NE(message.find("operator/config/rbac"), std::string::npos) << message;
  ASSERT_EQ(status["conditions"].size(), 2U);
  EXPECT_EQ(status["conditions"][0]["type"], "Available") << "other conditions are kept";
  const Json& c = status["conditions"][1];
  EXPECT_EQ(c["type"], "ReconcileError");
  EXPECT_EQ(c["status"], "True");
  EXPECT_EQ(c["reason"], "Forbidden");
  EXPECT_EQ(c["observedGeneration"], 2);
  EXPECT_EQ((*patch)["metadata"]["resourceVersion"], "41") << "a concurrent writer wins";
}

TEST(ReconcileError, NoPatchWhenTheStatusSaysSoAlready) {
  Json object = healthy_rollout();
  const auto first = reconcile_error_patch(object, forbidden(), WallTime{});
  ASSERT_TRUE(first);
  object["status"].update((*first)["status"]);
  EXPECT_FALSE(reconcile_error_patch(object, forbidden(), WallTime{} + std::chrono::seconds{5}));
  // A new generation with the same failure is reported again.
  object["metadata"]["generation"] = 3;
  const auto again =
      reconcile_error_patch(object, forbidden(), WallTime{} + std::chrono::seconds{9});
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["status"]["conditions"][1]["observedGeneration"], 3);
  EXPECT_EQ((*again)["status"]["conditions"][1]["lastTransitionTime"],
            (*first)["status"]["conditions"][1]["lastTransitionTime"])
      << "still failing: the transition time stays";
}

TEST(ReconcileError, TheNextPlanDropsTheCondition) {
  testing::RolloutWorld world(testing::canary_rollout_json(2, Json::array(), "web:1"));
  world.settle();
  world.status().conditions.push_back(
      {kReconcileErrorCondition, "True", "Forbidden", "x", {}, {}, world.rollout().generation});
  const Plan next = world.step();
  EXPECT_TRUE(std::none_of(next.status.conditions.begin(), next.status.conditions.end(),
                           [](const Condition& c) { return c.type == kReconcileErrorCondition; }));
}

}  // namespace
}  // namespace cutover::rollout
