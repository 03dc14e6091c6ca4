#pragma once
// The Deployment of a slot, exactly as `ApplySlot` sends it (server-side apply), and the hash
// that tells whether a live slot Deployment already says all of it.

#include <string>

#include "rollout/rollout.hpp"
#include "rollout/slot.hpp"

namespace cutover::rollout {

/// The annotation holding `applied_hash` of what was last applied to a slot Deployment.
inline constexpr const char* kAppliedAnnotation = "cutover.dev/applied";

/// The slot Deployment for `revision` of `rollout`'s template at `replicas`, annotated with its
/// applied hash.
Json slot_deployment(const Rollout& rollout, Slot slot, const std::string& revision, int replicas);

/// A hash of everything `deployment` (as slot_deployment builds it) sets except its replica
/// count and this annotation: equal hashes mean re-applying it changes nothing but replicas.
std::string applied_hash(const Json& deployment);

}  // namespace cutover::rollout
