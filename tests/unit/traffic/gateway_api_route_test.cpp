// Reading and patching the weights of a Gateway API route: only the stable and canary
// backendRefs of the rules that name both, nothing else of the user's route.
#include "traffic/gateway_api_route.hpp"

#include <gtest/gtest.h>

namespace cutover::traffic {
namespace {

using kube::Json;

const RouteRef kRoute{"HTTPRoute", "shop", "web"};
const WeightedServices kServices{"web-stable", "web-canary", "shop"};

// A user's route: a weighted rule, a rule of another app with a filter, two parents.
Json user_route() {
  return Json::parse(R"({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "42"},
    "spec": {
      "parentRefs": [{"name": "public"}, {"name": "internal", "namespace": "infra"}],
      "rules": [
        {"matches": [{"path": {"type": "PathPrefix", "value": "/docs"}}],
         "filters": [{"type": "RequestHeaderModifier",
                      "requestHeaderModifier": {"add": [{"name": "x-docs", "value": "1"}]}}],
         "backendRefs": [{"name": "docs", "port": 80}]},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
         "backendRefs": [{"name": "web-stable", "port": 80, "weight": 95},
                         {"name": "web-canary", "port": 80, "weight": 5}]}
      ]}})");
}

// Applies `patch` as the API server would, checking its `test` operations hold.
Json apply_patch(const Json& route, const Json& patch) {
  for (const auto& op : patch) {
    if (op["op"] == "test") {
      EXPECT_EQ(route.at(Json::json_pointer(op["path"].get<std::string>())), op["value"]);
    }
  }
  return route.patch(patch);
}

TEST(GatewayApiRoute, ReadsTheCanaryShareOfTheRuleThatNamesBoth) {
  EXPECT_EQ(read_route(user_route(), kRoute, kServices), (RouteReading{5, ""}));
}

TEST(GatewayApiRoute, AMissingWeightWeighsOne) {
  Json route = user_route();
  route["spec"]["rules"][1]["backendRefs"][0].erase("weight");
  route["spec"]["rules"][1]["backendRefs"][1].erase("weight");
  EXPECT_EQ(read_route(route, kRoute, kServices).weight, 50);
}

TEST(GatewayApiRoute, RulesThatDisagreeReadAsNoWeight) {
  Json route = user_route();
  route["spec"]["rules"].push_back(route["spec"]["rules"][1]);
  route["spec"]["rules"][2]["backendRefs"][1]["weight"] = 50;
  route["spec"]["rules"][2]["backendRefs"][0]["weight"] = 50;
  const auto reading = read_route(route, kRoute, kServices);
  EXPECT_FALSE(reading.weight.has_value());
  EXPECT_TRUE(reading.problem.empty());
}

TEST(GatewayApiRoute, AMissingRouteOrOneWithoutBothServicesIsAProblemThatNamesIt) {
  const auto missing = read_route(Json(), kRoute, kServices);
  EXPECT_EQ(missing.problem,
            "HTTPRoute shop/web not found: create it, or fix the name in "
            "spec.strategy.canary.trafficRouting.gatewayAPI");
  Json route = user_route();
  route["spec"]["rules"][1]["backendRefs"].erase(1);
  const auto neither = read_route(route, kRoute, kServices);
  EXPECT_NE(neither.problem.find("HTTPRoute shop/web has no rule whose backendRefs name both "
                                 "Services web-stable and web-canary"),
            std::string::npos)
      << neither.problem;
  EXPECT_FALSE(weight_patch(route, kRoute, kServices, 10).has_value());
}

TEST(GatewayApiRoute, AServiceOfAnotherNamespaceOrKindIsNotOurs) {
  Json route = user_route();
  route["spec"]["rules"][1]["backendRefs"][1]["namespace"] = "other";
  EXPECT_FALSE(read_route(route, kRoute, kServices).problem.empty());
  route = user_route();
  route["spec"]["rules"][1]["backendRefs"][1]["kind"] = "ServiceImport";
  route["spec"]["rules"][1]["backendRefs"][1]["group"] = "multicluster.x-k8s.io";
  EXPECT_FALSE(read_route(route, kRoute, kServices).problem.empty());
  // A route in another namespace names our Services with their namespace.
  route = user_route();
  route["metadata"]["namespace"] = "gateways";
  for (auto& ref : route["spec"]["rules"][1]["backendRefs"])
    ref["namespace"] = "shop";
  EXPECT_EQ(read_route(route, {"HTTPRoute", "gateways", "web"}, kServices).weight, 5);
}

TEST(GatewayApiRoute, ThePatchChangesOnlyTheTwoWeightsAndIsGuarded) {
  const Json route = user_route();
  const auto patch = weight_patch(route, kRoute, kServices, 25);
  ASSERT_TRUE(patch.has_value()) << patch.error();
  EXPECT_EQ((*patch)[0],
            Json::parse(R"({"op": "test", "path": "/metadata/resourceVersion", "value": "42"})"));
  const Json patched = apply_patch(route, *patch);
  Json expected = route;
  expected["spec"]["rules"][1]["backendRefs"][0]["weight"] = 75;
  expected["spec"]["rules"][1]["backendRefs"][1]["weight"] = 25;
  EXPECT_EQ(patched, expected) << "filters, matches, parents and the other rule untouched";
  EXPECT_EQ(read_route(patched, kRoute, kServices).weight, 25);
}

TEST(GatewayApiRoute, ThePatchAddsAWeightThatWasLeftOut) {
  Json route = user_route();
  route["spec"]["rules"][1]["backendRefs"][1].erase("weight");
  const auto patch = weight_patch(route, kRoute, kServices, 100);
  ASSERT_TRUE(patch.has_value());
  EXPECT_EQ(read_route(apply_patch(route, *patch), kRoute, kServices).weight, 100);
}

}  // namespace
}  // namespace cutover::traffic
