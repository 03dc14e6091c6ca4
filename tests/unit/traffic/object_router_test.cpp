// The router against a fake API: it writes only a route whose weight differs, reads back what it
// wrote, and a route it cannot edit is a conflict that names the route; the same for an HTTPRoute
// and an Istio VirtualService side by side.
#include "traffic/object_router.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.hpp"

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

}  // namespace
}  // namespace cutover::traffic
