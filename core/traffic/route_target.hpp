#pragma once
// What every router reads from a route object and what Cutover wants it to say: the types the
// Gateway API and Istio route editors share (traffic/route_edit.hpp picks the editor by kind).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kube/kube_client.hpp"
#include "traffic/managed_route.hpp"

namespace cutover::traffic {

/// A Migration's path (traffic/migration_route.hpp): the requests that move from one Service
/// (WeightedServices::stable, `spec.from`) to another (WeightedServices::canary, `spec.to`).
/// Cutover carries them by a rule of its own (an HTTPRoute rule, a VirtualService http route or
/// a canary Ingress) that exists only while some of them move or are mirrored.
struct PathMove {
  /// Cutover's rule's name: "migration-<Migration name>".
  std::string rule;
  int from_port = 0;
  int to_port = 0;
  /// spec.matches, ORed; each has a path. A `prefix` path is Gateway API's PathPrefix: whole
  /// path elements (/payments matches /payments and /payments/x, never /paymentsx).
  std::vector<RouteMatch> matches;
  /// spec.finalize: removeLegacyBackend: at 100% the rule names `to` alone.
  bool remove_legacy = false;
  /// spec.onDelete: keep: what Cutover creates is not owned by the Migration (the garbage
  /// collector would otherwise take the NGINX canary Ingress, and the path, with it).
  bool keep_on_delete = false;
  bool operator==(const PathMove&) const = default;
};

/// The Services whose weights are set, in the Rollout's namespace, and the Rollout, which owns
/// what a router creates (the NGINX canary Ingress). With `move`, a Migration's path: `stable` is
/// spec.from's Service, `canary` spec.to's, and `rollout` the Migration.
struct WeightedServices {
  std::string stable;
  std::string canary;
  std::string namespace_name;
  std::string rollout;
  std::string rollout_uid;
  std::optional<PathMove> move;
  /// Istio subset-level routing: `stable` and `canary` name subsets of this DestinationRule, and
  /// a VirtualService destination is told apart by its `subset` rather than its host.
  std::string destination_rule;
  /// How messages name the pair: "Services web-stable and web-canary" or "subsets stable and
  /// canary of DestinationRule web".
  [[nodiscard]] std::string describe_pair() const;
  /// The kind that owns what a router creates: Rollout, or Migration with `move`.
  [[nodiscard]] const char* owner_kind() const { return move ? "Migration" : "Rollout"; }
};

/// What a route says of the canary's share.
struct RouteReading {
  /// The canary's share in percent (rounded) when every rule that names both Services agrees;
  /// none while they disagree (a patch in flight, or a user's edit).
  std::optional<int> weight;
  /// Set when Cutover cannot route through it until the user fixes it: the route is missing,
  /// or no rule names both Services. Names the route and says what to do.
  std::string problem;
  /// The route as read (null when it does not exist): route_edit() tells from it whether the
  /// managed routes are there as asked.
  kube::Json object;
  bool operator==(const RouteReading&) const = default;
};

/// What Cutover wants a route to say: the canary's weight, and its own rules.
struct RouteTarget {
  int weight = 0;
  /// Cutover's rules, in precedence order (spec.strategy.canary.trafficRouting.managedRoutes).
  std::vector<ManagedRoute> managed;
  /// The managedRoutes names: a rule named N, or N-2, N-3 ..., is Cutover's and is removed
  /// when not wanted. Every other rule is the user's and is never touched beyond its weights.
  std::vector<std::string> owned;
};

/// Whether a rule (or Istio http route) named `rule` may be Cutover's: a managedRoutes name N,
/// or N-2, N-3 ...
bool owned_rule_name(const std::string& rule, const std::vector<std::string>& owned);

/// The name of managed route `managed`'s copy of the k-th (0-based) weighted rule: N, N-2 ...
std::string managed_rule_name(const ManagedRoute& managed, std::size_t k);

/// The canary's share of two weights in percent, rounded: canary / (stable + canary), 0 when
/// both are 0. The callers clamp each to their API's range first.
int canary_share(std::int64_t stable, std::int64_t canary);

/// Whether every member `want` sets is in `have` with the same value (arrays element by
/// element): the API server adds its defaults to what Cutover wrote.
bool json_contains(const kube::Json& have, const kube::Json& want);

}  // namespace cutover::traffic
