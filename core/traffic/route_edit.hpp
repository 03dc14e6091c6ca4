#pragma once
// Reading and editing any route object a Rollout names, by its kind: Gateway API routes
// (traffic/gateway_api_route.hpp) and Istio VirtualServices (traffic/istio_route.hpp). Both
// editors share one contract: the result is a JSON patch guarded by the object's
// resourceVersion that touches only the weights Cutover owns and the rules of its managed
// routes, null when the object already says what is wanted, or an error naming the object,
// the field and the fix.

#include <expected>
#include <string>

#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// Reads `route` (the API object; null when it does not exist).
RouteReading read_route(const kube::Json& route, const RouteRef& ref,
                        const WeightedServices& services);

/// The JSON patch that makes `route` say `target`, or null when it already does.
std::expected<kube::Json, std::string> route_edit(const kube::Json& route, const RouteRef& ref,
                                                  const WeightedServices& services,
                                                  const RouteTarget& target);

}  // namespace cutover::traffic
