// The canary planner with trafficRouting (Gateway API): the routes carry the weight, checked by
// reading them back; the candidate runs the weight's share of the pods; promotion and abort
// move traffic first and scale down after.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rollout/planner_support.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using testing::canary_rollout_json;
using testing::RolloutWorld;

const std::string kRoute = "HTTPRoute shop/web";

Json routed_json(int replicas, const Json& steps) {
  Json object = canary_rollout_json(replicas, steps, "web:1");
  object["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"gatewayAPI", {{"httpRoutes", Json::array({{{"name", "web"}}})}}}};
  return object;
}

// v1 stable on slot a, the route at 0%.
RolloutWorld routed_world(int replicas = 3) {
  RolloutWorld world(routed_json(replicas, Json::array({{{"setWeight", 5}},
                                                        {{"pause", Json::object()}},
                                                        {{"setWeight", 50}},
                                                        {{"pause", Json::object()}}})));
  world.observed.routes[kRoute] = {0, ""};
  world.settle();
  return world;
}

void promote(RolloutWorld& world) {
  world.status().pause_conditions.clear();
  world.status().promoted_by = "alice via deploy promote";
}

TEST(RoutedCanary, AFivePercentCanaryOfThreeReplicasRunsOnePodAndTheRouteSaysFive) {
  auto world = routed_world();
  ASSERT_EQ(world.status().phase, Phase::healthy);
  world.set_image("web:2");
  world.settle();
  const auto& st = world.status();
  EXPECT_EQ(st.phase, Phase::paused);
  EXPECT_EQ(st.current_weight, 5);
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 5);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1) << "ceil(3 x 5%)";
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 3) << "stable keeps full size";
  EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::a);
  EXPECT_EQ(world.observed.service_slots.at("web-canary"), Slot::b);
  ASSERT_EQ(st.route_weights.size(), 1U);
  EXPECT_EQ(st.route_weights[0], (RouteWeightStatus{kRoute, 5}));

  promote(world);
  world.settle();
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 50);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 2) << "ceil(3 x 50%)";
}

TEST(RoutedCanary, AWeightCountsOnlyOnceTheRouteReadsItBack) {
  auto world = routed_world();
  world.routes_follow = false;  // the patch does not take (a webhook, a conflicting manager)
  world.set_image("web:2");
  world.settle();
  const auto& st = world.status();
  EXPECT_EQ(st.current_step_index, 0) << "step 1 not done";
  EXPECT_EQ(st.phase, Phase::progressing);
  EXPECT_EQ(st.message,
            "step 1/4: weight 5: waiting for the routes to read it (HTTPRoute shop/web 0%)");
  world.routes_follow = true;
  world.settle();
  EXPECT_EQ(world.status().current_weight, 5);
  EXPECT_EQ(world.status().phase, Phase::paused);
}

TEST(RoutedCanary, PromotionMovesTrafficInOrderThenScalesTheOldSlotDown) {
  auto world = routed_world();
  world.set_image("web:2");
  world.settle();
  promote(world);
  world.settle();
  promote(world);
  world.settle();
  const auto& st = world.status();
  ASSERT_EQ(st.phase, Phase::healthy) << st.message;
  EXPECT_EQ(st.stable_slot, Slot::b);
  EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::b);
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 0) << "all on stableService, now slot b";
  EXPECT_EQ(world.slot(Slot::a).spec_replicas, 0) << "after scaleDownDelaySeconds";
  // 5, 50, then 100 through canaryService, then 0 once stableService moved (the planner asks
  // again each pass; the executor drops what the route already says).
  auto asked = world.set_weights;
  asked.erase(std::ranges::unique(asked).begin(), asked.end());
  EXPECT_EQ(asked, (std::vector<int>{0, 5, 50, 100, 0}));
  // stableService moved only in a pass after the route read 100.
  bool pinned_at_100 = false;
  for (const auto& plan : world.plans) {
    for (const auto& action : plan.actions) {
      if (action == Action{PinService{"web-stable", Slot::b}})
        pinned_at_100 = std::ranges::find(plan.actions, Action{SetRouteWeight{100}}) ==
                        plan.actions.end();  // dropped: already read back
    }
  }
  EXPECT_TRUE(pinned_at_100);
}

TEST(RoutedCanary, AbortPutsTheRouteAtZeroBeforeTheCandidateScalesDown) {
  auto world = routed_world();
  world.set_image("web:2");
  world.settle();
  world.routes_follow = false;
  world.status().abort = true;
  auto pass = world.step();
  EXPECT_NE(std::ranges::find(pass.actions, Action{SetRouteWeight{0}}), pass.actions.end());
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1) << "kept while the route still says 5";
  EXPECT_EQ(pass.status.phase, Phase::degraded);
  EXPECT_EQ(pass.status.message,
            "aborting: waiting for the routes to read weight 0 (HTTPRoute shop/web 5%)");
  world.routes_follow = true;
  world.settle();
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 0);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0) << "after abortScaleDownDelaySeconds";
  EXPECT_EQ(world.status().phase, Phase::degraded);
}

TEST(RoutedCanary, ARouteCutoverCannotEditHoldsTheReleaseAndSaysWhy) {
  auto world = routed_world();
  world.observed.routes[kRoute] = {std::nullopt, "HTTPRoute shop/web not found: create it"};
  world.set_weights.clear();
  world.set_image("web:2");
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.status().message, "HTTPRoute shop/web not found: create it");
  EXPECT_TRUE(world.set_weights.empty());
  EXPECT_FALSE(world.slot(Slot::b).exists) << "no candidate while traffic cannot move";
}

TEST(RoutedCanary, ANewRevisionTakesTrafficOffTheCandidateBeforeReplacingIt) {
  auto world = routed_world();
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.observed.routes.at(kRoute).weight, 5);
  world.routes_follow = false;
  world.set_image("web:3");
  const auto pass = world.step();
  EXPECT_NE(std::ranges::find(pass.actions, Action{SetRouteWeight{0}}), pass.actions.end());
  for (const auto& action : pass.actions) {
    const auto* apply = std::get_if<ApplySlot>(&action);
    EXPECT_TRUE(apply == nullptr || apply->slot != Slot::b)
        << "slot b gets web:3 only once the route reads 0";
  }
}

TEST(RoutedCanary, AnAbortGoesOnWhenARouteCannotBeEdited) {
  auto world = routed_world();
  world.set_image("web:2");
  world.settle();
  world.observed.routes[kRoute] = {std::nullopt, "HTTPRoute shop/web has no rule ..."};
  world.status().abort = true;
  world.settle();
  EXPECT_EQ(world.observed.service_slots.at("web-canary"), Slot::a) << "both Services on stable";
  EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::a);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
  EXPECT_EQ(world.status().phase, Phase::degraded);
}

// Whatever the first step is (here setCanaryScale), a candidate slot that the routes still send
// traffic to does not get another revision until they read 0.
TEST(RoutedCanary, ANewRevisionWaitsForZeroWhateverTheStep) {
  RolloutWorld world(routed_json(3, Json::array({{{"setCanaryScale", {{"replicas", 1}}}},
                                                 {{"setWeight", 50}},
                                                 {{"pause", Json::object()}}})));
  world.observed.routes[kRoute] = {0, ""};
  world.settle();
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.observed.routes.at(kRoute).weight, 50);
  world.routes_follow = false;
  world.set_image("web:3");
  for (int i = 0; i < 3; ++i) {
    const auto pass = world.step();
    for (const auto& action : pass.actions) {
      const auto* apply = std::get_if<ApplySlot>(&action);
      EXPECT_TRUE(apply == nullptr || apply->slot != Slot::b) << "pass " << i;
    }
    EXPECT_EQ(world.observed.service_slots.at("web-stable"), Slot::a);
  }
  world.routes_follow = true;
  world.settle();
  EXPECT_EQ(world.slot(Slot::b).revision, world.status().current_revision);
}

// From 50% down to 10%: the candidate keeps the pods of 50% until the route reads 10%.
TEST(RoutedCanary, ALowerWeightShrinksTheCandidateOnlyOnceReadBack) {
  RolloutWorld world(routed_json(4, Json::array({{{"setWeight", 50}},
                                                 {{"pause", Json::object()}},
                                                 {{"setWeight", 10}},
                                                 {{"pause", Json::object()}}})));
  world.observed.routes[kRoute] = {0, ""};
  world.settle();
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.slot(Slot::b).spec_replicas, 2);
  world.routes_follow = false;
  promote(world);
  world.settle();
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 2) << "the route still says 50";
  world.routes_follow = true;
  world.settle();
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 10);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1);
}

TEST(RoutedCanaryReplicas, TheWeightsShareRoundedUpWithAPodAboveZero) {
  EXPECT_EQ(detail::routed_replicas(3, 0), 0);
  EXPECT_EQ(detail::routed_replicas(3, 5), 1);
  EXPECT_EQ(detail::routed_replicas(3, 34), 2);
  EXPECT_EQ(detail::routed_replicas(10, 25), 3);
  EXPECT_EQ(detail::routed_replicas(4, 100), 4);
}

// Header and mirror routes (setHeaderRoute, setMirrorRoute): rules of Cutover's in the route
// object, set by their step, read back before the step counts, removed at promotion and abort.

Json header_step(const Json& match) {
  Json route = {{"name", "beta"}};
  if (!match.is_null())
    route["match"] = match;
  return {{"setHeaderRoute", route}};
}

const Json kBetaMatch =
    Json::array({{{"headerName", "x-beta"}, {"headerValue", {{"exact", "1"}}}}});

// A route object as a user writes it: one rule, stable 100 and canary 0.
Json user_route() {
  return Json::parse(R"({
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "1"},
    "spec": {"rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                        "backendRefs": [{"name": "web-stable", "port": 80, "weight": 100},
                                        {"name": "web-canary", "port": 80, "weight": 0}]}]}})");
}

RolloutWorld managed_world(const Json& steps) {
  Json object = routed_json(3, steps);
  object["spec"]["strategy"]["canary"]["trafficRouting"]["managedRoutes"] =
      Json::array({{{"name", "beta"}}, {{"name", "shadow"}}});
  RolloutWorld world(object);
  world.observed.routes[kRoute] = traffic::read_route(user_route(), {"HTTPRoute", "shop", "web"},
                                                      {"web-stable", "web-canary", "shop"});
  world.settle();
  return world;
}

std::vector<std::string> rule_names(const RolloutWorld& world) {
  std::vector<std::string> out;
  for (const auto& rule : world.observed.routes.at(kRoute).object["spec"]["rules"])
    out.push_back(rule.value("name", "-"));
  return out;
}

TEST(RoutedCanary, AHeaderRouteStepSetsItsRuleAndCountsOnceReadBack) {
  auto world = managed_world(Json::array({{{"setWeight", 10}},
                                          header_step(kBetaMatch),
                                          {{"pause", Json::object()}},
                                          header_step(nullptr),
                                          {{"pause", Json::object()}}}));
  ASSERT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(rule_names(world), (std::vector<std::string>{"-"})) << "none before a release";
  world.set_image("web:2");
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::paused);
  EXPECT_EQ(world.status().current_step_index, 2);
  EXPECT_EQ(rule_names(world), (std::vector<std::string>{"beta", "-"}));
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 10) << "the weight stays";
  promote(world);
  world.settle();
  EXPECT_EQ(world.status().current_step_index, 4);
  EXPECT_EQ(rule_names(world), (std::vector<std::string>{"-"})) << "a step without match removes";
}

TEST(RoutedCanary, AManagedRouteAtWeightZeroRunsACandidatePodUntilItIsGone) {
  auto world = managed_world(Json::array({header_step(kBetaMatch),
                                          {{"pause", Json::object()}},
                                          header_step(nullptr),
                                          {{"pause", Json::object()}}}));
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.status().current_step_index, 1);
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 0);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1) << "the header route's requests need a pod";
  world.routes_follow = false;  // the removal does not land yet
  promote(world);
  world.settle();
  EXPECT_EQ(world.status().current_step_index, 2);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1) << "kept while the route still has the rule";
  world.routes_follow = true;
  world.settle();
  EXPECT_EQ(world.status().current_step_index, 3);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0) << "weight 0 and no managed route: no pod";
}

TEST(RoutedCanary, AHeaderRouteThatDoesNotTakeHoldsItsStep) {
  auto world = managed_world(Json::array({header_step(kBetaMatch), {{"pause", Json::object()}}}));
  world.routes_follow = false;
  world.set_image("web:2");
  world.settle();
  EXPECT_EQ(world.status().current_step_index, 0);
  EXPECT_EQ(world.status().message,
            "step 1/2: weight 0 with managed routes beta: waiting for the routes to read it "
            "(HTTPRoute shop/web 0%)");
}

TEST(RoutedCanary, PromotionAndAbortRemoveTheManagedRoutesFirst) {
  const Json steps = Json::array({{{"setWeight", 10}},
                                  header_step(kBetaMatch),
                                  {{"setMirrorRoute",
                                    {{"name", "shadow"},
                                     {"percentage", 50},
                                     {"match", Json::array({{{"method", {{"exact", "GET"}}}}})}}}},
                                  {{"pause", Json::object()}}});
  auto world = managed_world(steps);
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(rule_names(world), (std::vector<std::string>{"beta", "shadow", "-"}));
  promote(world);
  world.settle();
  ASSERT_EQ(world.status().phase, Phase::healthy) << world.status().message;
  EXPECT_EQ(rule_names(world), (std::vector<std::string>{"-"}));

  world.set_image("web:3");
  world.settle();
  ASSERT_EQ(rule_names(world), (std::vector<std::string>{"beta", "shadow", "-"}));
  world.routes_follow = false;
  world.status().abort = true;
  auto pass = world.step();
  EXPECT_NE(std::ranges::find(pass.actions, Action{SetRouteWeight{0}}), pass.actions.end())
      << "weight 0 with no managed route";
  EXPECT_EQ(world.slot(world.status().stable_slot == Slot::a ? Slot::b : Slot::a).spec_replicas, 1)
      << "the candidate is kept while the route still carries it";
  world.routes_follow = true;
  world.settle();
  EXPECT_EQ(rule_names(world), (std::vector<std::string>{"-"}));
  EXPECT_EQ(world.observed.routes.at(kRoute).weight, 0);
}

// The same release through an Istio VirtualService: the planner cannot tell the routers apart.
TEST(RoutedCanary, AnIstioVirtualServiceCarriesTheWeightsAndManagedRoutesAlike) {
  const std::string vs = "VirtualService shop/web";
  Json object = canary_rollout_json(
      3, Json::array({{{"setWeight", 10}}, header_step(kBetaMatch), {{"pause", Json::object()}}}),
      "web:1");
  object["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"istio", {{"virtualService", {{"name", "web"}}}}},
      {"managedRoutes", Json::array({{{"name", "beta"}}})}};
  RolloutWorld world(object);
  world.observed.routes[vs] = traffic::read_route(Json::parse(R"({
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "1"},
    "spec": {"http": [{"name": "primary",
                       "route": [{"destination": {"host": "web-stable"}, "weight": 100},
                                 {"destination": {"host": "web-canary"}, "weight": 0}]}]}})"),
                                                  {"VirtualService", "shop", "web", {}},
                                                  {"web-stable", "web-canary", "shop"});
  world.settle();
  ASSERT_EQ(world.status().phase, Phase::healthy) << world.status().message;
  const auto names = [&] {
    std::vector<std::string> out;
    for (const auto& route : world.observed.routes.at(vs).object["spec"]["http"])
      out.push_back(route.value("name", "-"));
    return out;
  };
  world.set_image("web:2");
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::paused);
  EXPECT_EQ(world.observed.routes.at(vs).weight, 10);
  EXPECT_EQ(names(), (std::vector<std::string>{"beta", "primary"}));
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 1) << "ceil(3 x 10%)";
  world.status().abort = true;
  world.settle();
  EXPECT_EQ(names(), (std::vector<std::string>{"primary"}));
  EXPECT_EQ(world.observed.routes.at(vs).weight, 0);
  EXPECT_EQ(world.slot(Slot::b).spec_replicas, 0);
}

TEST(RoutedCanary, AManagedRouteTheRouteCannotCarryIsARouteProblem) {
  Json many = Json::array();
  for (int i = 0; i < 17; ++i)
    many.push_back({{"headerName", fmt::format("x-h{}", i)}, {"headerValue", {{"exact", "1"}}}});
  auto world = managed_world(Json::array({header_step(many), {{"pause", Json::object()}}}));
  world.set_image("web:2");
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.status().message,
            "managed route beta cannot be expressed on HTTPRoute shop/web: a match would test 17 "
            "headers (16 allowed)");
  EXPECT_EQ(rule_names(world), (std::vector<std::string>{"-"})) << "nothing written";
}

TEST(RoutedCanary, TheManagedRoutesInForceReplayTheSteps) {
  auto world = managed_world(Json::array({header_step(kBetaMatch),
                                          {{"setWeight", 20}},
                                          header_step(nullptr),
                                          {{"pause", Json::object()}}}));
  const auto& canary = world.rollout().spec.canary();
  EXPECT_EQ(detail::managed_routes_at(canary, 0).size(), 1U);
  EXPECT_EQ(detail::managed_routes_at(canary, 1).size(), 1U);
  EXPECT_TRUE(detail::managed_routes_at(canary, 2).empty());
  EXPECT_TRUE(detail::managed_routes_at(canary, 4).empty()) << "past the last step";
}

}  // namespace
}  // namespace cutover::rollout
