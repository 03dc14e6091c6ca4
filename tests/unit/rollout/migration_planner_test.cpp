// Migrations: the path through the steps on a real (pure) HTTPRoute editor, each weight read
// back before it counts; a failed gate puts the whole path back on spec.from in the pass that
// decides it; promotion holds 100%; deleting restores (or keeps) the route; a route Cutover
// cannot use holds the Migration and nothing is written.
#include <gtest/gtest.h>

#include "rollout/migration_json.hpp"
#include "rollout/plan.hpp"
#include "rollout/router_for.hpp"
#include "traffic/route_edit.hpp"

namespace cutover::rollout {
namespace {

const std::string kRoute = "HTTPRoute shop/web";

Json migration_json(Json steps) {
  return {{"apiVersion", "cutover.dev/v1alpha1"},
          {"kind", "Migration"},
          {"metadata", {{"name", "payments"}, {"namespace", "shop"}, {"uid", "u1"}}},
          {"spec",
           {{"route", {{"gatewayAPI", {{"httpRoute", "web"}}}}},
            {"from", {{"service", "monolith"}, {"port", 8080}}},
            {"to", {{"service", "payments"}, {"port", 80}}},
            {"matches", Json::parse(R"([{"path": {"type": "PathPrefix", "value": "/payments"}}])")},
            {"steps", std::move(steps)}}}};
}

Json user_route() {
  return Json::parse(R"({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "1"},
    "spec": {"parentRefs": [{"name": "public"}], "rules": [
      {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
       "backendRefs": [{"name": "monolith", "port": 8080}]}]}})");
}

// A Migration and its route: every SetRouteWeight is applied through the real editor, and a
// started gate's run appears as Running.
struct MigrationWorld {
  explicit MigrationWorld(Json steps)
      : migration(*parse_migration(migration_json(std::move(steps)))), route(user_route()) {
    read();
  }
  void read() {
    observed.routes[kRoute] =
        traffic::read_route(route, migration.spec.canary().routes[0], weighted_services(migration));
  }
  Plan step() {
    Plan plan = plan_migration(migration, observed, now);
    for (const auto& action : plan.actions) {
      if (const auto* w = std::get_if<SetRouteWeight>(&action)) {
        weights.push_back(w->weight);
        auto patch = traffic::route_edit(route, migration.spec.canary().routes[0],
                                         weighted_services(migration), {w->weight, w->managed, {}});
        EXPECT_TRUE(patch) << patch.error();
        if (patch && !patch->is_null())
          route = route.patch(*patch);
      } else if (const auto* start = std::get_if<StartAnalysis>(&action)) {
        observed.analysis_runs.try_emplace(start->name, RunObservation{"Running", "measuring"});
      } else if (const auto* e = std::get_if<RecordEvent>(&action)) {
        events.push_back(e->reason);
      }
    }
    read();
    migration.status = plan.status;
    now += std::chrono::seconds{1};
    return plan;
  }
  void settle() {
    for (int i = 0; i < 12; ++i)
      step();
  }
  Rollout migration;
  Json route;
  Observed observed;
  WallTime now{std::chrono::sys_days{std::chrono::year{2026} / 12 / 4}};
  std::vector<int> weights;
  std::vector<std::string> events;
};

Json gate() {
  return {{"analysis", {{"policies", Json::array({{{"name", "migration-error-rate"}}})}}}};
}

TEST(MigrationPlanner, ShadowThenEachWeightThenHeldAtOneHundred) {
  MigrationWorld world(Json::array({{{"setMirrorRoute", {{"percentage", 100}}}},
                                    {{"pause", Json::object()}},
                                    {{"setWeight", 5}},
                                    {{"setWeight", 50}}}));
  world.settle();
  // Paused in the shadow phase: the rule mirrors, and sends nothing real.
  EXPECT_EQ(world.migration.status.phase, Phase::paused);
  EXPECT_EQ(world.migration.status.strategy, "Migration");
  const Json& rule = world.route["spec"]["rules"][0];
  EXPECT_EQ(rule["name"], "migration-payments");
  EXPECT_EQ(rule["filters"][0]["type"], "RequestMirror");
  EXPECT_EQ(world.migration.status.route_weights, (std::vector<RouteWeightStatus>{{kRoute, 0}}));
  world.migration.status.pause_conditions.clear();  // deploy migrations promote
  world.settle();
  EXPECT_EQ(world.migration.status.phase, Phase::healthy);
  EXPECT_EQ(world.migration.status.current_weight, 100);
  EXPECT_EQ(world.route["spec"]["rules"][0]["backendRefs"][1]["weight"], 100);
  EXPECT_FALSE(world.route["spec"]["rules"][0].contains("filters"));
  EXPECT_NE(std::ranges::find(world.events, "MigrationStarted"), world.events.end());
  EXPECT_NE(std::ranges::find(world.events, "Promoted"), world.events.end());
  // Migrated and settled: nothing more is planned; a hand edit of Cutover's rule is put back.
  EXPECT_TRUE(world.step().actions.empty());
  world.route["spec"]["rules"][0]["backendRefs"][1]["weight"] = 10;
  world.read();
  const Plan plan = world.step();
  ASSERT_EQ(plan.actions.size(), 1U);
  EXPECT_EQ(std::get<SetRouteWeight>(plan.actions[0]).weight, 100);
}

TEST(MigrationPlanner, AFailedGatePutsThePathBackOnTheLegacyServiceAtOnce) {
  MigrationWorld world(Json::array({{{"setWeight", 25}}, gate(), {{"setWeight", 100}}}));
  world.settle();
  EXPECT_EQ(world.observed.routes[kRoute].weight, 25);
  ASSERT_TRUE(world.migration.status.current_step_analysis);
  world.observed.analysis_runs[world.migration.status.current_step_analysis->name] = {
      "Failed", "error-rate 0.2 >= 0.01"};
  const Plan plan = world.step();
  const auto write = std::ranges::find_if(
      plan.actions, [](const Action& a) { return std::holds_alternative<SetRouteWeight>(a); });
  ASSERT_NE(write, plan.actions.end());
  EXPECT_EQ(std::get<SetRouteWeight>(*write).weight, 0);
  EXPECT_EQ(world.route, user_route()) << "the user's route, exactly as it was";
  EXPECT_EQ(world.migration.status.phase, Phase::degraded);
  EXPECT_NE(std::ranges::find(world.events, "RolloutAborted"), world.events.end());
}

TEST(MigrationPlanner, ARouteCutoverCannotUseHoldsItAndWritesNothing) {
  MigrationWorld world(Json::array({{{"setWeight", 25}}}));
  world.route["spec"]["rules"][0]["backendRefs"][0]["name"] = "elsewhere";
  world.read();
  const Plan plan = world.step();
  EXPECT_TRUE(std::ranges::none_of(
      plan.actions, [](const Action& a) { return std::holds_alternative<SetRouteWeight>(a); }));
  EXPECT_EQ(world.migration.status.phase, Phase::degraded);
  EXPECT_NE(world.migration.status.message.find("spec.from.service"), std::string::npos);
}

TEST(MigrationPlanner, DeletingRestoresTheRouteUnlessOnDeleteIsKeep) {
  MigrationWorld world(Json::array({{{"setWeight", 25}}}));
  world.settle();
  EXPECT_EQ(world.observed.routes[kRoute].weight, 100);
  world.migration.deleting = true;
  Plan plan = world.step();
  ASSERT_EQ(plan.actions.size(), 1U);
  EXPECT_EQ(std::get<SetRouteWeight>(plan.actions[0]).weight, 0);
  EXPECT_EQ(world.route, user_route());
  EXPECT_TRUE(world.step().actions.empty()) << "restored: the finalizer may go";

  MigrationWorld keep(Json::array({{{"setWeight", 25}}}));
  keep.settle();
  auto& move = std::get<CanaryStrategy>(keep.migration.spec.strategy).move;
  move->keep_on_delete = true;
  keep.migration.deleting = true;
  EXPECT_TRUE(keep.step().actions.empty());
}

}  // namespace
}  // namespace cutover::rollout
