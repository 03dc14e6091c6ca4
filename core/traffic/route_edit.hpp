#pragma once
// Reading and editing any route object a Rollout names, by its kind: Gateway API routes
// (traffic/gateway_api_route.hpp), Istio VirtualServices (traffic/istio_route.hpp) and
// Ingress-NGINX canaries (traffic/nginx_route.hpp). The editors share one contract: the result
// is the change to write, null when the object already says what is wanted, or an error naming
// the object, the field and the fix. For Gateway API and Istio the change is a JSON patch
// guarded by the object's resourceVersion that touches only the weights Cutover owns and the
// rules of its managed routes; for NGINX it is the whole canary Ingress, Cutover's own object,
// to apply (the user's Ingress is only read). An NGINX reading's object is the pair
// traffic::nginx_pair(user's Ingress, canary Ingress).

#include <expected>
#include <string>

#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// Reads `route` (the API object; null when it does not exist).
RouteReading read_route(const kube::Json& route, const RouteRef& ref,
                        const WeightedServices& services);

/// The change that makes `route` say `target`, or null when it already does.
std::expected<kube::Json, std::string> route_edit(const kube::Json& route, const RouteRef& ref,
                                                  const WeightedServices& services,
                                                  const RouteTarget& target);

}  // namespace cutover::traffic
