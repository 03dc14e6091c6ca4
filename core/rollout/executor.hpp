#pragma once
// The imperative shell of the engine: carries out a Plan against the Kubernetes API. Every
// action is idempotent, so a crashed operator (or a CLI that takes over) can re-run a plan and
// end in the same state. Status is written last, with optimistic concurrency.

#include <string>

#include "kube/kube_client.hpp"
#include "rollout/plan.hpp"

namespace cutover::rollout {

class Executor {
 public:
  /// `field_manager` names us in server-side apply and managedFields. `event_client` (optional)
  /// creates the Events, else `client` does: the operator gives Events a client of their own,
  /// as client-go's event recorder has, so they never queue behind the release's own requests
  /// in one client-side rate limit.
  explicit Executor(kube::KubeClient& client, std::string field_manager = "cutover",
                    kube::KubeClient* event_client = nullptr);

  /// Applies the actions in order. Stops at the first failure and returns it; the next
  /// reconcile re-plans from what actually happened. Events are created with names derived
  /// from the transition, so a replayed plan does not duplicate them.
  kube::Result<void> apply(const Rollout& rollout, const Plan& plan);
  /// Creates the Events `recorded` (as `apply` does after the actions).
  kube::Result<void> record(const Rollout& rollout, const std::vector<RecordEvent>& recorded);

  /// Writes `status` with the Rollout's resourceVersion: a concurrent writer yields `conflict`.
  kube::Result<kube::Json> write_status(const Rollout& rollout, const RolloutStatus& status);

  /// The Deployment object for a slot, as `ApplySlot` sends it (exposed for tests).
  static kube::Json slot_deployment(const Rollout& rollout, Slot slot, const std::string& revision,
                                    int replicas);

 private:
  kube::Result<void> apply_action(const Rollout& rollout, const Action& action);
  kube::Result<void> set_flag_weight(const Rollout& rollout, const SetFlagWeight& action);
  kube::Result<void> pin_subset(const Rollout& rollout, const PinService& action);

  kube::KubeClient& client_;
  std::string field_manager_;
  kube::KubeClient& event_client_;
};

}  // namespace cutover::rollout
