#pragma once
// Ingress-NGINX canaries: pure functions over the user's Ingress and Cutover's canary Ingress.
//
// The user's Ingress (trafficRouting.nginx.stableIngress) is never written. Cutover owns a
// second Ingress, `<rollout>-<stableIngress>-canary`: a copy of the user's rules (its class, and
// every host and path whose backend is stableService, sent to canaryService instead) with
// Ingress-NGINX's canary annotations, which NGINX merges into the user's Ingress for the same
// host:
// - `canary: "true"`, `canary-weight: W`, `canary-weight-total: "100"`;
// - a header route: `canary-by-header` with `canary-by-header-value` (exact) or
//   `canary-by-header-pattern` (regex; a prefix as an anchored, escaped regex);
// - trafficRouting.nginx.additionalIngressAnnotations (a name without a prefix gets
//   `nginx.ingress.kubernetes.io/`).
// It carries the `cutover.dev/rollout` label and an ownerReference to the Rollout, so the
// garbage collector removes it with the Rollout. It is written by server-side apply, whole
// (Cutover owns every field of it), and held at weight 0 outside a release.
//
// NGINX can express less than the other routers, and what it cannot is refused, never
// approximated: one header route with one header (no path or method), no mirror route.

#include <expected>
#include <string>

#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// The label that names the canary Ingress's Rollout (rollout/slot.hpp's kRolloutLabel).
inline constexpr const char* kOwnerLabel = "cutover.dev/rollout";
/// The label that names the canary Ingress's Migration (a path moved by weight).
inline constexpr const char* kMigrationOwnerLabel = "cutover.dev/migration";
/// The annotation on a Rollout's canary Ingress that names the user's Ingress it is the canary
/// of (an annotation: an Ingress's name may be longer than a label value may).
inline constexpr const char* kStableIngressAnnotation = "cutover.dev/stable-ingress";
/// The field manager of the canary Ingress, the same for the operator and `deploy run`, so
/// either removes an annotation the other applied.
inline constexpr const char* kNginxFieldManager = "cutover-nginx";

/// `<rollout>-<stableIngress>-canary`; a Migration's `<migration>-<ingress>-migration`.
std::string canary_ingress_name(const RouteRef& ref, const WeightedServices& services);

/// The reading object of an NGINX route: {"stable": the user's Ingress, "canary": Cutover's}
/// (each null when it does not exist), and "others": the namespace's other Ingresses labelled
/// cutover.dev/rollout (the canaries of other Rollouts; see read_nginx).
kube::Json nginx_pair(kube::Json stable, kube::Json canary, kube::Json others = kube::Json());

/// Reads the pair: the canary Ingress's weight (0 without one), or a problem naming the fix.
/// ingress-nginx applies one canary per Ingress, so when another Rollout's canary Ingress is
/// the canary of the same Ingress, one of the two Rollouts is refused: the one whose canary
/// Ingress came second (none yet counts as last; a tie goes by name), so exactly one keeps it.
RouteReading read_nginx(const kube::Json& pair, const RouteRef& ref,
                        const WeightedServices& services);

/// The canary Ingress to apply so that the pair says `target`, or null when it already does
/// (the contract of traffic::route_edit). An error names the Ingress, the field and the fix.
std::expected<kube::Json, std::string> nginx_edit(const kube::Json& pair, const RouteRef& ref,
                                                  const WeightedServices& services,
                                                  const RouteTarget& target);

/// Why a managed route cannot be carried by an NGINX canary (empty when it can): one header,
/// exactly, by prefix or by regex, and nothing else. Shared with the Rollout's parser, so that
/// `deploy lint` refuses it before a release does.
std::string nginx_cannot_express(const ManagedRoute& route);

}  // namespace cutover::traffic
