#pragma once
// A route that a Rollout's traffic goes through: a Gateway API HTTPRoute or GRPCRoute
// (gateway.networking.k8s.io/v1), named in spec.strategy.canary.trafficRouting.

#include <string>

#include "kube/resource.hpp"

namespace cutover::traffic {

struct RouteRef {
  std::string kind;  // HTTPRoute or GRPCRoute
  std::string namespace_name;
  std::string name;

  /// "HTTPRoute shop/web": how status, Events and errors name it.
  [[nodiscard]] std::string describe() const { return kind + " " + namespace_name + "/" + name; }
  [[nodiscard]] kube::ResourceRef resource() const {
    return {"gateway.networking.k8s.io/v1", kind, namespace_name};
  }
  bool operator==(const RouteRef&) const = default;
};

}  // namespace cutover::traffic
