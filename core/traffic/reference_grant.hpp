#pragma once
// Gateway API's ReferenceGrant check, as pure functions: a route (HTTPRoute, GRPCRoute) in
// another namespace than the Services it sends traffic to may reach them only when a
// ReferenceGrant in the Services' namespace allows it. Without one the Gateway refuses the
// backendRefs (ResolvedRefs False, RefNotPermitted) while the route still shows the weights, so
// Cutover checks the grant itself and holds the release, naming the grant to create.
//
// A grant allows route R of kind K in namespace F to reach Service S when one of its
// `spec.from` entries is {group: gateway.networking.k8s.io, kind: K, namespace: F} and one of its
// `spec.to` entries is {group: "", kind: Service} with no `name` or `name: S` (both lists are
// ORed, as Gateway API says).
//
// **Example**:
//
//     const RouteRef route{"HTTPRoute", "edge", "web"};
//     const WeightedServices services{"web-stable", "web-canary", "shop"};
//     // grants: the ReferenceGrant list of namespace shop, as the API server returns it
//     reference_grant_problem(route, services, grants);
//     // "HTTPRoute edge/web may not reach Services web-stable and web-canary: Gateway API needs
//     //  a ReferenceGrant in namespace shop for a route in another namespace, and none allows
//     //  it; create a ReferenceGrant in namespace shop with from {group:
//     //  gateway.networking.k8s.io, kind: HTTPRoute, namespace: edge} and to {group: "", kind:
//     //  Service}"

#include <string>
#include <vector>

#include "kube/kube_client.hpp"
#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// v1beta1: the version Gateway API v1.6.1 both serves and stores (v1 is served too, but only
/// since v1.5; older installs serve v1beta1 alone).
inline constexpr const char* kReferenceGrantApiVersion = "gateway.networking.k8s.io/v1beta1";
inline constexpr const char* kReferenceGrantKind = "ReferenceGrant";

/// Whether `route` needs a grant: a Gateway API route in another namespace than `services`.
/// False for every other kind and for a route in the Services' own namespace, so those cost no
/// request.
[[nodiscard]] bool needs_reference_grant(const RouteRef& route, const WeightedServices& services);

/// The Services (`services.stable`, then `services.canary`, each once) that no grant in `grants`
/// lets `route` reach; empty when both are granted or `route` needs no grant. `grants` is a
/// ReferenceGrant list (`{items: [...]}`) or an array of grants; a grant of another namespace,
/// or one that is not an object or lacks fields, grants nothing. Never throws.
[[nodiscard]] std::vector<std::string> ungranted_services(const RouteRef& route,
                                                          const WeightedServices& services,
                                                          const kube::Json& grants);

/// The RouteReading::problem for `route` given `grants`: names the route, the Services, their
/// namespace and the ReferenceGrant to create; "" when nothing is missing.
[[nodiscard]] std::string reference_grant_problem(const RouteRef& route,
                                                  const WeightedServices& services,
                                                  const kube::Json& grants);

}  // namespace cutover::traffic
