// Reading and editing an Istio VirtualService: only the weights of the two destinations that
// name the Services, and Cutover's own named http routes placed right before the route they
// copy; every other field of the user's VirtualService stays as it was.
#include "traffic/istio_route.hpp"

#include <gtest/gtest.h>

#include "traffic/route_edit.hpp"

namespace cutover::traffic {
namespace {

using kube::Json;

const RouteRef kVs{"VirtualService", "shop", "web", {}};
const WeightedServices kServices{"web-stable", "web-canary", "shop"};
const std::vector<std::string> kOwned{"beta", "shadow"};

// A user's VirtualService: a route of another app first, then the weighted route (with a
// retry policy and a match of its own), two hosts and a gateway.
Json user_vs() {
  return Json::parse(R"({
    "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7"},
    "spec": {
      "hosts": ["web.example.com", "web"], "gateways": ["infra/public", "mesh"],
      "http": [
        {"name": "docs", "match": [{"uri": {"prefix": "/docs"}}],
         "route": [{"destination": {"host": "docs"}}]},
        {"name": "primary", "match": [{"uri": {"prefix": "/"}}],
         "retries": {"attempts": 3},
         "route": [{"destination": {"host": "web-stable.shop.svc.cluster.local", "port": {"number": 80}}, "weight": 95},
                   {"destination": {"host": "web-canary", "port": {"number": 80}}, "weight": 5}]}
      ]}})");
}

Json apply_patch(const Json& vs, const Json& patch) {
  for (const auto& op : patch) {
    if (op["op"] == "test") {
      EXPECT_EQ(vs.at(Json::json_pointer(op["path"].get<std::string>())), op["value"]);
    }
  }
  return vs.patch(patch);
}

ManagedRoute header_route() {
  return {ManagedRoute::Kind::header,
          "beta",
          {RouteMatch{.headers = {{"X-Beta", {StringMatch::Type::exact, "1"}},
                                  {"x-team", {StringMatch::Type::prefix, "pay.ments"}}}}},
          0};
}

ManagedRoute mirror_route() {
  return {ManagedRoute::Kind::mirror,
          "shadow",
          {RouteMatch{.method = StringMatch{StringMatch::Type::regex, "GET|HEAD"}},
           RouteMatch{.path = StringMatch{StringMatch::Type::exact, "/checkout"}}},
          35};
}

TEST(IstioRoute, ReadsTheShareOfTheRouteThatNamesBothServices) {
  const auto reading = read_route(user_vs(), kVs, kServices);
  EXPECT_EQ(reading.problem, "");
  EXPECT_EQ(reading.weight, 5);
  EXPECT_EQ(kVs.resource().api_version, "networking.istio.io/v1");
}

TEST(IstioRoute, SaysWhatToFixWhenItCannotRoute) {
  EXPECT_EQ(read_route(Json(), kVs, kServices).problem,
            "VirtualService shop/web not found: create it, or fix the name in "
            "spec.strategy.canary.trafficRouting.istio.virtualService");
  Json other_ns = user_vs();
  other_ns["spec"]["http"][1]["route"][1]["destination"]["host"] = "web-canary.payments";
  EXPECT_EQ(read_route(other_ns, kVs, kServices).problem,
            "VirtualService shop/web has no http route whose destinations name both Services "
            "web-stable and web-canary: add a destination for each (weights 100 and 0) to the "
            "route that carries the traffic");
  Json three = user_vs();
  three["spec"]["http"][1]["route"].push_back({{"destination", {{"host", "legacy"}}}});
  EXPECT_NE(read_route(three, kVs, kServices).problem.find("has 3 destinations"),
            std::string::npos);
  RouteRef named = kVs;
  named.http_routes = {"missing"};
  EXPECT_EQ(read_route(user_vs(), named, kServices).problem,
            "VirtualService shop/web has no http route named missing: fix "
            "spec.strategy.canary.trafficRouting.istio.virtualService.routes");
  named.http_routes = {"docs"};
  EXPECT_NE(read_route(user_vs(), named, kServices).problem.find("http route docs of"),
            std::string::npos);
  named.http_routes = {"primary"};
  EXPECT_EQ(read_route(user_vs(), named, kServices).weight, 5);
}

TEST(IstioRouteEdit, SetsOnlyTheTwoWeightsGuardedByResourceVersionAndHosts) {
  const Json vs = user_vs();
  const auto patch = route_edit(vs, kVs, kServices, {25, {}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  EXPECT_EQ((*patch)[0], Json::parse(R"({"op": "test", "path": "/metadata/resourceVersion",
                                         "value": "7"})"));
  const Json patched = apply_patch(vs, *patch);
  EXPECT_EQ(read_route(patched, kVs, kServices).weight, 25);
  Json expected = vs;
  expected["spec"]["http"][1]["route"][0]["weight"] = 75;
  expected["spec"]["http"][1]["route"][1]["weight"] = 25;
  EXPECT_EQ(patched, expected) << "nothing else changes";
  EXPECT_TRUE(route_edit(patched, kVs, kServices, {25, {}, kOwned})->is_null())
      << "a VirtualService that says so already is not written";
}

TEST(IstioRouteEdit, AHeaderRouteIsANamedRouteRightBeforeTheOneItCopies) {
  const Json vs = user_vs();
  const auto patch = route_edit(vs, kVs, kServices, {5, {header_route()}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  const Json patched = apply_patch(vs, *patch);
  const Json& http = patched["spec"]["http"];
  ASSERT_EQ(http.size(), 3U);
  EXPECT_EQ(http[0], vs["spec"]["http"][0]) << "the user's earlier route keeps its requests";
  EXPECT_EQ(http[1], Json::parse(R"({
    "name": "beta",
    "match": [{"uri": {"prefix": "/"},
               "headers": {"x-beta": {"exact": "1"}, "x-team": {"prefix": "pay.ments"}}}],
    "retries": {"attempts": 3},
    "route": [{"destination": {"host": "web-canary", "port": {"number": 80}}, "weight": 100}]})"));
  EXPECT_EQ(http[2], vs["spec"]["http"][1]);
  EXPECT_TRUE(route_edit(patched, kVs, kServices, {5, {header_route()}, kOwned})->is_null());
  // Removed again, the VirtualService is the user's as it was.
  const Json removed = apply_patch(patched, *route_edit(patched, kVs, kServices, {5, {}, kOwned}));
  EXPECT_EQ(removed, vs);
}

TEST(IstioRouteEdit, AMirrorRouteKeepsTheWeightsAndMirrorsItsShareToTheCanary) {
  const Json vs = user_vs();
  const auto patch = route_edit(vs, kVs, kServices, {20, {header_route(), mirror_route()}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  const Json patched = apply_patch(vs, *patch);
  const Json& http = patched["spec"]["http"];
  ASSERT_EQ(http.size(), 4U);
  EXPECT_EQ(http[1]["name"], "beta") << "managedRoutes order is precedence";
  EXPECT_EQ(http[2], Json::parse(R"({
    "name": "shadow",
    "match": [{"uri": {"prefix": "/"}, "method": {"regex": "GET|HEAD"}},
              {"uri": {"exact": "/checkout"}}],
    "retries": {"attempts": 3},
    "route": [{"destination": {"host": "web-stable.shop.svc.cluster.local", "port": {"number": 80}}, "weight": 80},
              {"destination": {"host": "web-canary", "port": {"number": 80}}, "weight": 20}],
    "mirror": {"host": "web-canary", "port": {"number": 80}},
    "mirrorPercentage": {"value": 35}})"));
  EXPECT_EQ(read_route(patched, kVs, kServices).weight, 20);
  // A new weight rewrites the mirror copy too; the order swapped moves both.
  const Json moved = apply_patch(
      patched,
      *route_edit(patched, kVs, kServices, {50, {mirror_route(), header_route()}, kOwned}));
  EXPECT_EQ(moved["spec"]["http"][1]["name"], "shadow");
  EXPECT_EQ(moved["spec"]["http"][1]["route"][1]["weight"], 50);
  EXPECT_EQ(moved["spec"]["http"][2]["name"], "beta");
  EXPECT_EQ(moved["spec"]["http"][3]["route"][1]["weight"], 50);
  EXPECT_TRUE(
      route_edit(moved, kVs, kServices, {50, {mirror_route(), header_route()}, kOwned})->is_null());
}

TEST(IstioRouteEdit, EveryWeightedRouteGetsItsCopyNamedWithASuffix) {
  Json vs = user_vs();
  Json second = vs["spec"]["http"][1];
  second["name"] = "api";
  second["match"] = Json::parse(R"([{"uri": {"prefix": "/api"}}])");
  vs["spec"]["http"].insert(vs["spec"]["http"].begin() + 1, second);
  const Json patched =
      apply_patch(vs, *route_edit(vs, kVs, kServices, {5, {header_route()}, kOwned}));
  const Json& http = patched["spec"]["http"];
  ASSERT_EQ(http.size(), 5U);
  EXPECT_EQ(http[1]["name"], "beta");
  EXPECT_EQ(http[1]["match"][0]["uri"]["prefix"], "/api");
  EXPECT_EQ(http[2]["name"], "api");
  EXPECT_EQ(http[3]["name"], "beta-2");
  EXPECT_EQ(http[4]["name"], "primary");
}

TEST(IstioRouteEdit, RefusesWhatItCannotExpressNamingTheFix) {
  Json taken = user_vs();
  taken["spec"]["http"][1]["match"][0]["headers"] = {{"x-beta", {{"exact", "0"}}}};
  const auto twice = route_edit(taken, kVs, kServices, {5, {header_route()}, kOwned});
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().find("already tests header x-beta"), std::string::npos);

  Json mirrored = user_vs();
  mirrored["spec"]["http"][1]["mirror"] = {{"host", "audit"}};
  const auto mirror = route_edit(mirrored, kVs, kServices, {5, {mirror_route()}, kOwned});
  ASSERT_FALSE(mirror.has_value());
  EXPECT_NE(mirror.error().find("http route primary mirrors requests already"), std::string::npos);

  Json clash = user_vs();
  clash["spec"]["http"][0]["name"] = "beta";
  const auto named = route_edit(clash, kVs, kServices, {5, {header_route()}, kOwned});
  ASSERT_FALSE(named.has_value());
  EXPECT_NE(named.error().find("has an http route of its own named beta"), std::string::npos);
}

TEST(IstioRouteEdit, AWeightedRouteOfTheUsersNamedLikeAManagedOneStaysTheirs) {
  Json vs = user_vs();
  vs["spec"]["http"][1]["name"] = "shadow";
  const auto patch = route_edit(vs, kVs, kServices, {5, {}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  EXPECT_TRUE(patch->is_null()) << "not removed: it carries the traffic";
}

TEST(IstioRouteEdit, ALeftoverMirrorCopyDoesNotStandInForTheUsersRoute) {
  // Found by the fuzz target: the user's route no longer names the canary, and only Cutover's
  // own mirror copy still names both Services. Removing the copy must not leave a route that
  // reads as fine: the edit says what to fix.
  const Json vs = user_vs();
  Json with = apply_patch(vs, *route_edit(vs, kVs, kServices, {20, {mirror_route()}, kOwned}));
  with["spec"]["http"][2]["route"][1]["destination"]["host"] = "web-legacy";
  const auto edit = route_edit(with, kVs, kServices, {20, {}, kOwned});
  ASSERT_FALSE(edit.has_value());
  EXPECT_NE(edit.error().find("has no http route whose destinations name both Services"),
            std::string::npos);
}

// Subset level (istio.destinationRule): one host, the destinations told apart by subset.
const WeightedServices kSubsets{
    .stable = "stable", .canary = "canary", .namespace_name = "shop", .destination_rule = "web"};

Json subset_vs() {
  return Json::parse(R"({
    "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "9"},
    "spec": {"hosts": ["web"], "http": [
      {"name": "legacy", "match": [{"uri": {"prefix": "/old"}}],
       "route": [{"destination": {"host": "web", "subset": "v1"}}]},
      {"name": "primary", "timeout": "3s",
       "route": [{"destination": {"host": "web", "subset": "stable"}, "weight": 100},
                 {"destination": {"host": "web", "subset": "canary"}, "weight": 0}]}]}})");
}

TEST(IstioRouteSubsets, SetsTheWeightsOfTheTwoSubsetsGuardedByTheirSubsets) {
  const Json vs = subset_vs();
  EXPECT_EQ(read_route(vs, kVs, kSubsets).weight, 0);
  const auto patch = route_edit(vs, kVs, kSubsets, {30, {}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  EXPECT_NE(patch->dump().find(R"("path":"/spec/http/1/route/1/destination/subset")"),
            std::string::npos)
      << patch->dump();
  const Json patched = apply_patch(vs, *patch);
  Json expected = vs;
  expected["spec"]["http"][1]["route"][0]["weight"] = 70;
  expected["spec"]["http"][1]["route"][1]["weight"] = 30;
  EXPECT_EQ(patched, expected) << "nothing else changes";
  EXPECT_EQ(read_route(patched, kVs, kSubsets).weight, 30);
}

TEST(IstioRouteSubsets, HeaderAndMirrorRoutesGoToTheCanarySubset) {
  const Json vs = subset_vs();
  const Json patched = apply_patch(
      vs, *route_edit(vs, kVs, kSubsets, {10, {header_route(), mirror_route()}, kOwned}));
  const Json& http = patched["spec"]["http"];
  ASSERT_EQ(http.size(), 4U);
  EXPECT_EQ(http[1]["name"], "beta");
  EXPECT_EQ(
      http[1]["route"],
      Json::parse(R"([{"destination": {"host": "web", "subset": "canary"}, "weight": 100}])"));
  EXPECT_EQ(http[2]["name"], "shadow");
  EXPECT_EQ(http[2]["mirror"], Json::parse(R"({"host": "web", "subset": "canary"})"));
  EXPECT_EQ(http[0], vs["spec"]["http"][0]) << "a route to another subset is the user's";
  const Json removed = apply_patch(patched, *route_edit(patched, kVs, kSubsets, {0, {}, kOwned}));
  EXPECT_EQ(removed, vs) << "the user's VirtualService as it was";
}

TEST(IstioRouteSubsets, ADestinationWithoutAHostIsGuardedByItsSubsetAlone) {
  Json vs = subset_vs();
  vs["spec"]["http"][1]["route"][0]["destination"].erase("host");  // found by fuzz_route_edit
  const auto patch = route_edit(vs, kVs, kSubsets, {30, {}, kOwned});
  ASSERT_TRUE(patch.has_value()) << patch.error();
  const Json patched = apply_patch(vs, *patch);
  EXPECT_EQ(read_route(patched, kVs, kSubsets).weight, 30);
}

TEST(IstioRouteSubsets, SaysWhichSubsetsItLooksFor) {
  Json vs = subset_vs();
  vs["spec"]["http"][1]["route"][1]["destination"]["subset"] = "v2";
  const RouteReading reading = read_route(vs, kVs, kSubsets);
  EXPECT_FALSE(reading.weight);
  EXPECT_NE(reading.problem.find("subsets stable and canary of DestinationRule shop/web"),
            std::string::npos)
      << reading.problem;
  // A host-level Rollout does not take a subset's destination for its Service.
  const WeightedServices hosts{"web", "web-canary", "shop"};
  EXPECT_FALSE(read_route(subset_vs(), kVs, hosts).weight);
}

}  // namespace
}  // namespace cutover::traffic
