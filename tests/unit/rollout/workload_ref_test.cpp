// spec.workloadRef: a Rollout adopts the user's Deployment. The slot takes over without a moment
// in which the Services select no ready pod, and the Deployment scales down as scaleDown says.
#include "rollout/workload_ref.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rollout/rollout_json.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using ::testing::HasSubstr;
using testing::RolloutWorld;

Json adopted_deployment(int replicas, const std::string& image) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", "web"}}}}},
              {"spec", {{"containers", Json::array({{{"name", "web"}, {"image", image}}})}}}}}}},
          {"status", {{"availableReplicas", replicas}}}};
}

// A canary Rollout of 4 replicas that adopts Deployment `web`, without its own template or
// selector (both come from the Deployment).
Json adopting_rollout(const std::string& scale_down) {
  Json object = testing::canary_rollout_json(4, Json::array({{{"setWeight", 50}}}), "unused");
  object["spec"].erase("template");
  object["spec"].erase("selector");
  object["spec"]["workloadRef"] = {{"apiVersion", "apps/v1"},
                                   {"kind", "Deployment"},
                                   {"name", "web"},
                                   {"scaleDown", scale_down}};
  return object;
}

struct AdoptionWorld {
  explicit AdoptionWorld(const std::string& scale_down) : world(adopting_rollout(scale_down)) {
    world.observed.workload = observe_workload(adopted_deployment(4, "web:1"));
    resolve();
  }
  void resolve() {
    auto resolved = resolve_workload(world.rollout(), world.observed.workload);
    EXPECT_TRUE(resolved.has_value()) << resolved.error().describe();
  }
  RolloutWorld world;
};

TEST(WorkloadRef, ParsesWithoutTemplateOrSelector) {
  auto parsed = parse_rollout(adopting_rollout("onsuccess"));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  ASSERT_TRUE(parsed->spec.workload_ref.has_value());
  EXPECT_EQ(parsed->spec.workload_ref->name, "web");
  EXPECT_EQ(parsed->spec.workload_ref->scale_down, "onsuccess");
}

TEST(WorkloadRef, RefusesOtherKindsAndModesNamingTheField) {
  Json object = adopting_rollout("onsuccess");
  object["spec"]["workloadRef"]["kind"] = "StatefulSet";
  auto parsed = parse_rollout(object);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().field, "spec.workloadRef.kind");
  EXPECT_THAT(parsed.error().fix, HasSubstr("apps/v1 Deployment"));

  object = adopting_rollout("sometimes");
  parsed = parse_rollout(object);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().field, "spec.workloadRef.scaleDown");
  EXPECT_THAT(parsed.error().fix, HasSubstr("never, onsuccess or progressively"));

  object = adopting_rollout("never");
  object["spec"]["template"] = {{"metadata", Json::object()}};
  parsed = parse_rollout(object);
  ASSERT_FALSE(parsed.has_value()) << "template and workloadRef together";
  EXPECT_EQ(parsed.error().field, "spec.template");
}

TEST(WorkloadRef, MissingDeploymentIsAnErrorThatNamesIt) {
  auto parsed = parse_rollout(adopting_rollout("never"));
  ASSERT_TRUE(parsed.has_value());
  auto resolved = resolve_workload(*parsed, WorkloadObservation{});
  ASSERT_FALSE(resolved.has_value());
  EXPECT_EQ(resolved.error().field, "spec.workloadRef.name");
  EXPECT_THAT(resolved.error().message, HasSubstr("Deployment shop/web does not exist"));
  resolved = resolve_workload(*parsed, std::nullopt);
  EXPECT_FALSE(resolved.has_value());
}

TEST(WorkloadRef, TakesTheTemplateAndSelectorOfTheDeployment) {
  AdoptionWorld a("never");
  EXPECT_EQ(a.world.rollout().spec.pod_template["spec"]["containers"][0]["image"], "web:1");
  EXPECT_EQ(a.world.rollout().spec.selector["matchLabels"]["app"], "web");
}

TEST(WorkloadRef, OnSuccessMovesTrafficOnlyWhenTheSlotIsReadyThenScalesTheDeploymentToZero) {
  AdoptionWorld a("onsuccess");
  auto& world = a.world;
  world.instant_pods = false;
  world.step();
  EXPECT_FALSE(world.observed.service_slots.contains("web-stable"))
      << "no pin while the slot has no available pod: the Deployment still serves";
  EXPECT_EQ(world.status().phase, Phase::progressing);
  EXPECT_THAT(world.status().message, HasSubstr("adopting Deployment web"));
  EXPECT_TRUE(world.scaled_workload.empty());
  world.observed.slot(Slot::a).available_replicas = 4;
  world.observed.slot(Slot::a).ready_replicas = 4;
  world.observed.slot(Slot::a).updated_replicas = 4;
  const auto plan = world.step();
  // Pins first, then the scale-down, in one pass.
  std::vector<std::string> order;
  for (const auto& action : plan.actions) {
    if (std::holds_alternative<PinService>(action))
      order.emplace_back("pin");
    if (std::holds_alternative<ScaleWorkload>(action))
      order.emplace_back("scale");
  }
  EXPECT_EQ(order, (std::vector<std::string>{"pin", "pin", "scale"}));
  EXPECT_EQ(world.scaled_workload, std::vector<int>{0});
  EXPECT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(world.status().history.back().reason,
            "first deployment, adopted Deployment web (scaleDown onsuccess)");
}

TEST(WorkloadRef, NeverLeavesTheDeploymentRunning) {
  AdoptionWorld a("never");
  a.world.settle();
  EXPECT_EQ(a.world.status().phase, Phase::healthy);
  EXPECT_TRUE(a.world.scaled_workload.empty());
  EXPECT_EQ(a.world.observed.workload->spec_replicas, 4);
  EXPECT_EQ(a.world.observed.service_slots.at("web-stable"), Slot::a);
}

TEST(WorkloadRef, ProgressivelyHandsOverPodForPodBehindUnpinnedServices) {
  AdoptionWorld a("progressively");
  auto& world = a.world;
  world.instant_pods = false;
  world.step();
  for (int available = 1; available <= 4; ++available) {
    auto& slot = world.observed.slot(Slot::a);
    slot.available_replicas = slot.ready_replicas = slot.updated_replicas = available;
    world.step();
    EXPECT_EQ(world.observed.workload->spec_replicas, 4 - available)
        << "one Deployment pod fewer per available slot pod";
    const int total = world.observed.workload->spec_replicas + available;
    EXPECT_EQ(total, 4) << "capacity never drops below spec.replicas";
    if (available < 4) {
      EXPECT_FALSE(world.observed.service_slots.contains("web-stable"))
          << "Services stay unpinned (they select both) while the Deployment still serves";
    }
  }
  EXPECT_EQ(world.scaled_workload, (std::vector<int>{3, 2, 1, 0}));
  EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::a);
  EXPECT_EQ(world.status().phase, Phase::healthy);
}

TEST(WorkloadRef, AReleaseIsAnEditOfTheDeploymentsTemplate) {
  AdoptionWorld a("onsuccess");
  a.world.settle();
  const std::string v1 = a.world.status().stable_revision;
  a.world.observed.workload->pod_template["spec"]["containers"][0]["image"] = "web:2";
  a.resolve();
  a.world.settle();
  EXPECT_EQ(a.world.status().phase, Phase::healthy);
  EXPECT_NE(a.world.status().stable_revision, v1);
  EXPECT_EQ(a.world.status().stable_slot, Slot::b);
  EXPECT_EQ(a.world.observed.workload->spec_replicas, 0) << "the Deployment stays at 0";
}

}  // namespace
}  // namespace cutover::rollout
