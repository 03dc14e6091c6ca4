#pragma once
// Which Rollouts this replica drives, and what each names: Services (stable/canary,
// active/preview), an adopted Deployment (`spec.workloadRef`), SLO policies, Gateway API
// routes, Istio VirtualServices and NGINX Ingresses (trafficRouting) and bound FeatureFlags
// (spec.strategy.canary.flags). So an event on any of those wakes exactly the Rollouts that name
// it: a user's Service re-applied without our selector key is re-pinned, an edit of an adopted
// Deployment starts a release, and a policy change reaches the Rollouts gated on it. Fed by the
// Rollout informer; read by the other informers' handlers and the workers. Thread-safe.

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kube/watch_decoder.hpp"

namespace cutover::op {

/// What a Rollout can name. Keys are "namespace/name", and "name" for a ClusterSLOPolicy.
enum class Reference {
  service,
  workload,
  policy,
  cluster_policy,
  http_route,
  grpc_route,
  virtual_service,
  /// istio.destinationRule: its subsets are pinned as Services are.
  destination_rule,
  ingress,
  feature_flag,
  /// Any ReferenceGrant of namespace N, named by N alone: it wakes the Rollouts of N whose Gateway
  /// API routes are in another namespace (any grant there may be the one they need).
  /// rollouts_naming() takes the grant's own "namespace/name".
  reference_grant
};

/// A FlagRollout's key in the index and the work queue: "FlagRollout:namespace/name" (no object
/// name holds a ':', so it never meets a Rollout's "namespace/name").
inline constexpr std::string_view kFlagRolloutKeyPrefix = "FlagRollout:";
[[nodiscard]] inline bool is_flag_rollout_key(std::string_view key) {
  return key.starts_with(kFlagRolloutKeyPrefix);
}

/// A Migration's key: "Migration:namespace/name".
inline constexpr std::string_view kMigrationKeyPrefix = "Migration:";
[[nodiscard]] inline bool is_migration_key(std::string_view key) {
  return key.starts_with(kMigrationKeyPrefix);
}

/// The index and work-queue key of a Rollout, FlagRollout or Migration object (by its kind).
[[nodiscard]] std::string queue_key(const kube::Json& object);

class RolloutIndex {
 public:
  /// Records what a Rollout (or a FlagRollout: its FeatureFlag and policies; a Migration: its
  /// route and policies) names, or forgets
  /// it when the event deletes it.
  void update(const kube::WatchEvent& rollout_event);

  /// Whether the Rollout informer has the Rollout `namespace/name`: it exists and is in this
  /// replica's shard (--instance-id). Keys that other informers derive (from a slot's label, a
  /// run Lease) are reconciled only then, so a shard never touches another shard's Rollouts.
  [[nodiscard]] bool has_rollout(const std::string& rollout_key) const;

  /// The keys (namespace/name) of the Rollouts that name the object `key` as `kind`, sorted.
  [[nodiscard]] std::vector<std::string> rollouts_naming(Reference kind,
                                                         const std::string& key) const;

 private:
  using Names = std::set<std::pair<Reference, std::string>>;
  mutable std::mutex mutex_;
  std::map<std::string, Names> names_of_;                                        // rollout -> names
  std::map<std::pair<Reference, std::string>, std::set<std::string>> named_by_;  // reverse
};

}  // namespace cutover::op
