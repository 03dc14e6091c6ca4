#pragma once
// The TrafficRouter of a Rollout (traffic/traffic_router.hpp), built where the observer and
// the executor need it.

#include <memory>

#include "kube/kube_client.hpp"
#include "rollout/plan.hpp"
#include "rollout/rollout.hpp"
#include "traffic/traffic_router.hpp"

namespace cutover::rollout {

/// A canary's stable and canary Services, and the Rollout (the owner of an NGINX canary).
traffic::WeightedServices weighted_services(const Rollout& rollout);

/// The router of a canary with trafficRouting; null for a replica-ratio canary or blue-green.
std::unique_ptr<traffic::TrafficRouter> router_for(kube::KubeClient& client,
                                                   const Rollout& rollout);

/// The edit each route needs to say `route` (null: none), from what `observed` read; the
/// first error stops it. Without managedRoutes only the weights are compared, so a reading
/// needs no object.
std::expected<bool, std::string> routes_need_edit(const Rollout& rollout, const Observed& observed,
                                                  const SetRouteWeight& route);

}  // namespace cutover::rollout
