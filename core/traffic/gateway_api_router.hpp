#pragma once
// The Gateway API router: the weights of the stable and canary Services' backendRefs in a
// Rollout's HTTPRoutes and GRPCRoutes (traffic/gateway_api_route.hpp says what it edits and
// how). Reads go through the client, which in the operator answers from its informer cache.

#include <string>
#include <vector>

#include "traffic/traffic_router.hpp"

namespace cutover::traffic {

class GatewayApiRouter final : public TrafficRouter {
 public:
  /// `owned`: spec.strategy.canary.trafficRouting.managedRoutes (RouteTarget::owned).
  GatewayApiRouter(kube::KubeClient& client, std::vector<RouteRef> routes,
                   WeightedServices services, std::vector<std::string> owned = {});

  kube::Result<void> set(int weight, const std::vector<ManagedRoute>& managed) override;
  kube::Result<std::map<std::string, RouteReading>> read() override;

 private:
  /// The route object, or null when it does not exist.
  kube::Result<kube::Json> get(const RouteRef& route);

  kube::KubeClient& client_;
  std::vector<RouteRef> routes_;
  WeightedServices services_;
  std::vector<std::string> owned_;
};

}  // namespace cutover::traffic
