#pragma once
// The router of every route object a Rollout names: Gateway API HTTPRoutes and GRPCRoutes, and
// Istio VirtualServices. It reads each object, asks traffic/route_edit.hpp for the guarded JSON
// patch that makes it say the target (the per-kind editors say what they touch and how), and
// writes only when there is one. Reads go through the client, which in the operator answers
// from its informer cache.
//
// A Gateway API route in another namespace than the Services is also checked against the
// ReferenceGrants of the Services' namespace (traffic/reference_grant.hpp): without a grant its
// reading has a problem naming the grant to create, and it is never written. A route in the
// Services' namespace costs no such request.

#include <optional>
#include <string>
#include <vector>

#include "traffic/route_ref.hpp"
#include "traffic/traffic_router.hpp"

namespace cutover::traffic {

class ObjectRouter final : public TrafficRouter {
 public:
  /// `owned`: spec.strategy.canary.trafficRouting.managedRoutes (RouteTarget::owned).
  ObjectRouter(kube::KubeClient& client, std::vector<RouteRef> routes, WeightedServices services,
               std::vector<std::string> owned = {});

  kube::Result<void> set(int weight, const std::vector<ManagedRoute>& managed) override;
  kube::Result<std::map<std::string, RouteReading>> read() override;

 private:
  /// reference_grant_problem() for `route`: "" when it needs no grant or has one. `grants`
  /// holds the namespace's ReferenceGrants once listed, so one read() or set() lists them once.
  kube::Result<std::string> grant_problem(const RouteRef& route, std::optional<kube::Json>& grants);

  kube::KubeClient& client_;
  std::vector<RouteRef> routes_;
  WeightedServices services_;
  std::vector<std::string> owned_;
};

}  // namespace cutover::traffic
