// Parsing Rollouts: good objects round-trip, bad ones name the field and the fix.
#include "rollout/rollout_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rollout/plan.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using ::testing::HasSubstr;

// Subset-level routing: no stableService/canaryService, istio.destinationRule = `rule`.
void route_by_subsets(Json& o, const Json& rule) {
  auto& canary = o["spec"]["strategy"]["canary"];
  canary.erase("stableService");
  canary.erase("canaryService");
  canary["trafficRouting"] = {
      {"istio", {{"virtualService", {{"name", "web"}}}, {"destinationRule", rule}}}};
}

TEST(RolloutJson, ParsesCanaryWithDefaults) {
  auto rollout = parse_rollout(
      testing::canary_rollout_json(3,
                                   Json::array({{{"setWeight", 20}},
                                                {{"pause", {{"duration", "1m30s"}}}},
                                                {{"pause", {}}},
                                                {{"setCanaryScale", {{"replicas", 2}}}}}),
                                   "web:1"));
  ASSERT_TRUE(rollout) << rollout.error().describe();
  EXPECT_EQ(rollout->name, "web");
  EXPECT_EQ(rollout->spec.replicas, 3);
  EXPECT_EQ(rollout->spec.progress_deadline_seconds, 600);
  const auto& steps = rollout->spec.canary().steps;
  ASSERT_EQ(steps.size(), 4U);
  EXPECT_EQ(steps[0].weight, 20);
  EXPECT_EQ(steps[1].pause_duration, std::chrono::seconds{90});
  EXPECT_FALSE(steps[2].pause_duration.has_value());
  EXPECT_EQ(steps[3].scale_replicas, 2);
}

TEST(RolloutJson, ReadsGatewayApiRoutesWithTheirNamespaces) {
  Json object = testing::canary_rollout_json(3, Json::array({{{"setWeight", 5}}}), "web:1");
  object["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"gatewayAPI",
       {{"httpRoutes", Json::array({{{"name", "web"}}, {{"name", "edge"}, {"namespace", "gw"}}})},
        {"grpcRoutes", Json::array({{{"name", "web-grpc"}}})}}}};
  auto rollout = parse_rollout(object);
  ASSERT_TRUE(rollout) << rollout.error().describe();
  EXPECT_EQ(rollout->spec.canary().routes,
            (std::vector<traffic::RouteRef>{{"HTTPRoute", "shop", "web"},
                                            {"HTTPRoute", "gw", "edge"},
                                            {"GRPCRoute", "shop", "web-grpc"}}));
}

TEST(RolloutJson, ReadsIstioVirtualServicesWithTheirRoutes) {
  Json object = testing::canary_rollout_json(3, Json::array(), "web:1");
  object["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"istio",
       {{"virtualService", {{"name", "web"}, {"routes", Json::array({"primary", "api"})}}},
        {"virtualServices", Json::array({{{"name", "web-internal"}}})}}},
      {"managedRoutes", Json::array({{{"name", "shadow"}}})}};
  // Istio matches a method by regex (Gateway API refuses it: the malformed cases below).
  object["spec"]["strategy"]["canary"]["steps"] = Json::parse(R"([
    {"setMirrorRoute": {"name": "shadow", "percentage": 10,
                        "match": [{"method": {"regex": "GET|HEAD"}}]}}])");
  auto rollout = parse_rollout(object);
  ASSERT_TRUE(rollout) << rollout.error().describe();
  EXPECT_EQ(rollout->spec.canary().routes,
            (std::vector<traffic::RouteRef>{{"VirtualService", "shop", "web", {"primary", "api"}},
                                            {"VirtualService", "shop", "web-internal", {}}}));
  EXPECT_EQ(rollout->spec.canary().routes[0].resource().api_version, "networking.istio.io/v1");
  EXPECT_EQ(rollout->spec.canary().steps[0].route.matches[0].method->type,
            traffic::StringMatch::Type::regex);
}

TEST(RolloutJson, ReadsIstioSubsetsInThePlacesOfTheServices) {
  Json object = testing::canary_rollout_json(3, Json::array({{{"setWeight", 5}}}), "web:1");
  route_by_subsets(
      object, {{"name", "web-dr"}, {"stableSubsetName", "stable"}, {"canarySubsetName", "canary"}});
  auto rollout = parse_rollout(object);
  ASSERT_TRUE(rollout) << rollout.error().describe();
  EXPECT_EQ(rollout->spec.canary().destination_rule, "web-dr");
  EXPECT_EQ(rollout->spec.canary().stable_service, "stable");
  EXPECT_EQ(rollout->spec.canary().canary_service, "canary");
  EXPECT_EQ(strategy_services(rollout->spec), (std::vector<std::string>{"stable", "canary"}));
}

TEST(RolloutJson, ReadsAnNginxIngressWithItsAnnotations) {
  Json object = testing::canary_rollout_json(3, Json::array(), "web:1");
  object["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"nginx",
       {{"stableIngress", "web"},
        {"additionalIngressAnnotations", {{"upstream-hash-by", "$remote_addr"}}}}},
      {"managedRoutes", Json::array({{{"name", "beta"}}})}};
  object["spec"]["strategy"]["canary"]["steps"] = Json::parse(R"([{"setHeaderRoute": {
    "name": "beta", "match": [{"headerName": "x-beta", "headerValue": {"regex": "^(1|yes)$"}}]}}])");
  auto rollout = parse_rollout(object);
  ASSERT_TRUE(rollout) << rollout.error().describe();
  ASSERT_EQ(rollout->spec.canary().routes.size(), 1U);
  const auto& ingress = rollout->spec.canary().routes[0];
  EXPECT_EQ(ingress.describe(), "Ingress shop/web");
  EXPECT_EQ(ingress.resource().api_version, "networking.k8s.io/v1");
  EXPECT_EQ(ingress.canary_annotations.at("upstream-hash-by"), "$remote_addr");
}

TEST(RolloutJson, ReadsHeaderAndMirrorRoutes) {
  Json object = testing::canary_rollout_json(3, Json::array(), "web:1");
  object["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"gatewayAPI", {{"httpRoutes", Json::array({{{"name", "web"}}})}}},
      {"managedRoutes", Json::array({{{"name", "beta"}}, {{"name", "shadow"}}})}};
  object["spec"]["strategy"]["canary"]["steps"] = Json::parse(R"([
    {"setHeaderRoute": {"name": "beta", "match": [
      {"headerName": "x-beta", "headerValue": {"exact": "1"}},
      {"headerName": "x-team", "headerValue": {"prefix": "pay"}}]}},
    {"setMirrorRoute": {"name": "shadow", "percentage": 35, "match": [
      {"method": {"exact": "GET"}, "path": {"prefix": "/api"}},
      {"headers": {"x-shadow": {"regex": "^on$"}}}]}},
    {"setHeaderRoute": {"name": "beta"}},
    {"setMirrorRoute": {"name": "shadow"}}])");
  auto rollout = parse_rollout(object);
  ASSERT_TRUE(rollout) << rollout.error().describe();
  const auto& canary = rollout->spec.canary();
  EXPECT_EQ(canary.managed_routes, (std::vector<std::string>{"beta", "shadow"}));
  using traffic::StringMatch;
  const auto& header = canary.steps[0].route;
  EXPECT_EQ(header.kind, traffic::ManagedRoute::Kind::header);
  ASSERT_EQ(header.matches.size(), 1U) << "one block: its headers are ANDed";
  EXPECT_EQ(header.matches[0].headers,
            (std::vector<traffic::HeaderMatch>{{"x-beta", {StringMatch::Type::exact, "1"}},
                                               {"x-team", {StringMatch::Type::prefix, "pay"}}}));
  const auto& mirror = canary.steps[1].route;
  EXPECT_EQ(mirror.kind, traffic::ManagedRoute::Kind::mirror);
  EXPECT_EQ(mirror.mirror_percent, 35);
  ASSERT_EQ(mirror.matches.size(), 2U) << "two blocks, ORed";
  EXPECT_EQ(mirror.matches[0].method, (StringMatch{StringMatch::Type::exact, "GET"}));
  EXPECT_EQ(mirror.matches[0].path, (StringMatch{StringMatch::Type::prefix, "/api"}));
  EXPECT_EQ(mirror.matches[1].headers[0].value, (StringMatch{StringMatch::Type::regex, "^on$"}));
  EXPECT_TRUE(canary.steps[2].route.matches.empty()) << "no match: remove";
  EXPECT_EQ(canary.steps[3].kind, CanaryStep::Kind::set_mirror_route);
}

TEST(RolloutJson, StatusRoundTrips) {
  auto object = testing::blue_green_rollout_json(2, "pay:1", true);
  object["status"] = {
      {"phase", "Paused"},
      {"stableRevision", "abc"},
      {"stableSlot", "b"},
      {"abort", true},
      {"abortedAt", "2026-11-22T01:02:03Z"},
      {"pauseConditions",
       Json::array({{{"reason", "BlueGreenPause"}, {"startTime", "2026-11-22T01:00:00Z"}}})},
      {"history", Json::array({{{"revision", "abc"},
                                {"images", {"pay:1"}},
                                {"startedAt", "2026-11-22T00:00:00Z"},
                                {"result", "Promoted"}}})},
      {"canary",
       {{"weights", Json::array({{{"route", "HTTPRoute shop/web"}, {"weight", 5}},
                                 {{"route", "HTTPRoute shop/edge"}}})}}}};
  auto rollout = parse_rollout(object);
  ASSERT_TRUE(rollout) << rollout.error().describe();
  EXPECT_EQ(rollout->status.phase, Phase::paused);
  EXPECT_EQ(rollout->status.stable_slot, Slot::b);
  const Json back = status_to_json(rollout->status);
  EXPECT_EQ(back["abortedAt"], "2026-11-22T01:02:03Z");
  EXPECT_EQ(back["pauseConditions"][0]["reason"], "BlueGreenPause");
  EXPECT_EQ(back["history"][0]["images"][0], "pay:1");
  EXPECT_EQ(back["canary"], object["status"]["canary"]) << "a weight not read stays out";
  EXPECT_EQ(
      parse_rollout(Json{{"metadata", {{"name", "x"}}}, {"spec", object["spec"]}, {"status", back}})
          ->status.abort,
      true);
}

// A canary through HTTPRoute web with managedRoutes [beta] and `step` as its only step.
void with_managed_route(Json& o, const Json& step) {
  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"gatewayAPI", {{"httpRoutes", Json::array({{{"name", "web"}}})}}},
      {"managedRoutes", Json::array({{{"name", "beta"}}})}};
  o["spec"]["strategy"]["canary"]["steps"] = Json::array({step});
}

struct BadCase {
  const char* name;
  std::function<void(Json&)> mutate;
  const char* field;
  const char* message;
};

// Keeps CTest's test names readable (gtest would print the bytes of the struct).
void PrintTo(const BadCase& c, std::ostream* out) {
  *out << c.name;
}

class RolloutJsonMalformed : public ::testing::TestWithParam<BadCase> {};

TEST_P(RolloutJsonMalformed, NamesTheField) {
  Json object = testing::canary_rollout_json(2, Json::array({{{"setWeight", 10}}}), "web:1");
  GetParam().mutate(object);
  auto rollout = parse_rollout(object);
  ASSERT_FALSE(rollout) << GetParam().name;
  EXPECT_EQ(rollout.error().field, GetParam().field);
  EXPECT_THAT(rollout.error().message, HasSubstr(GetParam().message));
  EXPECT_THAT(rollout.error().describe(), HasSubstr("rollout shop/web"));
}

INSTANTIATE_TEST_SUITE_P(
    All, RolloutJsonMalformed,
    ::testing::Values(
        BadCase{"no spec", [](Json& o) { o.erase("spec"); }, "spec", "missing"},
        BadCase{"an SMI router",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"smi", {{"rootService", "web"}}}};
                },
                "spec.strategy.canary.trafficRouting.smi", "not supported"},
        BadCase{"NGINX without its Ingress",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {{"nginx", Json::object()}};
                },
                "spec.strategy.canary.trafficRouting.nginx.stableIngress", "is required"},
        BadCase{"NGINX with a canary annotation of its own",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"nginx",
                       {{"stableIngress", "web"},
                        {"additionalIngressAnnotations", {{"canary-weight", "50"}}}}}};
                },
                "spec.strategy.canary.trafficRouting.nginx.additionalIngressAnnotations[canary-"
                "weight]",
                "is an annotation Cutover sets from the steps"},
        BadCase{"NGINX with a mirror route",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"nginx", {{"stableIngress", "web"}}},
                      {"managedRoutes", Json::array({{{"name", "beta"}}})}};
                  o["spec"]["strategy"]["canary"]["steps"] = Json::array(
                      {{{"setMirrorRoute",
                         {{"name", "beta"},
                          {"match", Json::array({{{"method", {{"exact", "GET"}}}}})}}}}});
                },
                "spec.strategy.canary.steps[0].setMirrorRoute",
                "an Ingress-NGINX canary cannot mirror requests (trafficRouting.nginx)"},
        BadCase{"NGINX with a header route of two headers",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"nginx", {{"stableIngress", "web"}}},
                      {"managedRoutes", Json::array({{{"name", "beta"}}})}};
                  o["spec"]["strategy"]["canary"]["steps"] = Json::parse(R"([{"setHeaderRoute": {
                    "name": "beta", "match": [
                      {"headerName": "x-a", "headerValue": {"exact": "1"}},
                      {"headerName": "x-b", "headerValue": {"exact": "1"}}]}}])");
                },
                "spec.strategy.canary.steps[0].setHeaderRoute", "routes by one header"},
        BadCase{
            "Istio subsets",
            [](Json& o) {
              o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                  {"istio",
                   {{"virtualService", {{"name", "web"}}},
                    {"destinationRule",
                     {{"name", "web"}, {"canarySubsetName", "c"}, {"stableSubsetName", "s"}}}}}};
            },
            "spec.strategy.canary.trafficRouting.istio.destinationRule",
            "the subsets take the places of stableService and canaryService"},
        BadCase{"Istio subsets without a name",
                [](Json& o) {
                  route_by_subsets(o, {{"canarySubsetName", "c"}, {"stableSubsetName", "s"}});
                },
                "spec.strategy.canary.trafficRouting.istio.destinationRule.name", "is required"},
        BadCase{"Istio subsets, one subset twice",
                [](Json& o) {
                  route_by_subsets(
                      o, {{"name", "web"}, {"canarySubsetName", "s"}, {"stableSubsetName", "s"}});
                },
                "spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName",
                "is the same subset as stableSubsetName"},
        BadCase{"Istio subsets as a string", [](Json& o) { route_by_subsets(o, "web"); },
                "spec.strategy.canary.trafficRouting.istio.destinationRule", "must be an object"},
        BadCase{"Istio without a VirtualService",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {{"istio", Json::object()}};
                },
                "spec.strategy.canary.trafficRouting.istio", "names no VirtualService"},
        BadCase{"a VirtualService's routes as a string",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"istio", {{"virtualService", {{"name", "web"}, {"routes", "primary"}}}}}};
                },
                "spec.strategy.canary.trafficRouting.istio.virtualService.routes",
                "must be a list of http route names"},
        BadCase{"a VirtualService named twice",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"istio",
                       {{"virtualService", {{"name", "web"}}},
                        {"virtualServices", Json::array({{{"name", "web"}}})}}}};
                },
                "spec.strategy.canary.trafficRouting.istio.virtualServices[0]",
                "names VirtualService shop/web twice"},
        BadCase{"two routers",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"istio", {{"virtualService", {{"name", "web"}}}}},
                      {"gatewayAPI", {{"httpRoutes", Json::array({{{"name", "web"}}})}}}};
                },
                "spec.strategy.canary.trafficRouting",
                "sets more than one of gatewayAPI, istio and nginx"},
        BadCase{"a route without a name",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"gatewayAPI", {{"httpRoutes", Json::array({Json::object()})}}}};
                },
                "spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes[0].name", "required"},
        BadCase{"routes but no canaryService",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"].erase("canaryService");
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"gatewayAPI", {{"httpRoutes", Json::array({{{"name", "web"}}})}}}};
                },
                "spec.strategy.canary.trafficRouting",
                "needs both stableService and canaryService"},
        BadCase{"no routes",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["trafficRouting"] = {
                      {"gatewayAPI", {{"httpRoutes", Json::array()}}}};
                },
                "spec.strategy.canary.trafficRouting.gatewayAPI", "names no route"},
        BadCase{"a flag binding without otherVariant",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["flags"] = Json::array(
                      {{{"featureFlag", "checkout"}, {"flag", "new-checkout"}, {"variant", "on"}}});
                },
                "spec.strategy.canary.flags[0].otherVariant", "is required"},
        BadCase{"a flag binding whose two variants are one",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["flags"] =
                      Json::array({{{"featureFlag", "checkout"},
                                    {"flag", "new-checkout"},
                                    {"variant", "on"},
                                    {"otherVariant", "on"}}});
                },
                "spec.strategy.canary.flags[0].otherVariant", "same variant"},
        BadCase{"an unknown onPromotion",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["flags"] =
                      Json::array({{{"featureFlag", "checkout"},
                                    {"flag", "new-checkout"},
                                    {"variant", "on"},
                                    {"otherVariant", "off"},
                                    {"onPromotion", "always"}}});
                },
                "spec.strategy.canary.flags[0].onPromotion", "not one of promote, keep, reset"},
        BadCase{"a flag bound twice",
                [](Json& o) {
                  const Json binding = {{"featureFlag", "checkout"},
                                        {"flag", "new-checkout"},
                                        {"variant", "on"},
                                        {"otherVariant", "off"}};
                  o["spec"]["strategy"]["canary"]["flags"] = Json::array({binding, binding});
                },
                "spec.strategy.canary.flags[1]", "binds flag new-checkout of FeatureFlag checkout"},
        BadCase{"flags that are not a list",
                [](Json& o) { o["spec"]["strategy"]["canary"]["flags"] = "checkout"; },
                "spec.strategy.canary.flags", "must be a list"},
        BadCase{"a header route that managedRoutes does not list",
                [](Json& o) {
                  with_managed_route(o, {{"setHeaderRoute", {{"name", "alpha"}}}});
                },
                "spec.strategy.canary.steps[0].setHeaderRoute.name",
                "\"alpha\" is not in trafficRouting.managedRoutes"},
        BadCase{"a header route without trafficRouting",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["steps"] =
                      Json::array({{{"setHeaderRoute", {{"name", "beta"}}}}});
                },
                "spec.strategy.canary.steps[0].setHeaderRoute.name", "needs trafficRouting"},
        BadCase{"a header value with two kinds",
                [](Json& o) {
                  with_managed_route(
                      o,
                      {{"setHeaderRoute",
                        {{"name", "beta"},
                         {"match",
                          Json::array({{{"headerName", "x-beta"},
                                        {"headerValue", {{"exact", "1"}, {"regex", "1|2"}}}}})}}}});
                },
                "spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerValue",
                "must set exactly one of exact, prefix, regex"},
        BadCase{"a header name with a space",
                [](Json& o) {
                  with_managed_route(
                      o, {{"setHeaderRoute",
                           {{"name", "beta"},
                            {"match", Json::array({{{"headerName", "x beta"},
                                                    {"headerValue", {{"exact", "1"}}}}})}}}});
                },
                "spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerName",
                "is not a header name"},
        BadCase{"a mirror route matching a method by regex",
                [](Json& o) {
                  with_managed_route(
                      o, {{"setMirrorRoute",
                           {{"name", "beta"},
                            {"match", Json::array({{{"method", {{"regex", "GET|HEAD"}}}}})}}}});
                },
                "spec.strategy.canary.steps[0].setMirrorRoute.match[0].method",
                "can only be exact: the gatewayAPI router"},
        BadCase{
            "a mirror of 150%",
            [](Json& o) {
              with_managed_route(o, {{"setMirrorRoute", {{"name", "beta"}, {"percentage", 150}}}});
            },
            "spec.strategy.canary.steps[0].setMirrorRoute.percentage", "outside 0..100"},
        BadCase{"a managed route that cannot name a rule",
                [](Json& o) {
                  with_managed_route(o, {{"setWeight", 5}});
                  o["spec"]["strategy"]["canary"]["trafficRouting"]["managedRoutes"][0]["name"] =
                      "Beta_1";
                },
                "spec.strategy.canary.trafficRouting.managedRoutes[0].name",
                "\"Beta_1\" cannot name a route rule"},
        BadCase{"weight 150",
                [](Json& o) { o["spec"]["strategy"]["canary"]["steps"][0]["setWeight"] = 150; },
                "spec.strategy.canary.steps[0].setWeight", "outside 0..100"},
        BadCase{
            "two kinds in a step",
            [](Json& o) { o["spec"]["strategy"]["canary"]["steps"][0]["pause"] = Json::object(); },
            "spec.strategy.canary.steps[0]", "exactly one of"},
        BadCase{"bad pause duration",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["steps"] =
                      Json::array({{{"pause", {{"duration", "soon"}}}}});
                },
                "spec.strategy.canary.steps[0].pause.duration", "not a duration"},
        BadCase{"both strategies",
                [](Json& o) {
                  o["spec"]["strategy"]["blueGreen"] = {{"activeService", "a"}};
                },
                "spec.strategy", "exactly one of canary and blueGreen"},
        BadCase{"no strategy", [](Json& o) { o["spec"]["strategy"] = Json::object(); },
                "spec.strategy", "exactly one of"},
        BadCase{"same services",
                [](Json& o) { o["spec"]["strategy"]["canary"]["canaryService"] = "web-stable"; },
                "spec.strategy.canary.canaryService", "same Service"},
        BadCase{"negative replicas", [](Json& o) { o["spec"]["replicas"] = -1; }, "spec.replicas",
                "outside"},
        BadCase{"replicas as string", [](Json& o) { o["spec"]["replicas"] = "3"; }, "spec.replicas",
                "must be an integer"},
        BadCase{"template and workloadRef",
                [](Json& o) {
                  o["spec"]["workloadRef"] = {{"name", "legacy"}};
                },
                "spec.template", "exactly one of"},
        BadCase{"workloadRef of a StatefulSet",
                [](Json& o) {
                  o["spec"].erase("template");
                  o["spec"]["workloadRef"] = {{"name", "legacy"}, {"kind", "StatefulSet"}};
                },
                "spec.workloadRef.kind", "cannot be adopted"},
        BadCase{"workloadRef without name",
                [](Json& o) {
                  o["spec"].erase("template");
                  o["spec"]["workloadRef"] = {{"kind", "Deployment"}};
                },
                "spec.workloadRef.name", "is required"},
        BadCase{"steps not a list",
                [](Json& o) { o["spec"]["strategy"]["canary"]["steps"] = "fast"; },
                "spec.strategy.canary.steps", "must be a list"},
        BadCase{"canary scale with two fields",
                [](Json& o) {
                  o["spec"]["strategy"]["canary"]["steps"] =
                      Json::array({{{"setCanaryScale", {{"replicas", 1}, {"weight", 5}}}}});
                },
                "spec.strategy.canary.steps[0].setCanaryScale", "exactly one of"},
        BadCase{"paused not bool", [](Json& o) { o["spec"]["paused"] = "yes"; }, "spec.paused",
                "true or false"}),
    [](const auto& param_info) {
      std::string name = param_info.param.name;
      for (auto& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)))
          c = '_';
      }
      return name;
    });

TEST(RolloutJson, GarbageNeverThrows) {
  for (const Json& garbage : {Json(), Json(3), Json::array(), Json{{"spec", 1}},
                              Json{{"spec", {{"strategy", {{"canary", {{"steps", {1, 2}}}}}}}}},
                              Json{{"metadata", 5}, {"spec", Json::object()}}}) {
    EXPECT_FALSE(parse_rollout(garbage).has_value()) << garbage.dump();
  }
}

TEST(TemplateRevision, StableAcrossKeyOrderAndChangesWithContent) {
  const Json a =
      Json::parse(R"({"spec":{"containers":[{"name":"w","image":"x:1"}]},"metadata":{}})");
  const Json b =
      Json::parse(R"({"metadata":{},"spec":{"containers":[{"image":"x:1","name":"w"}]}})");
  EXPECT_EQ(template_revision(a), template_revision(b));
  EXPECT_EQ(template_revision(a).size(), 10U);
  Json c = a;
  c["spec"]["containers"][0]["image"] = "x:2";
  EXPECT_NE(template_revision(a), template_revision(c));
}

}  // namespace
}  // namespace cutover::rollout
