#include "rollout/router_for.hpp"

#include "traffic/gateway_api_router.hpp"

namespace cutover::rollout {

std::unique_ptr<traffic::TrafficRouter> router_for(kube::KubeClient& client,
                                                   const Rollout& rollout) {
  if (!rollout.spec.is_canary() || rollout.spec.canary().routes.empty())
    return nullptr;
  const auto& canary = rollout.spec.canary();
  return std::make_unique<traffic::GatewayApiRouter>(
      client, canary.routes,
      traffic::WeightedServices{canary.stable_service, canary.canary_service,
                                rollout.namespace_name});
}

}  // namespace cutover::rollout
