// A Migration's path on each router: Cutover's one rule (an HTTPRoute rule, a VirtualService
// http route, a canary Ingress) exists only while requests move or are mirrored, copies the
// user's rule that carries the path today, and leaves everything else of the user's as it was.
#include "traffic/migration_route.hpp"

#include <gtest/gtest.h>

#include "traffic/nginx_route.hpp"
#include "traffic/route_edit.hpp"

namespace cutover::traffic {
namespace {

using kube::Json;

PathMove payments_move() {
  PathMove move;
  move.rule = "migration-payments";
  move.from_port = 8080;
  move.to_port = 80;
  move.matches = {RouteMatch{.path = StringMatch{StringMatch::Type::prefix, "/payments"}}};
  return move;
}

WeightedServices services(PathMove move = payments_move()) {
  return {"monolith", "payments", "shop", "payments", "uid-1", std::move(move)};
}

const RouteRef kRoute{"HTTPRoute", "shop", "web"};
const RouteRef kVs{kVirtualServiceKind, "shop", "web"};
const RouteRef kIngress{kIngressKind, "shop", "web"};

// A user's HTTPRoute: /accounts and everything else to the monolith (the catch-all with a
// header filter and a timeout), /docs elsewhere, two parents.
Json user_route() {
  return Json::parse(R"({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "42"},
    "spec": {
      "parentRefs": [{"name": "public"}, {"name": "internal", "namespace": "infra"}],
      "rules": [
        {"matches": [{"path": {"type": "PathPrefix", "value": "/docs"}}],
         "backendRefs": [{"name": "docs", "port": 80}]},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
         "filters": [{"type": "RequestHeaderModifier",
                      "requestHeaderModifier": {"add": [{"name": "x-legacy", "value": "1"}]}}],
         "timeouts": {"request": "10s"},
         "backendRefs": [{"name": "monolith", "port": 8080}]}
      ]}})");
}

// Applies `patch` as the API server would, checking its `test` operations hold.
Json apply_patch(const Json& object, const Json& patch) {
  for (const auto& op : patch) {
    if (op["op"] == "test") {
      EXPECT_EQ(object.at(Json::json_pointer(op["path"].get<std::string>())), op["value"]);
    }
  }
  Json out = object.patch(patch);
  out["metadata"]["resourceVersion"] = "43";
  return out;
}

// Edits `object` to say `weight` (and `mirror` percent, if any) and returns it as written.
Json edited(const Json& object, const RouteRef& ref, const WeightedServices& s, int weight,
            int mirror = 0) {
  RouteTarget target{weight, {}, {}};
  if (mirror > 0)
    target.managed.push_back({ManagedRoute::Kind::mirror, "shadow", {}, mirror});
  auto patch = route_edit(object, ref, s, target);
  EXPECT_TRUE(patch) << patch.error();
  if (!patch || patch->is_null())
    return object;
  Json out = apply_patch(object, *patch);
  EXPECT_EQ(route_edit(out, ref, s, target).value_or(Json("not null")), Json())
      << "a second edit writes nothing";
  return out;
}

TEST(MigrationRoute, GatewayReadsZeroUntilCutoverAddsItsRule) {
  const auto reading = read_route(user_route(), kRoute, services());
  EXPECT_EQ(reading.problem, "");
  EXPECT_EQ(reading.weight, 0);
  EXPECT_EQ(route_edit(user_route(), kRoute, services(), {0, {}, {}}).value(), Json());
}

TEST(MigrationRoute, GatewayAddsARuleFirstThatCopiesTheCatchAllAndSplitsThePath) {
  const Json route = edited(user_route(), kRoute, services(), 5);
  const Json& rule = route["spec"]["rules"][0];
  EXPECT_EQ(rule["name"], "migration-payments");
  EXPECT_EQ(rule["matches"],
            Json::parse(R"([{"path": {"type": "PathPrefix", "value": "/payments"}}])"));
  EXPECT_EQ(rule["backendRefs"], Json::parse(R"([{"name": "monolith", "port": 8080, "weight": 95},
                                                 {"name": "payments", "port": 80, "weight": 5}])"));
  EXPECT_EQ(rule["filters"], user_route()["spec"]["rules"][1]["filters"]);
  EXPECT_EQ(rule["timeouts"], user_route()["spec"]["rules"][1]["timeouts"]);
  // The user's rules and parents, byte for byte, after it.
  Json rest = route;
  rest["spec"]["rules"].erase(0);
  rest["metadata"]["resourceVersion"] = "42";
  EXPECT_EQ(rest, user_route());
  EXPECT_EQ(read_route(route, kRoute, services()).weight, 5);
}

TEST(MigrationRoute, GatewayWeightZeroRemovesTheRuleAndLeavesTheUsersRouteAsItWas) {
  const Json at_50 = edited(edited(user_route(), kRoute, services(), 5), kRoute, services(), 50);
  EXPECT_EQ(at_50["spec"]["rules"].size(), 3U);
  EXPECT_EQ(read_route(at_50, kRoute, services()).weight, 50);
  Json back = edited(at_50, kRoute, services(), 0);
  back["metadata"]["resourceVersion"] = "42";
  EXPECT_EQ(back, user_route());
}

TEST(MigrationRoute, GatewayShadowMirrorsToTheNewServiceAndKeepsEveryAnswerOnTheOld) {
  const Json route = edited(user_route(), kRoute, services(), 0, 100);
  const Json& rule = route["spec"]["rules"][0];
  EXPECT_EQ(rule["backendRefs"], Json::parse(R"([{"name": "monolith", "port": 8080, "weight": 100},
                                                 {"name": "payments", "port": 80, "weight": 0}])"));
  EXPECT_EQ(rule["filters"].back(), Json::parse(R"({"type": "RequestMirror", "requestMirror":
      {"backendRef": {"name": "payments", "port": 80}, "percent": 100}})"));
  EXPECT_EQ(read_route(route, kRoute, services()).weight, 0);
  // The mirror ends: the rule now splits 5% and mirrors nothing.
  const Json moved = edited(route, kRoute, services(), 5);
  EXPECT_EQ(moved["spec"]["rules"][0]["filters"], user_route()["spec"]["rules"][1]["filters"]);
}

TEST(MigrationRoute, GatewayFinalizeNamesTheNewServiceAloneAtOneHundred) {
  PathMove move = payments_move();
  move.remove_legacy = true;
  const Json route = edited(user_route(), kRoute, services(move), 100);
  EXPECT_EQ(route["spec"]["rules"][0]["backendRefs"],
            Json::parse(R"([{"name": "payments", "port": 80, "weight": 100}])"));
  EXPECT_EQ(read_route(route, kRoute, services(move)).weight, 100);
}

TEST(MigrationRoute, GatewayCopiesTheMostSpecificRuleThatCarriesThePath) {
  Json route = user_route();
  route["spec"]["rules"].push_back(Json::parse(R"({
      "matches": [{"path": {"type": "PathPrefix", "value": "/pay"}}],
      "backendRefs": [{"name": "elsewhere", "port": 80}]})"));
  route["spec"]["rules"].push_back(Json::parse(R"({
      "matches": [{"path": {"type": "PathPrefix", "value": "/payments"}}],
      "filters": [{"type": "URLRewrite", "urlRewrite": {"hostname": "legacy"}}],
      "backendRefs": [{"name": "monolith", "port": 8080}]})"));
  const Json out = edited(route, kRoute, services(), 25);
  EXPECT_EQ(out["spec"]["rules"][0]["filters"], route["spec"]["rules"][3]["filters"]);
}

TEST(MigrationRoute, GatewayProblemsNameTheRouteTheFieldAndTheFix) {
  EXPECT_NE(read_route(Json(), kRoute, services()).problem.find("spec.route.gatewayAPI.httpRoute"),
            std::string::npos);
  Json elsewhere = user_route();
  elsewhere["spec"]["rules"][1]["backendRefs"][0]["name"] = "other";
  const std::string problem = read_route(elsewhere, kRoute, services()).problem;
  EXPECT_NE(problem.find("HTTPRoute shop/web sends no request for /payments to the Service "
                         "monolith (spec.from.service)"),
            std::string::npos)
      << problem;
  Json taken = user_route();
  taken["spec"]["rules"][0]["name"] = "migration-payments";
  EXPECT_NE(read_route(taken, kRoute, services()).problem.find("rename that rule"),
            std::string::npos);
  Json full = user_route();
  for (int i = 0; i < 14; ++i)
    full["spec"]["rules"].push_back(full["spec"]["rules"][0]);
  const auto edit = route_edit(full, kRoute, services(), {5, {}, {}});
  ASSERT_FALSE(edit);
  EXPECT_NE(edit.error().find("Gateway API allows 16"), std::string::npos);
}

TEST(MigrationRoute, GatewayHeadersAndMethodNarrowTheMove) {
  PathMove move = payments_move();
  move.matches[0].method = StringMatch{StringMatch::Type::exact, "POST"};
  move.matches[0].headers = {{"x-tenant", {StringMatch::Type::regex, "beta-.*"}}};
  const Json route = edited(user_route(), kRoute, services(move), 5);
  EXPECT_EQ(route["spec"]["rules"][0]["matches"], Json::parse(R"([{
      "path": {"type": "PathPrefix", "value": "/payments"}, "method": "POST",
      "headers": [{"name": "x-tenant", "type": "RegularExpression", "value": "beta-.*"}]}])"));
}

TEST(MigrationRoute, HeaderRoutesAreRefused) {
  const RouteTarget target{5, {{ManagedRoute::Kind::header, "beta", {RouteMatch{}}, 0}}, {}};
  EXPECT_FALSE(route_edit(user_route(), kRoute, services(), target));
}

// A user's VirtualService: /docs elsewhere, then the catch-all to the monolith with retries.
Json user_vs() {
  return Json::parse(R"({
    "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7"},
    "spec": {
      "hosts": ["web.example.com"], "gateways": ["infra/public"],
      "http": [
        {"name": "docs", "match": [{"uri": {"prefix": "/docs"}}],
         "route": [{"destination": {"host": "docs"}}]},
        {"name": "legacy", "retries": {"attempts": 3},
         "route": [{"destination": {"host": "monolith.shop.svc.cluster.local",
                                    "port": {"number": 8080}}}]}
      ]}})");
}

TEST(MigrationRoute, IstioPlacesItsRouteRightBeforeTheRouteThatCarriesThePath) {
  const Json vs = edited(user_vs(), kVs, services(), 25);
  const Json& http = vs["spec"]["http"];
  ASSERT_EQ(http.size(), 3U);
  EXPECT_EQ(http[0]["name"], "docs");
  EXPECT_EQ(http[1]["name"], "migration-payments");
  EXPECT_EQ(http[2], user_vs()["spec"]["http"][1]);
  // Whole path elements: /payments itself and everything under /payments/.
  EXPECT_EQ(http[1]["match"], Json::parse(R"([{"uri": {"exact": "/payments"}},
                                             {"uri": {"prefix": "/payments/"}}])"));
  EXPECT_EQ(http[1]["retries"], user_vs()["spec"]["http"][1]["retries"]);
  EXPECT_EQ(http[1]["route"], Json::parse(R"([
      {"destination": {"host": "monolith.shop.svc.cluster.local", "port": {"number": 8080}},
       "weight": 75},
      {"destination": {"host": "payments.shop.svc.cluster.local", "port": {"number": 80}},
       "weight": 25}])"));
  EXPECT_EQ(read_route(vs, kVs, services()).weight, 25);
  Json back = edited(vs, kVs, services(), 0);
  back["metadata"]["resourceVersion"] = "7";
  EXPECT_EQ(back, user_vs());
}

TEST(MigrationRoute, IstioShadowAndFinalize) {
  const Json shadow = edited(user_vs(), kVs, services(), 0, 50);
  EXPECT_EQ(shadow["spec"]["http"][1]["mirror"],
            Json::parse(R"({"host": "payments.shop.svc.cluster.local", "port": {"number": 80}})"));
  EXPECT_EQ(shadow["spec"]["http"][1]["mirrorPercentage"], Json::parse(R"({"value": 50})"));
  PathMove move = payments_move();
  move.remove_legacy = true;
  const Json done = edited(shadow, kVs, services(move), 100);
  EXPECT_FALSE(done["spec"]["http"][1].contains("mirror"));
  EXPECT_EQ(done["spec"]["http"][1]["route"].size(), 1U);
  EXPECT_EQ(read_route(done, kVs, services(move)).weight, 100);
}

TEST(MigrationRoute, IstioRefusesAPathTheFirstMatchingRouteSendsElsewhere) {
  Json vs = user_vs();
  vs["spec"]["http"].insert(vs["spec"]["http"].begin(), Json::parse(R"({"name": "pay",
      "match": [{"uri": {"prefix": "/pay"}}], "route": [{"destination": {"host": "other"}}]})"));
  EXPECT_NE(read_route(vs, kVs, services()).problem.find("the first http route that matches"),
            std::string::npos);
}

// A user's Ingress with the very path the Migration moves, and another.
Json user_ingress() {
  return Json::parse(R"({
    "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [
      {"path": "/payments", "pathType": "Prefix",
       "backend": {"service": {"name": "monolith", "port": {"number": 8080}}}},
      {"path": "/accounts", "pathType": "Prefix",
       "backend": {"service": {"name": "monolith", "port": {"number": 8080}}}}]}}]}})");
}

TEST(MigrationRoute, NginxCanaryIngressCarriesOnlyTheMovedPath) {
  const Json pair = nginx_pair(user_ingress(), Json());
  EXPECT_EQ(read_route(pair, kIngress, services()).weight, 0);
  auto canary = route_edit(pair, kIngress, services(), {5, {}, {}});
  ASSERT_TRUE(canary) << canary.error();
  EXPECT_EQ((*canary)["metadata"]["name"], "payments-web-migration");
  EXPECT_EQ((*canary)["metadata"]["labels"],
            Json::parse(R"({"cutover.dev/migration": "payments"})"));
  EXPECT_EQ((*canary)["metadata"]["ownerReferences"][0]["kind"], "Migration");
  EXPECT_EQ((*canary)["spec"]["rules"][0]["http"]["paths"], Json::parse(R"([
      {"path": "/payments", "pathType": "Prefix",
       "backend": {"service": {"name": "payments", "port": {"number": 80}}}}])"));
  EXPECT_EQ((*canary)["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"], "5");
  EXPECT_EQ(read_route(nginx_pair(user_ingress(), *canary), kIngress, services()).weight, 5);
}

TEST(MigrationRoute, NginxNeedsThePathOnTheUsersIngressAndNoMethodOrHeader) {
  PathMove move = payments_move();
  move.matches[0].path->value = "/billing";
  EXPECT_NE(read_route(nginx_pair(user_ingress(), Json()), kIngress, services(move))
                .problem.find("has no path /billing whose backend is the Service monolith"),
            std::string::npos);
  move = payments_move();
  move.keep_on_delete = true;
  move.matches[0].method = StringMatch{StringMatch::Type::exact, "GET"};
  EXPECT_FALSE(
      route_edit(nginx_pair(user_ingress(), Json()), kIngress, services(move), {5, {}, {}}));
}

TEST(MigrationRoute, NginxKeepOnDeleteLeavesTheCanaryIngressUnowned) {
  PathMove move = payments_move();
  move.keep_on_delete = true;
  auto canary =
      route_edit(nginx_pair(user_ingress(), Json()), kIngress, services(move), {5, {}, {}});
  ASSERT_TRUE(canary) << canary.error();
  EXPECT_FALSE((*canary)["metadata"].contains("ownerReferences"));
}

TEST(MigrationRoute, PathsOverlapByWholeElements) {
  using T = StringMatch::Type;
  EXPECT_TRUE(paths_overlap({T::prefix, "/payments"}, {T::prefix, "/payments/refunds"}));
  EXPECT_TRUE(paths_overlap({T::exact, "/payments/x"}, {T::prefix, "/payments"}));
  EXPECT_TRUE(paths_overlap({T::prefix, "/"}, {T::exact, "/anything"}));
  EXPECT_FALSE(paths_overlap({T::prefix, "/payments"}, {T::prefix, "/paymentsx"}));
  EXPECT_FALSE(paths_overlap({T::exact, "/a"}, {T::exact, "/b"}));
}

TEST(MigrationRoute, PathRegexMatchesExactlyThePaths) {
  using T = StringMatch::Type;
  EXPECT_EQ(path_regex({RouteMatch{.path = StringMatch{T::prefix, "/payments"}},
                        RouteMatch{.path = StringMatch{T::exact, "/v1.0/pay"}}}),
            "/payments(/.*)?|/v1\\.0/pay");
  EXPECT_EQ(path_regex({RouteMatch{.path = StringMatch{T::prefix, "/"}}}), "/.*");
}

}  // namespace
}  // namespace cutover::traffic
