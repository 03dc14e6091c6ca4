#pragma once
// `spec.workloadRef`: a Rollout that adopts an existing Deployment instead of carrying its own
// pod template. The Deployment stays the user's (no ownerReference, never deleted): its pod
// template is the Rollout's template (a release is an edit of the Deployment's template), and
// its replicas go down as `scaleDown` says once the Rollout's slot has taken over:
//   never          leave it running (it only loses the traffic of the Services we pin);
//   onsuccess      scale it to 0 once the slot is fully available and the Services are pinned;
//   progressively  scale it down pod for pod as the slot's pods become available, with the
//                  Services left unpinned (they select both) until it is at 0.

#include <expected>

#include "rollout/plan.hpp"
#include "util/spec_reader.hpp"

namespace cutover::rollout {

/// What a referenced Deployment (an API object) says, for the planner.
WorkloadObservation observe_workload(const Json& deployment);

/// Gives `rollout` the pod template (and, when it has none, the selector) of the Deployment it
/// references. Errors name the Rollout, the field and the fix: the Deployment is missing, or has
/// no template.
std::expected<void, FieldError> resolve_workload(
    Rollout& rollout, const std::optional<WorkloadObservation>& workload);

}  // namespace cutover::rollout
