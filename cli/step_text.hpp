#pragma once
// How a canary step reads wherever the CLI shows one: the step tree of `deploy status` and the
// Steps table of the GitHub Actions step summary print the same words for the same step.

#include <string>

#include "rollout/rollout.hpp"

namespace cutover::cli {

/// One canary step in words. Durations use the units a user writes (`format_duration`), and an
/// analysis step lists its policies by name. Pure; never empty.
///
/// **Example**:
/// ```
/// setWeight 25
/// pause (until promoted)
/// pause 1m30s
/// setCanaryScale replicas=2      (or weight=20, or matchTrafficWeight)
/// analysis error-rate, latency   (just "analysis" when it names no policy)
/// setMirrorRoute shadow 100%     (or "(remove)")
/// ```
///
/// Whose step it is decides what a setMirrorRoute without `match` means: a Rollout's removes
/// the mirror; a Migration's mirrors its spec.matches, and its percentage 0 removes it.
enum class StepOwner { rollout, migration };
std::string step_text(const rollout::CanaryStep& step, StepOwner owner = StepOwner::rollout);

}  // namespace cutover::cli
