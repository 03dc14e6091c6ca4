#pragma once
// A route that a Rollout's traffic goes through, named in spec.strategy.canary.trafficRouting:
// a Gateway API HTTPRoute or GRPCRoute (gateway.networking.k8s.io/v1), or an Istio
// VirtualService (networking.istio.io/v1), or an Ingress-NGINX Ingress (networking.k8s.io/v1).

#include <map>
#include <string>
#include <vector>

#include "kube/resource.hpp"

namespace cutover::traffic {

inline constexpr const char* kVirtualServiceKind = "VirtualService";
inline constexpr const char* kIngressKind = "Ingress";

struct RouteRef {
  std::string kind;  // HTTPRoute, GRPCRoute, VirtualService or Ingress (nginx.stableIngress)
  std::string namespace_name;
  std::string name;
  /// VirtualService: istio.virtualService.routes, the names of the http routes whose weights
  /// Cutover sets; empty: every http route whose destinations name both Services.
  std::vector<std::string> http_routes;
  /// Ingress: nginx.additionalIngressAnnotations, for the canary Ingress (names completed with
  /// the nginx.ingress.kubernetes.io/ prefix when they have none).
  std::map<std::string, std::string> canary_annotations;

  /// "HTTPRoute shop/web": how status, Events and errors name it.
  [[nodiscard]] std::string describe() const { return kind + " " + namespace_name + "/" + name; }
  [[nodiscard]] kube::ResourceRef resource() const {
    if (kind == kVirtualServiceKind)
      return {"networking.istio.io/v1", kind, namespace_name};
    if (kind == kIngressKind)
      return {"networking.k8s.io/v1", kind, namespace_name};
    return {"gateway.networking.k8s.io/v1", kind, namespace_name};
  }
  bool operator==(const RouteRef&) const = default;
};

}  // namespace cutover::traffic
