#pragma once
// The two-slot model: a Rollout owns two Deployments, `<name>-a` and `<name>-b`. One is stable,
// the other the candidate; their roles swap at each promotion.

#include <optional>
#include <string>
#include <string_view>

namespace cutover::rollout {

enum class Slot { a, b };

inline constexpr Slot other(Slot slot) {
  return slot == Slot::a ? Slot::b : Slot::a;
}
inline constexpr std::string_view to_string(Slot slot) {
  return slot == Slot::a ? "a" : "b";
}
inline std::optional<Slot> parse_slot(std::string_view text) {
  if (text == "a")
    return Slot::a;
  if (text == "b")
    return Slot::b;
  return std::nullopt;
}

/// The label on everything a Rollout owns (slot Deployments and their pods, AnalysisRuns,
/// ControllerRevisions, run Leases): the Rollout's name.
inline constexpr const char* kRolloutLabel = "cutover.dev/rollout";
/// The pod label (and Service selector key) that names the slot.
inline constexpr const char* kSlotLabel = "cutover.dev/slot";
/// The annotation on a slot Deployment that records which revision it runs.
inline constexpr const char* kRevisionAnnotation = "cutover.dev/revision";

/// `<rollout>-a` or `<rollout>-b`.
inline std::string slot_deployment_name(std::string_view rollout, Slot slot) {
  return std::string(rollout) + "-" + std::string(to_string(slot));
}

}  // namespace cutover::rollout
