#pragma once
// Reading and editing the weights of a Gateway API route (HTTPRoute or GRPCRoute): pure
// functions over the API object.
//
// Cutover owns only the `weight` of the backendRefs that name the Rollout's stable and canary
// Services, in the rules that name both. It never regenerates or reorders a route: the user's
// matches, filters, other rules and parents stay byte-for-byte (Flagger rewrites the whole
// route and drops them: flagger#1857, #1888). The edit is a JSON patch (RFC 6902) guarded by
// `test` operations on the route's resourceVersion and on the name of every backendRef it
// touches, so a concurrent edit makes it fail (and the next pass re-reads) rather than land on
// the wrong entry.

#include <expected>
#include <string>

#include "kube/kube_client.hpp"
#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// Whether `ref` (a backendRef of a route in `route_namespace`) names the Service `name` of
/// `services.namespace_name`. Group "" and kind Service are the defaults.
bool names_service(const kube::Json& ref, const std::string& name,
                   const std::string& route_namespace, const WeightedServices& services);

/// Reads an HTTPRoute or GRPCRoute (the API object; null when it does not exist).
RouteReading read_gateway_route(const kube::Json& route, const RouteRef& ref,
                                const WeightedServices& services);

/// The JSON patch that gives the canary `weight` percent (and stable the rest) in every rule
/// that names both Services; an error (as `read_gateway_route`'s problem) when no rule does.
std::expected<kube::Json, std::string> weight_patch(const kube::Json& route, const RouteRef& ref,
                                                    const WeightedServices& services, int weight);

/// The JSON patch that makes `route` say `target`, or null when it already does.
///
/// Managed routes are rules of Cutover's, one per weighted rule of the user's (named after the
/// managed route; -2, -3 ... for the second and further), placed before the user's rules so
/// that a tie in Gateway API's precedence goes to them; the user's rules keep their order. A
/// rule copies the user's rule's matches and filters and ANDs the managed route's conditions
/// into each match (one rule per match of the user's times match of the route):
/// - a header route sends what matches to canaryService alone;
/// - a mirror route keeps the weights and adds a RequestMirror filter (`percent`) to
///   canaryService.
/// When Cutover's rules are not exactly the wanted ones in the wanted order, all of them are
/// removed and the wanted ones added. Every removal is guarded by a `test` of the rule's name,
/// the whole patch by the route's resourceVersion.
///
/// An error names the route, the field and the fix: a problem read_gateway_route() reports, a limit
/// of the API (16 rules, 64 matches per rule, 128 in all, 16 headers per match), or a condition the
/// route kind cannot express (a path or method on a GRPCRoute, a method by prefix or regex).
std::expected<kube::Json, std::string> gateway_route_edit(const kube::Json& route,
                                                          const RouteRef& ref,
                                                          const WeightedServices& services,
                                                          const RouteTarget& target);

}  // namespace cutover::traffic
