// The ReferenceGrant check: a route in another namespace reaches the Services only when a grant
// in their namespace names the route's kind and namespace and the Services (or every Service);
// anything else, malformed grants included, grants nothing and never throws.
#include "traffic/reference_grant.hpp"

#include <gtest/gtest.h>

namespace cutover::traffic {
namespace {

using kube::Json;
using Names = std::vector<std::string>;

const RouteRef kEdgeRoute{"HTTPRoute", "edge", "web"};
const WeightedServices kServices{"web-stable", "web-canary", "shop"};

// A ReferenceGrant in `ns` with one `from` and the given `to` entries.
Json grant(const Json& from, const Json& to, const std::string& ns = "shop") {
  return {{"apiVersion", "gateway.networking.k8s.io/v1beta1"},
          {"kind", "ReferenceGrant"},
          {"metadata", {{"name", "from-edge"}, {"namespace", ns}}},
          {"spec", {{"from", Json::array({from})}, {"to", to}}}};
}
Json from_edge(const std::string& kind = "HTTPRoute", const std::string& ns = "edge") {
  return {{"group", "gateway.networking.k8s.io"}, {"kind", kind}, {"namespace", ns}};
}
Json to_services() {
  return Json::array({{{"group", ""}, {"kind", "Service"}}});
}
Json to_service(const std::string& name) {
  return {{"group", ""}, {"kind", "Service"}, {"name", name}};
}
// The list the API server returns.
Json list(const Json& items) {
  return {{"apiVersion", "gateway.networking.k8s.io/v1beta1"},
          {"kind", "ReferenceGrantList"},
          {"items", items}};
}

TEST(ReferenceGrant, ARouteInTheServicesNamespaceNeedsNone) {
  const RouteRef own{"HTTPRoute", "shop", "web"};
  EXPECT_FALSE(needs_reference_grant(own, kServices));
  EXPECT_TRUE(ungranted_services(own, kServices, list(Json::array())).empty());
  EXPECT_EQ(reference_grant_problem(own, kServices, Json()), "");
}

TEST(ReferenceGrant, OnlyGatewayApiRoutesNeedOne) {
  EXPECT_TRUE(needs_reference_grant(kEdgeRoute, kServices));
  EXPECT_TRUE(needs_reference_grant({"GRPCRoute", "edge", "web"}, kServices));
  EXPECT_FALSE(needs_reference_grant({"VirtualService", "edge", "web"}, kServices));
  EXPECT_FALSE(needs_reference_grant({"Ingress", "edge", "web"}, kServices));
}

TEST(ReferenceGrant, ANamelessToGrantsEveryServiceOfTheNamespace) {
  const Json grants = list(Json::array({grant(from_edge(), to_services())}));
  EXPECT_TRUE(ungranted_services(kEdgeRoute, kServices, grants).empty());
  EXPECT_EQ(reference_grant_problem(kEdgeRoute, kServices, grants), "");
}

TEST(ReferenceGrant, GrantsByNameCoverOnlyThoseServices) {
  const Json both = Json::array(
      {grant(from_edge(), Json::array({to_service("web-stable"), to_service("web-canary")}))});
  EXPECT_TRUE(ungranted_services(kEdgeRoute, kServices, both).empty()) << "a bare array works too";
  // Two grants, one Service each: the lists of several grants are ORed as well.
  const Json split =
      list(Json::array({grant(from_edge(), Json::array({to_service("web-stable")})),
                        grant(from_edge(), Json::array({to_service("web-canary")}))}));
  EXPECT_TRUE(ungranted_services(kEdgeRoute, kServices, split).empty());
  const Json stable_only =
      list(Json::array({grant(from_edge(), Json::array({to_service("web-stable")}))}));
  EXPECT_EQ(ungranted_services(kEdgeRoute, kServices, stable_only), Names{"web-canary"});
  EXPECT_EQ(reference_grant_problem(kEdgeRoute, kServices, stable_only),
            "HTTPRoute edge/web may not reach Service web-canary: Gateway API needs a "
            "ReferenceGrant in namespace shop for a route in another namespace, and none allows "
            "it; create a ReferenceGrant in namespace shop with from {group: "
            "gateway.networking.k8s.io, kind: HTTPRoute, namespace: edge} and to {group: \"\", "
            "kind: Service, name: web-canary}");
}

TEST(ReferenceGrant, NoGrantNamesTheRouteTheServicesTheNamespaceAndTheFix) {
  EXPECT_EQ(ungranted_services(kEdgeRoute, kServices, list(Json::array())),
            (Names{"web-stable", "web-canary"}));
  EXPECT_EQ(reference_grant_problem(kEdgeRoute, kServices, list(Json::array())),
            "HTTPRoute edge/web may not reach Services web-stable and web-canary: Gateway API "
            "needs a ReferenceGrant in namespace shop for a route in another namespace, and none "
            "allows it; create a ReferenceGrant in namespace shop with from {group: "
            "gateway.networking.k8s.io, kind: HTTPRoute, namespace: edge} and to {group: \"\", "
            "kind: Service}");
  const RouteRef grpc{"GRPCRoute", "edge", "api"};
  EXPECT_NE(reference_grant_problem(grpc, kServices, Json::array())
                .find("from {group: gateway.networking.k8s.io, kind: GRPCRoute, namespace: edge}"),
            std::string::npos);
}

TEST(ReferenceGrant, AGrantForAnotherKindNamespaceOrTargetGrantsNothing) {
  const Names both{"web-stable", "web-canary"};
  const auto ungranted = [&](const Json& g) {
    return ungranted_services(kEdgeRoute, kServices, list(Json::array({g})));
  };
  EXPECT_EQ(ungranted(grant(from_edge("GRPCRoute"), to_services())), both) << "another kind";
  EXPECT_EQ(ungranted(grant(from_edge("HTTPRoute", "other"), to_services())), both)
      << "another route namespace";
  Json other_group = from_edge();
  other_group["group"] = "example.com";
  EXPECT_EQ(ungranted(grant(other_group, to_services())), both) << "another group";
  EXPECT_EQ(ungranted(grant(from_edge(), Json::array({to_service("api")}))), both)
      << "another Service";
  EXPECT_EQ(ungranted(grant(from_edge(), Json::array({{{"group", ""}, {"kind", "Secret"}}}))), both)
      << "Secrets, not Services";
  EXPECT_EQ(ungranted(grant(from_edge(), Json::array({{{"group", "v1"}, {"kind", "Service"}}}))),
            both)
      << "the core group is \"\"";
  EXPECT_EQ(ungranted(grant(from_edge(), to_services(), "edge")), both)
      << "a grant in the route's namespace, not the Services'";
}

TEST(ReferenceGrant, MalformedGrantsGrantNothingAndDoNotThrow) {
  const Names both{"web-stable", "web-canary"};
  for (const Json& grants :
       {Json(), Json("text"), Json(7), Json::object(), Json{{"items", "not a list"}},
        list(Json::array({Json(), Json(3), Json("grant"), Json::array()})),
        list(Json::array(
            {Json{{"spec", "text"}}, Json{{"spec", Json::object()}},
             Json{{"spec", {{"from", "edge"}, {"to", 5}}}},
             Json{{"spec",
                   {{"from", Json::array({1, "x", Json()})}, {"to", Json::array({Json(), 2})}}}}})),
        // Fields missing or of the wrong type.
        list(Json::array(
            {grant({{"kind", "HTTPRoute"}, {"namespace", "edge"}}, to_services()),
             grant({{"group", "gateway.networking.k8s.io"}, {"namespace", "edge"}}, to_services()),
             grant({{"group", "gateway.networking.k8s.io"}, {"kind", "HTTPRoute"}}, to_services()),
             grant(from_edge(), Json::array({{{"kind", "Service"}}})),
             grant(from_edge(), Json::array({{{"group", ""}}})),
             grant(from_edge(), Json::array({{{"group", ""},
                                              {"kind", "Service"},
                                              {"name", Json::array({"web-stable"})}}})),
             grant({{"group", 1}, {"kind", true}, {"namespace", Json::object()}},
                   to_services())}))}) {
    EXPECT_EQ(ungranted_services(kEdgeRoute, kServices, grants), both) << grants.dump();
    EXPECT_FALSE(reference_grant_problem(kEdgeRoute, kServices, grants).empty());
  }
}

TEST(ReferenceGrant, OneServiceForBothIsNamedOnce) {
  const WeightedServices same{"web", "web", "shop"};
  EXPECT_EQ(ungranted_services(kEdgeRoute, same, Json::array()), Names{"web"});
}

}  // namespace
}  // namespace cutover::traffic
