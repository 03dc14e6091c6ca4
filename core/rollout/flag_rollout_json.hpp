#pragma once
// FlagRollout (`flagrollouts.cutover.dev/v1alpha1`) <-> the engine's Rollout. A FlagRollout moves
// one variant of one flag through steps with no deploy:
//
//     spec:
//       featureFlag: checkout        # a FeatureFlag in the FlagRollout's namespace
//       flag: new-checkout           # the flag's key in its spec.flagSpec.flags
//       variant: "on"                # V: the variant that grows
//       otherVariant: "off"          # W: the rest; default: the flag's defaultVariant
//       steps: [{setWeight: 5}, {analysis: {policies: [...]}}, {pause: {duration: 1m}}, ...]
//       paused: false
//       analysis: {successfulRunHistoryLimit, unsuccessfulRunHistoryLimit}   # optional
//
// It is held as a Rollout (kind FlagRollout) whose canary binds that one flag and has no pods:
// see Rollout::kind. Its status has the Rollout's shape (status_to_json). Every error names the
// FlagRollout, the field and the fix.

#include <expected>

#include "rollout/rollout.hpp"
#include "rollout/rollout_json.hpp"

namespace cutover::rollout {

/// Parses a FlagRollout object as the API serves it. `otherVariant` may be empty here: the
/// reconciler fills it from the flag's defaultVariant (resolve_other_variant).
std::expected<Rollout, SpecError> parse_flag_rollout(const Json& object);

/// The FlagRollout's bound flag (the only entry of its canary's flags).
const FlagBinding& flag_rollout_binding(const Rollout& flag_rollout);

/// Fills the binding's other variant from `feature_flag`'s flag's defaultVariant when the spec
/// names none. Returns the problem (naming the object, the field and the fix) when it cannot:
/// no FeatureFlag, no such flag, no defaultVariant, or the defaultVariant is the variant itself.
/// "" when the binding is complete.
std::string resolve_other_variant(Rollout& flag_rollout, const Json& feature_flag);

}  // namespace cutover::rollout
