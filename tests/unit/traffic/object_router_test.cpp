// The router against a fake API: it writes only a route whose weight differs, reads back what it
// wrote, and a route it cannot edit is a conflict that names the route; the same for an HTTPRoute
// and an Istio VirtualService side by side. A route in another namespace is read and written only
// with a ReferenceGrant in the Services' namespace, listed only for such a route.
#include "traffic/object_router.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fakes/fake_kube_client.hpp"
#include "traffic/reference_grant.hpp"

namespace cutover::traffic {
namespace {

using kube::Json;

const RouteRef kRoute{"HTTPRoute", "shop", "web"};

Json route(int canary_weight) {
  return {
      {"apiVersion", "gateway.networking.k8s.io/v1"},
      {"kind", "HTTPRoute"},
      {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
      {"spec",
       {{"rules",
         Json::array(
             {{{"backendRefs",
                Json::array(
                    {{{"name", "web-stable"}, {"port", 80}, {"weight", 100 - canary_weight}},
                     {{"name", "web-canary"}, {"port", 80}, {"weight", canary_weight}}})}}})}}}};
}

TEST(ObjectRouter, WritesOnlyAWeightThatDiffersAndReadsItBack) {
  testing::FakeKubeClient client;
  client.seed(kRoute.resource(), route(0));
  ObjectRouter router(client, {kRoute}, {"web-stable", "web-canary", "shop"});
  ASSERT_TRUE(router.set(25, {}).has_value());
  EXPECT_EQ(client.calls["patch"], 1);
  auto read = router.read();
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->at("HTTPRoute shop/web").weight, 25);
  EXPECT_EQ(read->at("HTTPRoute shop/web").problem, "");
  ASSERT_TRUE(router.set(25, {}).has_value());
  EXPECT_EQ(client.calls["patch"], 1) << "already 25: no write";
}

TEST(ObjectRouter, ARouteItCannotEditIsAConflictNamingIt) {
  testing::FakeKubeClient client;
  ObjectRouter router(client, {kRoute}, {"web-stable", "web-canary", "shop"});
  const auto set = router.set(5, {});
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().reason, kube::ErrorReason::conflict);
  EXPECT_NE(set.error().message.find("HTTPRoute shop/web not found"), std::string::npos)
      << set.error().message;
  EXPECT_EQ(client.calls["patch"], 0);
  auto read = router.read();
  ASSERT_TRUE(read.has_value());
  EXPECT_FALSE(read->at("HTTPRoute shop/web").problem.empty());
}

TEST(ObjectRouter, EditsAnHttpRouteAndAVirtualServiceAlike) {
  testing::FakeKubeClient client;
  client.seed(kRoute.resource(), route(0));
  const RouteRef vs_ref{"VirtualService", "shop", "web", {}};
  client.seed(vs_ref.resource(), Json::parse(R"({
    "apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"http": [{"route": [{"destination": {"host": "web-stable"}, "weight": 100},
                                 {"destination": {"host": "web-canary"}, "weight": 0}]}]}})"));
  ObjectRouter router(client, {kRoute, vs_ref}, {"web-stable", "web-canary", "shop"}, {"beta"});
  const ManagedRoute beta{ManagedRoute::Kind::header,
                          "beta",
                          {RouteMatch{.headers = {{"x-beta", {StringMatch::Type::exact, "1"}}}}},
                          0};
  ASSERT_TRUE(router.set(10, {beta}).has_value());
  EXPECT_EQ(client.calls["patch"], 2);
  auto read = router.read();
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->at("HTTPRoute shop/web").weight, 10);
  EXPECT_EQ(read->at("VirtualService shop/web").weight, 10);
  const Json& http = read->at("VirtualService shop/web").object["spec"]["http"];
  ASSERT_EQ(http.size(), 2U);
  EXPECT_EQ(http[0]["name"], "beta");
  ASSERT_TRUE(router.set(10, {beta}).has_value());
  EXPECT_EQ(client.calls["patch"], 2) << "both say so already: no write";
}

// HTTPRoute edge/web, whose backendRefs name the Services of namespace shop.
const RouteRef kEdgeRoute{"HTTPRoute", "edge", "web"};
Json edge_route(int canary_weight) {
  Json out = route(canary_weight);
  out["metadata"]["namespace"] = "edge";
  for (auto& ref : out["spec"]["rules"][0]["backendRefs"])
    ref["namespace"] = "shop";
  return out;
}
const kube::ResourceRef kGrants{kReferenceGrantApiVersion, kReferenceGrantKind, "shop"};
Json edge_grant() {
  return Json::parse(R"({
    "apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
    "metadata": {"name": "from-edge", "namespace": "shop"},
    "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute",
                       "namespace": "edge"}],
             "to": [{"group": "", "kind": "Service"}]}})");
}
long grant_lists(const testing::FakeKubeClient& client) {
  return std::ranges::count(client.log, std::string("list ReferenceGrant"));
}

TEST(ObjectRouter, ARouteInAnotherNamespaceWithoutAGrantIsAProblemAndIsNotWritten) {
  testing::FakeKubeClient client;
  client.seed(kEdgeRoute.resource(), edge_route(0));
  ObjectRouter router(client, {kEdgeRoute}, {"web-stable", "web-canary", "shop"});
  auto read = router.read();
  ASSERT_TRUE(read.has_value());
  const RouteReading& reading = read->at("HTTPRoute edge/web");
  EXPECT_EQ(reading.problem, reference_grant_problem(
                                 kEdgeRoute, {"web-stable", "web-canary", "shop"}, Json::array()));
  EXPECT_NE(reading.problem.find("create a ReferenceGrant in namespace shop"), std::string::npos);
  EXPECT_EQ(reading.weight, 0) << "what the route says is still read";
  const auto set = router.set(25, {});
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().reason, kube::ErrorReason::conflict);
  EXPECT_EQ(set.error().message, reading.problem);
  EXPECT_EQ(client.calls["patch"], 0);
}

TEST(ObjectRouter, ARouteInAnotherNamespaceWithAGrantIsWrittenAndReadBack) {
  testing::FakeKubeClient client;
  client.seed(kEdgeRoute.resource(), edge_route(0));
  client.seed(kGrants, edge_grant());
  ObjectRouter router(client, {kEdgeRoute}, {"web-stable", "web-canary", "shop"});
  ASSERT_TRUE(router.set(25, {}).has_value());
  EXPECT_EQ(client.calls["patch"], 1);
  auto read = router.read();
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->at("HTTPRoute edge/web").problem, "");
  EXPECT_EQ(read->at("HTTPRoute edge/web").weight, 25);
}

TEST(ObjectRouter, GrantsAreListedOncePerPassAndNeverForARouteInTheServicesNamespace) {
  testing::FakeKubeClient client;
  client.seed(kRoute.resource(), route(0));
  client.seed(kEdgeRoute.resource(), edge_route(0));
  const RouteRef grpc{"GRPCRoute", "edge", "web"};
  Json grpc_route = edge_route(0);
  grpc_route["kind"] = "GRPCRoute";
  client.seed(grpc.resource(), grpc_route);
  client.seed(kGrants, edge_grant());
  ObjectRouter own(client, {kRoute}, {"web-stable", "web-canary", "shop"});
  ASSERT_TRUE(own.read().has_value());
  ASSERT_TRUE(own.set(10, {}).has_value());
  EXPECT_EQ(grant_lists(client), 0) << "a route in the Services' namespace needs no grant";
  ObjectRouter both(client, {kEdgeRoute, grpc}, {"web-stable", "web-canary", "shop"});
  auto read = both.read();
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(grant_lists(client), 1);
  EXPECT_EQ(read->at("HTTPRoute edge/web").problem, "");
  EXPECT_NE(read->at("GRPCRoute edge/web").problem.find("kind: GRPCRoute, namespace: edge"),
            std::string::npos)
      << "the grant names HTTPRoutes only";
  const long patches = client.calls["patch"];
  EXPECT_FALSE(both.set(10, {}).has_value());
  EXPECT_EQ(client.calls["patch"], patches) << "neither route written while one lacks its grant";
  EXPECT_EQ(grant_lists(client), 2);
}

}  // namespace
}  // namespace cutover::traffic
