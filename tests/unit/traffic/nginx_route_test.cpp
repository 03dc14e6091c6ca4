// Ingress-NGINX canaries: the user's Ingress is only read; Cutover's canary Ingress copies the
// paths that go to stableService (sent to canaryService) and carries the canary annotations,
// and what NGINX cannot express is refused.
#include "traffic/nginx_route.hpp"

#include <gtest/gtest.h>

#include "traffic/route_edit.hpp"

namespace cutover::traffic {
namespace {

using kube::Json;

const RouteRef kIngress{"Ingress", "shop", "web", {}, {}};
const WeightedServices kServices{"web-stable", "web-canary", "shop", "checkout", "uid-1"};

Json user_ingress() {
  return Json::parse(R"({
    "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "3",
                 "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "8m"}},
    "spec": {
      "ingressClassName": "nginx",
      "tls": [{"hosts": ["shop.example"], "secretName": "shop-tls"}],
      "rules": [
        {"host": "shop.example", "http": {"paths": [
          {"path": "/docs", "pathType": "Prefix",
           "backend": {"service": {"name": "docs", "port": {"number": 80}}}},
          {"path": "/", "pathType": "Prefix",
           "backend": {"service": {"name": "web-stable", "port": {"number": 80}}}}]}},
        {"host": "admin.example", "http": {"paths": [
          {"path": "/", "pathType": "Prefix",
           "backend": {"service": {"name": "admin", "port": {"number": 80}}}}]}}]}})");
}

ManagedRoute header(StringMatch value, const std::string& name = "beta") {
  return {ManagedRoute::Kind::header, name, {RouteMatch{.headers = {{"X-Beta", value}}}}, 0};
}

TEST(NginxRoute, WithoutACanaryIngressTheWeightIsZero) {
  const auto reading = read_route(nginx_pair(user_ingress(), Json()), kIngress, kServices);
  EXPECT_EQ(reading.problem, "");
  EXPECT_EQ(reading.weight, 0);
  EXPECT_EQ(canary_ingress_name(kIngress, kServices), "checkout-web-canary");
}

TEST(NginxRoute, TheCanaryIngressCopiesOnlyThePathsToStableAndCarriesTheWeight) {
  const auto canary =
      route_edit(nginx_pair(user_ingress(), Json()), kIngress, kServices, {5, {}, {}});
  ASSERT_TRUE(canary.has_value()) << canary.error();
  EXPECT_EQ(*canary, Json::parse(R"({
    "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
    "metadata": {
      "name": "checkout-web-canary", "namespace": "shop",
      "labels": {"cutover.dev/rollout": "checkout"},
      "annotations": {"cutover.dev/stable-ingress": "web",
                      "nginx.ingress.kubernetes.io/canary": "true",
                      "nginx.ingress.kubernetes.io/canary-weight": "5",
                      "nginx.ingress.kubernetes.io/canary-weight-total": "100"},
      "ownerReferences": [{"apiVersion": "cutover.dev/v1alpha1", "kind": "Rollout",
                           "name": "checkout", "uid": "uid-1"}]},
    "spec": {
      "ingressClassName": "nginx",
      "rules": [{"host": "shop.example", "http": {"paths": [
        {"path": "/", "pathType": "Prefix",
         "backend": {"service": {"name": "web-canary", "port": {"number": 80}}}}]}}]}})"));
  // As the API server stores it (with its own metadata), it reads 5 and needs no write.
  Json stored = *canary;
  stored["metadata"]["resourceVersion"] = "9";
  stored["metadata"]["uid"] = "uid-2";
  const Json pair = nginx_pair(user_ingress(), stored);
  EXPECT_EQ(read_route(pair, kIngress, kServices).weight, 5);
  EXPECT_TRUE(route_edit(pair, kIngress, kServices, {5, {}, {}})->is_null());
  EXPECT_EQ(
      (*route_edit(
          pair, kIngress, kServices,
          {25, {}, {}}))["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"],
      "25");
}

TEST(NginxRoute, AHeaderRouteIsCanaryByHeaderAndGoesAwayWithTheStep) {
  const auto exact = route_edit(nginx_pair(user_ingress(), Json()), kIngress, kServices,
                                {0, {header({StringMatch::Type::exact, "1"})}, {}});
  ASSERT_TRUE(exact.has_value()) << exact.error();
  const Json& annotations = (*exact)["metadata"]["annotations"];
  EXPECT_EQ(annotations["nginx.ingress.kubernetes.io/canary-by-header"], "X-Beta");
  EXPECT_EQ(annotations["nginx.ingress.kubernetes.io/canary-by-header-value"], "1");
  const auto prefix = route_edit(nginx_pair(user_ingress(), Json()), kIngress, kServices,
                                 {0, {header({StringMatch::Type::prefix, "pay.ments"})}, {}});
  EXPECT_EQ(
      (*prefix)["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-by-header-pattern"],
      "^pay\\.ments.*");
  // The step without match: applied without the header annotations (server-side apply then
  // removes them).
  const auto removed =
      route_edit(nginx_pair(user_ingress(), *exact), kIngress, kServices, {0, {}, {}});
  ASSERT_TRUE(removed.has_value());
  ASSERT_FALSE(removed->is_null());
  EXPECT_FALSE((*removed)["metadata"]["annotations"].contains(
      "nginx.ingress.kubernetes.io/canary-by-header"));
}

TEST(NginxRoute, AdditionalAnnotationsGetThePrefix) {
  RouteRef ref = kIngress;
  ref.canary_annotations = {{"upstream-hash-by", "$remote_addr"}, {"example.com/team", "pay"}};
  const auto canary = route_edit(nginx_pair(user_ingress(), Json()), ref, kServices, {5, {}, {}});
  ASSERT_TRUE(canary.has_value());
  const Json& annotations = (*canary)["metadata"]["annotations"];
  EXPECT_EQ(annotations["nginx.ingress.kubernetes.io/upstream-hash-by"], "$remote_addr");
  EXPECT_EQ(annotations["example.com/team"], "pay");
}

TEST(NginxRoute, RefusesWhatNginxCannotExpressAndSaysWhy) {
  const Json pair = nginx_pair(user_ingress(), Json());
  const ManagedRoute mirror{ManagedRoute::Kind::mirror, "shadow", {}, 50};
  const auto mirrored = route_edit(pair, kIngress, kServices, {0, {mirror}, {}});
  ASSERT_FALSE(mirrored.has_value());
  EXPECT_EQ(mirrored.error(),
            "managed route shadow cannot be expressed on Ingress shop/web: an Ingress-NGINX "
            "canary cannot mirror requests; route through Gateway API or Istio for it");
  ManagedRoute two = header({StringMatch::Type::exact, "1"});
  two.matches[0].headers.push_back({"x-team", {StringMatch::Type::exact, "pay"}});
  EXPECT_NE(route_edit(pair, kIngress, kServices, {0, {two}, {}}).error().find("one header"),
            std::string::npos);
  const auto both = route_edit(
      pair, kIngress, kServices,
      {0,
       {header({StringMatch::Type::exact, "1"}), header({StringMatch::Type::exact, "2"}, "gamma")},
       {}});
  ASSERT_FALSE(both.has_value());
  EXPECT_NE(both.error().find("one header route at a time"), std::string::npos);
}

TEST(NginxRoute, ProblemsNameTheIngressAndTheFix) {
  EXPECT_EQ(read_route(nginx_pair(Json(), Json()), kIngress, kServices).problem,
            "Ingress shop/web not found: create it, or fix "
            "spec.strategy.canary.trafficRouting.nginx.stableIngress");
  Json other = user_ingress();
  other["spec"]["rules"][0]["http"]["paths"].erase(1);
  EXPECT_NE(read_route(nginx_pair(other, Json()), kIngress, kServices)
                .problem.find("sends no path to the Service web-stable"),
            std::string::npos);
  Json foreign = user_ingress();
  foreign["metadata"]["name"] = "checkout-web-canary";
  EXPECT_NE(read_route(nginx_pair(user_ingress(), foreign), kIngress, kServices)
                .problem.find("exists and is not this Rollout's"),
            std::string::npos);
}

// Another Rollout's canary Ingress of the same Ingress, created at `created`.
Json others_canary(const std::string& created, const std::string& of = "web") {
  return Json::array({{{"metadata",
                        {{"name", "cart-web-canary"},
                         {"creationTimestamp", created},
                         {"labels", {{"cutover.dev/rollout", "cart"}}},
                         {"annotations", {{"cutover.dev/stable-ingress", of}}}}}}});
}

TEST(NginxRoute, ASecondRolloutOnOneIngressIsRefusedNamingTheFirst) {
  const Json pair = nginx_pair(user_ingress(), Json(), others_canary("2026-12-04T10:00:00Z"));
  const auto reading = read_route(pair, kIngress, kServices);
  EXPECT_FALSE(reading.weight);
  EXPECT_NE(reading.problem.find("Ingress shop/web is already routed by Rollout cart (its canary "
                                 "Ingress shop/cart-web-canary)"),
            std::string::npos)
      << reading.problem;
  EXPECT_NE(reading.problem.find("trafficRouting.nginx.stableIngress"), std::string::npos);
  EXPECT_FALSE(route_edit(pair, kIngress, kServices, {5, {}, {}}).has_value()) << "nothing written";
  // The canary of another Ingress, or a Migration's, is no clash.
  EXPECT_EQ(
      read_route(nginx_pair(user_ingress(), Json(), others_canary("2026-12-04T10:00:00Z", "admin")),
                 kIngress, kServices)
          .problem,
      "");
}

TEST(NginxRoute, WhenBothRolloutsHaveACanaryTheFirstKeepsTheIngress) {
  Json ours = *route_edit(nginx_pair(user_ingress(), Json()), kIngress, kServices, {0, {}, {}});
  ours["metadata"]["creationTimestamp"] = "2026-12-04T10:00:05Z";
  // Ours came second: refused.
  EXPECT_NE(read_route(nginx_pair(user_ingress(), ours, others_canary("2026-12-04T10:00:00Z")),
                       kIngress, kServices)
                .problem,
            "");
  // Ours came first: the other Rollout is the one refused, not this one.
  EXPECT_EQ(read_route(nginx_pair(user_ingress(), ours, others_canary("2026-12-04T10:00:09Z")),
                       kIngress, kServices)
                .problem,
            "");
  // The same second: by name ("cart-web-canary" < "checkout-web-canary").
  EXPECT_NE(read_route(nginx_pair(user_ingress(), ours, others_canary("2026-12-04T10:00:05Z")),
                       kIngress, kServices)
                .problem,
            "");
}

}  // namespace
}  // namespace cutover::traffic
