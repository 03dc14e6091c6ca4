#pragma once
// A Migration's path on a Gateway API HTTPRoute or an Istio VirtualService: pure functions over
// the API object (Ingress-NGINX's are in traffic/nginx_route.hpp; traffic/route_edit.hpp picks
// by kind and by WeightedServices::move).
//
// A strangler-fig move takes requests for a path away from one Service (spec.from, usually a
// monolith's catch-all rule) and gives them to another (spec.to). The user's route keeps every
// rule, match, filter and parent it has. Cutover adds one rule of its own, named
// PathMove::rule ("migration-<name>"), only while requests move or are mirrored:
// - its matches are spec.matches (Istio: each path ANDed into the matches of the user's route
//   that carries it; a PathPrefix is two Istio matches, exact and `prefix: P/`, so both routers
//   match whole path elements);
// - it copies the rule of the user's that carries the path today (the most specific rule whose
//   paths cover it; Istio: the first http route that matches it): its filters, timeouts,
//   retries and rewrites, so the moved requests are treated as before;
// - its backends are `from` at 100-W and `to` at W (with spec.finalize removeLegacyBackend,
//   `to` alone at 100%); a mirror (setMirrorRoute, a shadow phase) copies P% of the requests
//   to `to` and keeps every answer from `from`.
// Weight 0 with no mirror removes the rule: the path is back on the user's rule, exactly as it
// was. Gateway API: the rule goes first (a tie in precedence goes to it); Istio: right before
// the route it copies (first match wins, so a user's earlier route keeps its requests).
// The patch is guarded by the resourceVersion and by the name of every rule it removes.
#include <expected>
#include <string>

#include "kube/kube_client.hpp"
#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// Reads the share of the path on `to` (0 without Cutover's rule), or a problem naming the
/// route, the field and the fix: the route is missing, or no rule of the user's sends the path
/// to `from`.
RouteReading read_migration_route(const kube::Json& route, const RouteRef& ref,
                                  const WeightedServices& services);

/// The guarded JSON patch that makes `route` say `target` for `services.move` (weight, and a
/// mirror route in `target.managed`), or null when it already does.
std::expected<kube::Json, std::string> migration_route_edit(const kube::Json& route,
                                                            const RouteRef& ref,
                                                            const WeightedServices& services,
                                                            const RouteTarget& target);

/// A regex (RE2, anchored by Prometheus) that matches exactly the request paths of `matches`:
/// `/payments(/.*)?` for PathPrefix /payments, `/payments` for Exact; alternatives joined by |.
std::string path_regex(const std::vector<RouteMatch>& matches);

/// Whether a path match (Exact, or PathPrefix by whole elements) of `a` and one of `b` can
/// match one request path: two Migrations on one route may not.
bool paths_overlap(const StringMatch& a, const StringMatch& b);

}  // namespace cutover::traffic
