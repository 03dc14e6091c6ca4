#pragma once
// Which Rollouts name which Services, so that a change to a user's Service (say, a `kubectl
// apply` of its YAML that drops our cutover.dev/slot selector key) wakes the Rollouts that pin
// it, and the next reconcile puts the key back. Fed by the Rollout informer; read by the
// Service informer's handler. Thread-safe.

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "kube/watch_decoder.hpp"

namespace cutover::op {

class ServiceIndex {
 public:
  /// Records the Services a Rollout names (stable/canary, active/preview), or forgets them when
  /// the event deletes it.
  void update(const kube::WatchEvent& rollout_event);

  /// Whether the Rollout informer has the Rollout `namespace/name`: it exists and is in this
  /// replica's shard (--instance-id). Keys that other informers derive (from a slot's label, a
  /// run Lease) are reconciled only then, so a shard never touches another shard's Rollouts.
  [[nodiscard]] bool has_rollout(const std::string& rollout_key) const;

  /// The keys (namespace/name) of the Rollouts that name the Service `namespace/name`.
  [[nodiscard]] std::vector<std::string> rollouts_of(const std::string& service_key) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::set<std::string>> services_of_;  // rollout key -> service keys
};

}  // namespace cutover::op
