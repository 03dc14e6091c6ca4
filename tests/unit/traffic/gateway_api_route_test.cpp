// Reading and patching the weights of a Gateway API route: only the stable and canary
// backendRefs of the rules that name both, nothing else of the user's route.
#include "traffic/gateway_api_route.hpp"

#include <gtest/gtest.h>

#include "traffic/route_edit.hpp"

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
  const auto reading = read_route(user_route(), kRoute, kServices);
  EXPECT_EQ(reading.weight, 5);
  EXPECT_EQ(reading.problem, "");
  EXPECT_EQ(reading.object, user_route());
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
  // Without it they are Services of the route's namespace, and the fix says to add it.
  for (auto& ref : route["spec"]["rules"][1]["backendRefs"])
    ref.erase("namespace");
  EXPECT_NE(read_route(route, {"HTTPRoute", "gateways", "web"}, kServices)
                .problem.find("(weights 100 and 0, namespace: shop)"),
            std::string::npos);
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

// Managed routes (setHeaderRoute, setMirrorRoute): rules of Cutover's own, before the user's.

ManagedRoute header_route(const std::string& name = "beta") {
  return {ManagedRoute::Kind::header,
          name,
          {RouteMatch{.headers = {{"x-beta", {StringMatch::Type::exact, "1"}},
                                  {"x-team", {StringMatch::Type::prefix, "pay.ments"}}}}},
          0};
}

ManagedRoute mirror_route() {
  return {ManagedRoute::Kind::mirror,
          "shadow",
          {RouteMatch{.method = StringMatch{StringMatch::Type::exact, "GET"}},
           RouteMatch{.path = StringMatch{StringMatch::Type::exact, "/checkout"}}},
          35};
}

const std::vector<std::string> kOwned{"beta", "shadow"};

TEST(GatewayApiRouteEdit, AHeaderRouteIsANamedRuleBeforeTheUsersThatANDsItsHeaders) {
  const Json route = user_route();
  const auto patch = route_edit(route, kRoute, kServices, {5, {header_route()}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  const Json patched = apply_patch(route, *patch);
  const Json& rules = patched["spec"]["rules"];
  ASSERT_EQ(rules.size(), 3U);
  EXPECT_EQ(rules[0], Json::parse(R"({
    "name": "beta",
    "matches": [{"path": {"type": "PathPrefix", "value": "/"},
                 "headers": [{"name": "x-beta", "type": "Exact", "value": "1"},
                             {"name": "x-team", "type": "RegularExpression",
                              "value": "^pay\\.ments.*"}]}],
    "backendRefs": [{"name": "web-canary", "port": 80, "weight": 1}]})"));
  EXPECT_EQ(rules[1], route["spec"]["rules"][0]) << "the user's rules follow, untouched";
  EXPECT_EQ(rules[2], route["spec"]["rules"][1]);
  EXPECT_EQ(read_route(patched, kRoute, kServices).weight, 5);
  const auto again = route_edit(patched, kRoute, kServices, {5, {header_route()}, kOwned});
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->is_null()) << "already so: no patch, " << again->dump();
}

TEST(GatewayApiRouteEdit, AMirrorRouteKeepsTheWeightsAndMirrorsEachORedBlock) {
  Json route = user_route();
  route["spec"]["rules"][1]["filters"] = Json::parse(
      R"([{"type": "RequestHeaderModifier",
           "requestHeaderModifier": {"set": [{"name": "x-app", "value": "web"}]}}])");
  const auto patch = route_edit(route, kRoute, kServices, {20, {mirror_route()}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  const Json patched = apply_patch(route, *patch);
  const Json& rule = patched["spec"]["rules"][0];
  EXPECT_EQ(rule["name"], "shadow");
  EXPECT_EQ(rule["matches"], Json::parse(R"([
    {"path": {"type": "PathPrefix", "value": "/"}, "method": "GET"},
    {"path": {"type": "Exact", "value": "/checkout"}}])"));
  EXPECT_EQ(rule["backendRefs"], Json::parse(R"([
    {"name": "web-stable", "port": 80, "weight": 80},
    {"name": "web-canary", "port": 80, "weight": 20}])"));
  EXPECT_EQ(rule["filters"], Json::parse(R"([
    {"type": "RequestHeaderModifier",
     "requestHeaderModifier": {"set": [{"name": "x-app", "value": "web"}]}},
    {"type": "RequestMirror",
     "requestMirror": {"backendRef": {"name": "web-canary", "port": 80}, "percent": 35}}])"))
      << "the user's filters are kept";
  EXPECT_EQ(read_route(patched, kRoute, kServices).weight, 20) << "both rules moved together";
}

TEST(GatewayApiRouteEdit, RemovingTheRoutesLeavesTheUsersRouteAsItWas) {
  const Json route = user_route();
  const Json with = apply_patch(
      route, *route_edit(route, kRoute, kServices, {5, {header_route(), mirror_route()}, kOwned}));
  ASSERT_EQ(with["spec"]["rules"].size(), 4U);
  EXPECT_EQ(with["spec"]["rules"][0]["name"], "beta") << "managedRoutes order is precedence";
  EXPECT_EQ(with["spec"]["rules"][1]["name"], "shadow");
  const auto removal = route_edit(with, kRoute, kServices, {0, {}, kOwned});
  ASSERT_TRUE(removal.has_value()) << removal.error();
  Json expected = route;
  expected["spec"]["rules"][1]["backendRefs"][0]["weight"] = 100;
  expected["spec"]["rules"][1]["backendRefs"][1]["weight"] = 0;
  EXPECT_EQ(apply_patch(with, *removal), expected);
}

TEST(GatewayApiRouteEdit, AServerDefaultedRuleStillReadsAsAsked) {
  const Json route = user_route();
  Json with =
      apply_patch(route, *route_edit(route, kRoute, kServices, {5, {header_route()}, kOwned}));
  // What the API server adds to what Cutover wrote.
  with["spec"]["rules"][0]["backendRefs"][0]["group"] = "";
  with["spec"]["rules"][0]["backendRefs"][0]["kind"] = "Service";
  const auto again = route_edit(with, kRoute, kServices, {5, {header_route()}, kOwned});
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->is_null());
}

TEST(GatewayApiRouteEdit, AChangedRouteOrAnotherOrderIsWrittenAgain) {
  const Json route = user_route();
  const Json with = apply_patch(
      route, *route_edit(route, kRoute, kServices, {5, {header_route(), mirror_route()}, kOwned}));
  ManagedRoute changed = header_route();
  changed.matches[0].headers.pop_back();
  const auto edit = route_edit(with, kRoute, kServices, {5, {changed, mirror_route()}, kOwned});
  ASSERT_TRUE(edit.has_value());
  ASSERT_FALSE(edit->is_null());
  const Json patched = apply_patch(with, *edit);
  EXPECT_EQ(patched["spec"]["rules"][0]["matches"][0]["headers"].size(), 1U);
  EXPECT_EQ(patched["spec"]["rules"].size(), 4U);
  const Json swapped = apply_patch(
      with, *route_edit(with, kRoute, kServices, {5, {mirror_route(), header_route()}, kOwned}));
  EXPECT_EQ(swapped["spec"]["rules"][0]["name"], "shadow");
}

TEST(GatewayApiRouteEdit, EveryWeightedRuleGetsItsOwnNumberedRule) {
  Json route = user_route();
  Json api = route["spec"]["rules"][1];
  api["matches"] = Json::parse(R"([{"path": {"type": "PathPrefix", "value": "/api"}}])");
  route["spec"]["rules"].push_back(api);
  const Json patched =
      apply_patch(route, *route_edit(route, kRoute, kServices, {5, {header_route()}, kOwned}));
  EXPECT_EQ(patched["spec"]["rules"][0]["name"], "beta");
  EXPECT_EQ(patched["spec"]["rules"][1]["name"], "beta-2");
  EXPECT_EQ(patched["spec"]["rules"][1]["matches"][0]["path"]["value"], "/api");
}

TEST(GatewayApiRouteEdit, LimitsAndWhatARouteCannotSayAreErrorsNamingTheFix) {
  Json route = user_route();
  for (int i = 0; i < 14; ++i)
    route["spec"]["rules"].push_back(route["spec"]["rules"][0]);
  const auto full = route_edit(route, kRoute, kServices, {5, {header_route()}, kOwned});
  ASSERT_FALSE(full.has_value());
  EXPECT_NE(full.error().find("HTTPRoute shop/web would have 17 rules"), std::string::npos)
      << full.error();

  ManagedRoute regex_method = mirror_route();
  regex_method.matches[0].method->type = StringMatch::Type::regex;
  const auto method = route_edit(user_route(), kRoute, kServices, {5, {regex_method}, kOwned});
  ASSERT_FALSE(method.has_value());
  EXPECT_NE(method.error().find("managed route shadow cannot be expressed on HTTPRoute shop/web"),
            std::string::npos)
      << method.error();

  const RouteRef grpc{"GRPCRoute", "shop", "web"};
  const auto path = route_edit(user_route(), grpc, kServices, {5, {mirror_route()}, kOwned});
  ASSERT_FALSE(path.has_value());
  EXPECT_NE(path.error().find("a GRPCRoute matches no"), std::string::npos) << path.error();

  Json taken = user_route();
  taken["spec"]["rules"][1]["matches"][0]["headers"] =
      Json::parse(R"([{"name": "X-Beta", "type": "Exact", "value": "0"}])");
  const auto twice = route_edit(taken, kRoute, kServices, {5, {header_route()}, kOwned});
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().find("already tests header x-beta"), std::string::npos) << twice.error();
}

TEST(GatewayApiRouteEdit, AWeightedRuleOfTheUsersNamedLikeAManagedRouteStaysTheUsers) {
  Json route = user_route();
  route["spec"]["rules"][1]["name"] = "beta";  // carries the traffic; found by the fuzz target
  const auto removal = route_edit(route, kRoute, kServices, {5, {}, kOwned});
  ASSERT_TRUE(removal.has_value()) << removal.error();
  EXPECT_TRUE(removal->is_null()) << "not removed: " << removal->dump();
  const auto clash = route_edit(route, kRoute, kServices, {5, {header_route()}, kOwned});
  ASSERT_FALSE(clash.has_value());
  EXPECT_NE(clash.error().find("HTTPRoute shop/web has a rule of its own named beta"),
            std::string::npos)
      << clash.error();
}

TEST(GatewayApiRouteEdit, ARuleOfTheUsersToAnotherServiceNamedLikeAManagedRouteStaysTheUsers) {
  Json route = user_route();
  route["spec"]["rules"][0]["name"] = "beta";  // the docs rule: not shaped like Cutover's
  const auto removal = route_edit(route, kRoute, kServices, {5, {}, kOwned});
  ASSERT_TRUE(removal.has_value()) << removal.error();
  EXPECT_TRUE(removal->is_null()) << "not removed: " << removal->dump();
  const auto clash = route_edit(route, kRoute, kServices, {5, {header_route()}, kOwned});
  ASSERT_FALSE(clash.has_value());
  EXPECT_NE(clash.error().find("has a rule of its own named beta"), std::string::npos);
}

TEST(GatewayApiRouteEdit, OnlyRulesNamedAfterManagedRoutesAreCutovers) {
  Json route = user_route();
  route["spec"]["rules"][0]["name"] = "beta-docs";  // the user's, though it starts with beta-
  const auto edit = route_edit(route, kRoute, kServices, {5, {}, kOwned});
  ASSERT_TRUE(edit.has_value());
  EXPECT_TRUE(edit->is_null()) << "nothing of Cutover's to remove: " << edit->dump();
}

}  // namespace
}  // namespace cutover::traffic
