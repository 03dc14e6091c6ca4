#pragma once
// Reads what the planner needs to know about a Rollout's world: its two slot Deployments, their
// pods (for crash loops) and the Services it names. The conversions from API objects are pure
// functions, tested on their own.

#include "kube/kube_client.hpp"
#include "rollout/plan.hpp"

namespace cutover::rollout {

/// What a slot Deployment (and its pods, a PodList) says about the slot.
SlotObservation observe_slot(const Json& deployment, const Json& pods);

/// The slot a Service's selector pins, if any.
std::optional<Slot> pinned_slot(const Json& service);

/// Reads the world of `rollout` through `client`. Missing Deployments are "not there yet";
/// missing Services are left out of `service_slots` (the executor reports them).
kube::Result<Observed> observe(kube::KubeClient& client, const Rollout& rollout);

}  // namespace cutover::rollout
