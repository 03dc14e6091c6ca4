#pragma once
// The Deployment of a slot, exactly as `ApplySlot` sends it (server-side apply), and the hash
// that tells whether a live slot Deployment already says all of it.

#include <string>

#include "rollout/rollout.hpp"
#include "rollout/slot.hpp"

namespace cutover::rollout {

/// The annotation holding `applied_hash` of what was last applied to a slot Deployment.
inline constexpr const char* kAppliedAnnotation = "cutover.dev/applied";
/// The annotation holding the Rollout's pod template of the slot's revision, as the user wrote
/// it (compact JSON): the revision's record while it runs on the slot (see revision_record.hpp).
/// The slot's own `spec.template` cannot serve: the API server adds defaults to it, which would
/// change the revision hash of a template restored from it.
inline constexpr const char* kTemplateAnnotation = "cutover.dev/template";

/// The slot Deployment for `revision` of `rollout`'s template at `replicas`, annotated with its
/// applied hash.
Json slot_deployment(const Rollout& rollout, Slot slot, const std::string& revision, int replicas);

/// A hash of everything `deployment` (as slot_deployment builds it) sets except its replica
/// count, this annotation and the template annotation (derived from the template, which the hash
/// covers; left out so that slots applied before it existed are not all applied again):
/// equal hashes mean re-applying it changes nothing but replicas.
std::string applied_hash(const Json& deployment);

}  // namespace cutover::rollout
