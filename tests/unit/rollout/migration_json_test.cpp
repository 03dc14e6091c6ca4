// Migration <-> the engine's Rollout: the contract's field names, and every malformed input
// refused with the Migration, the field and the fix.
#include "rollout/migration_json.hpp"

#include <gtest/gtest.h>

namespace cutover::rollout {
namespace {

Json migration_json() {
  return Json::parse(R"({
    "apiVersion": "cutover.dev/v1alpha1", "kind": "Migration",
    "metadata": {"name": "payments", "namespace": "shop", "uid": "u1",
                 "creationTimestamp": "2026-12-04T10:00:00Z"},
    "spec": {
      "route": {"gatewayAPI": {"httpRoute": "web"}},
      "from": {"service": "monolith", "port": 8080},
      "to": {"service": "payments", "port": 80},
      "matches": [{"path": {"type": "PathPrefix", "value": "/payments"}},
                  {"path": {"type": "Exact", "value": "/pay"}, "method": "POST",
                   "headers": [{"name": "x-tenant", "type": "RegularExpression", "value": "b.*"}]}],
      "steps": [{"setMirrorRoute": {"percentage": 100}}, {"setWeight": 5},
                {"analysis": {"policies": [{"name": "migration-error-rate"}]}},
                {"pause": {"duration": "1m"}}, {"setWeight": 100}],
      "finalize": "removeLegacyBackend"
    }})");
}

std::string error_of(Json object) {
  auto parsed = parse_migration(object);
  EXPECT_FALSE(parsed);
  return parsed ? "" : parsed.error().describe();
}

TEST(MigrationJson, ParsesTheContractsFields) {
  auto m = parse_migration(migration_json());
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_TRUE(m->is_migration());
  EXPECT_EQ(std::string(m->owner_label()), "cutover.dev/migration");
  const auto& canary = m->spec.canary();
  EXPECT_EQ(canary.stable_service, "monolith");
  EXPECT_EQ(canary.canary_service, "payments");
  ASSERT_EQ(canary.routes.size(), 1U);
  EXPECT_EQ(canary.routes[0].describe(), "HTTPRoute shop/web");
  ASSERT_TRUE(canary.move);
  EXPECT_EQ(canary.move->rule, "migration-payments");
  EXPECT_EQ(canary.move->from_port, 8080);
  EXPECT_EQ(canary.move->to_port, 80);
  EXPECT_TRUE(canary.move->remove_legacy);
  EXPECT_FALSE(canary.move->keep_on_delete);
  ASSERT_EQ(canary.move->matches.size(), 2U);
  EXPECT_EQ(canary.move->matches[1].method->value, "POST");
  EXPECT_EQ(canary.move->matches[1].headers[0].value.type, traffic::StringMatch::Type::regex);
  ASSERT_EQ(canary.steps.size(), 5U);
  EXPECT_EQ(canary.steps[0].route.name, "shadow");
  EXPECT_EQ(canary.steps[0].route.mirror_percent, 100);
}

TEST(MigrationJson, EveryRouterAndOnDeleteKeep) {
  for (const auto& [route, kind] :
       {std::pair{R"({"istio": {"virtualService": "web"}})", "VirtualService"},
        std::pair{R"({"nginx": {"ingress": "web"}})", "Ingress"}}) {
    Json object = migration_json();
    object["spec"]["route"] = Json::parse(route);
    object["spec"]["onDelete"] = "keep";
    object["spec"].erase("finalize");
    object["spec"]["matches"].erase(1);
    object["spec"]["steps"].erase(0);
    auto m = parse_migration(object);
    ASSERT_TRUE(m) << m.error().describe();
    EXPECT_EQ(m->spec.canary().routes[0].kind, kind);
    EXPECT_TRUE(m->spec.canary().move->keep_on_delete);
  }
}

TEST(MigrationJson, MalformedInputNamesTheField) {
  const auto with = [](const char* pointer, Json value) {
    Json object = migration_json();
    if (value.is_null())
      object.at(Json::json_pointer(pointer).parent_pointer())
          .erase(Json::json_pointer(pointer).back());
    else
      object[Json::json_pointer(pointer)] = std::move(value);
    return object;
  };
  EXPECT_NE(error_of(Json::array()).find("not an object"), std::string::npos);
  EXPECT_NE(error_of(with("/spec", Json())).find("spec"), std::string::npos);
  EXPECT_NE(error_of(with("/spec/route", Json())).find("spec.route: is required"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/route/istio", Json::parse(R"({"virtualService": "x"})")))
                .find("exactly one of gatewayAPI, istio, nginx"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/route/gatewayAPI", Json::object()))
                .find("spec.route.gatewayAPI.httpRoute: is required"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/from/port", Json())).find("spec.from.port: is required"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/to/port", 70000)).find("spec.to.port"), std::string::npos);
  EXPECT_NE(error_of(with("/spec/to", Json::parse(R"({"service": "monolith", "port": 8080})")))
                .find("spec.to: is the same Service and port as spec.from"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/matches", Json::array())).find("spec.matches: is required"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/matches/0/path/type", "RegularExpression"))
                .find("spec.matches[0].path.type"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/matches/0/path/value", "payments"))
                .find("spec.matches[0].path.value: \"payments\" does not start with /"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/matches/1/method", "FETCH")).find("spec.matches[1].method"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/matches/1/headers/0/type", "Prefix"))
                .find("spec.matches[1].headers[0].type"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/onDelete", "forget")).find("spec.onDelete"), std::string::npos);
  EXPECT_NE(error_of(with("/spec/finalize", "drop")).find("spec.finalize"), std::string::npos);
  EXPECT_NE(error_of(with("/spec/steps/1", Json::parse(R"({"setCanaryScale": {"replicas": 1}})")))
                .find("spec.steps[1].setCanaryScale: is for Rollouts"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/steps/1", Json::parse(R"({"setHeaderRoute": {"name": "b"}})")))
                .find("spec.steps[1].setHeaderRoute"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/steps/0/setMirrorRoute/match", Json::array()))
                .find("spec.steps[0].setMirrorRoute.match"),
            std::string::npos);
  EXPECT_NE(error_of(with("/spec/steps", "fast")).find("spec.steps: must be a list"),
            std::string::npos);
}

TEST(MigrationJson, NginxRefusesWhatItCannotCarry) {
  Json object = migration_json();
  object["spec"]["route"] = Json::parse(R"({"nginx": {"ingress": "web"}})");
  EXPECT_NE(error_of(object).find("spec.matches[1]: matches a method or headers"),
            std::string::npos);
  object["spec"]["matches"].erase(1);
  EXPECT_NE(error_of(object).find("spec.finalize: cannot be carried by Ingress-NGINX"),
            std::string::npos);
  object["spec"].erase("finalize");
  EXPECT_NE(error_of(object).find("spec.steps[0].setMirrorRoute"), std::string::npos);
}

TEST(MigrationJson, TheMirrorLastsUntilRealTrafficMoves) {
  auto m = parse_migration(migration_json());
  ASSERT_TRUE(m);
  const auto& canary = m->spec.canary();
  EXPECT_EQ(migration_mirror_at(canary, 0).size(), 1U);
  EXPECT_TRUE(migration_mirror_at(canary, 1).empty());  // setWeight 5
  EXPECT_TRUE(migration_mirror_at(canary, 9).empty());  // past the steps (promotion)
}

TEST(MigrationJson, TwoMigrationsMayNotMoveOnePath) {
  auto first = parse_migration(migration_json());
  Json second_json = migration_json();
  second_json["metadata"]["name"] = "refunds";
  second_json["spec"]["matches"] =
      Json::parse(R"([{"path": {"type": "PathPrefix", "value": "/payments/refunds"}}])");
  auto second = parse_migration(second_json);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(migration_conflict(*first, *second, true), "");
  const std::string why = migration_conflict(*second, *first, false);
  EXPECT_NE(why.find("Migration shop/refunds: spec.matches: path /payments/refunds is moved on "
                     "HTTPRoute shop/web by Migration payments already"),
            std::string::npos)
      << why;
  second_json["spec"]["matches"] =
      Json::parse(R"([{"path": {"type": "PathPrefix", "value": "/accounts"}}])");
  EXPECT_EQ(migration_conflict(*parse_migration(second_json), *first, false), "");
}

}  // namespace
}  // namespace cutover::rollout
