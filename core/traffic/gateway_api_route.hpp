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
#include <optional>
#include <string>

#include "kube/kube_client.hpp"
#include "traffic/route_ref.hpp"

namespace cutover::traffic {

/// The Services whose weights are set, in the Rollout's namespace.
struct WeightedServices {
  std::string stable;
  std::string canary;
  std::string namespace_name;
};

/// What a route says of the canary's share.
struct RouteReading {
  /// The canary's share in percent (rounded) when every rule that names both Services agrees;
  /// none while they disagree (a patch in flight, or a user's edit).
  std::optional<int> weight;
  /// Set when Cutover cannot route through it until the user fixes it: the route is missing,
  /// or no rule names both Services. Names the route and says what to do.
  std::string problem;
  bool operator==(const RouteReading&) const = default;
};

/// Reads `route` (the API object; null when it does not exist).
RouteReading read_route(const kube::Json& route, const RouteRef& ref,
                        const WeightedServices& services);

/// The JSON patch that gives the canary `weight` percent (and stable the rest) in every rule
/// that names both Services; an error (as `read_route`'s problem) when no rule does.
std::expected<kube::Json, std::string> weight_patch(const kube::Json& route, const RouteRef& ref,
                                                    const WeightedServices& services, int weight);

}  // namespace cutover::traffic
