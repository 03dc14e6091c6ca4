#pragma once
// Migration (`migrations.cutover.dev/v1alpha1`) <-> the engine's Rollout. A Migration moves a
// path, not a version: the requests that spec.matches selects go from one Service to another
// (a strangler fig: the monolith's /payments to the new payments service), through steps and
// SLO gates, with no deploy:
//
//     spec:
//       route: {gatewayAPI: {httpRoute: web}}   # or {istio: {virtualService: NAME}}
//                                               # or {nginx: {ingress: NAME}}
//       from: {service: monolith, port: 80}
//       to: {service: payments, port: 80}
//       matches: [{path: {type: PathPrefix, value: /payments}}]   # Gateway API's shape
//       steps:
//         - setMirrorRoute: {percentage: 100}   # shadow: copies, answers from `from`
//         - analysis: {policies: [{name: error-rate-vs-legacy}]}
//         - setWeight: 5
//         - ...
//       onDelete: restore                       # or keep
//       finalize: removeLegacyBackend           # optional: at 100%, `to` alone
//       paused: false
//
// It is held as a Rollout (kind Migration) whose canary has no pods: stable_service is
// spec.from's Service, canary_service spec.to's, `routes` the one route and CanaryStrategy::move
// the path. A setMirrorRoute step (its name is optional, its percentage 0 ends it) mirrors the
// path until the first later setWeight above 0: a mirror beside a real share would copy the
// requests `to` already serves. Every error names the Migration, the field and the fix.

#include <expected>
#include <vector>

#include "rollout/rollout.hpp"
#include "rollout/rollout_json.hpp"

namespace cutover::rollout {

/// The finalizer of a Migration with onDelete: restore: before it goes, the path is back on
/// spec.from (Cutover's rule removed).
inline constexpr const char* kMigrationFinalizer = "cutover.dev/restore-route";

/// Parses a Migration object as the API serves it.
std::expected<Rollout, SpecError> parse_migration(const Json& object);

/// The mirror a Migration's route carries at step `index` (none, or one mirror route): the
/// last setMirrorRoute at or before it, unless its percentage is 0 or a setWeight above 0
/// came after it.
std::vector<traffic::ManagedRoute> migration_mirror_at(const CanaryStrategy& canary,
                                                       std::size_t index);

/// Why `migration` may not move its path because `other` (another Migration of the namespace)
/// moves an overlapping one on the same route, or "" when they do not overlap. The one created
/// later (then the greater name) yields: `migration_first` says whether `migration` came first.
std::string migration_conflict(const Rollout& migration, const Rollout& other,
                               bool migration_first);

}  // namespace cutover::rollout
