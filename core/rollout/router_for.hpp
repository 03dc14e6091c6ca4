#pragma once
// The TrafficRouter of a Rollout (traffic/traffic_router.hpp), built where the observer and
// the executor need it.

#include <memory>

#include "kube/kube_client.hpp"
#include "rollout/rollout.hpp"
#include "traffic/traffic_router.hpp"

namespace cutover::rollout {

/// The router of a canary with trafficRouting; null for a replica-ratio canary or blue-green.
std::unique_ptr<traffic::TrafficRouter> router_for(kube::KubeClient& client,
                                                   const Rollout& rollout);

}  // namespace cutover::rollout
