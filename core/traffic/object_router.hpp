#pragma once
// The router of every route object a Rollout names: Gateway API HTTPRoutes and GRPCRoutes, and
// Istio VirtualServices. It reads each object, asks traffic/route_edit.hpp for the guarded JSON
// patch that makes it say the target (the per-kind editors say what they touch and how), and
// writes only when there is one. Reads go through the client, which in the operator answers
// from its informer cache.

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
  kube::KubeClient& client_;
  std::vector<RouteRef> routes_;
  WeightedServices services_;
  std::vector<std::string> owned_;
};

}  // namespace cutover::traffic
