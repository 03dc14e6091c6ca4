#include "control_plan.hpp"

#include <fmt/format.h>

#include "rollout/rollout_commands.hpp"
#include "rollout_kind.hpp"

namespace cutover::cli {

namespace {

using rollout::Phase;

bool releasing(const rollout::Rollout& r) {
  return r.status.stable_revision.empty() || r.status.current_revision != r.status.stable_revision;
}

// What an abort does, for its confirmation.
std::string abort_effect(const rollout::Rollout& r) {
  switch (kind_of(r)) {
    case RolloutKind::flag_rollout:
      return "abort requested: the variant goes back to 0%";
    case RolloutKind::migration:
      return fmt::format("abort requested: the path goes back to Service {}",
                         r.spec.canary().stable_service);
    case RolloutKind::rollout:
      break;
  }
  return "abort requested: traffic goes back to the stable revision";
}

}  // namespace

std::optional<ControlVerb> parse_control_verb(std::string_view word) {
  if (word == "promote")
    return ControlVerb::promote;
  if (word == "abort")
    return ControlVerb::abort;
  if (word == "retry")
    return ControlVerb::retry;
  if (word == "pause")
    return ControlVerb::pause;
  if (word == "resume")
    return ControlVerb::resume;
  return std::nullopt;
}

std::expected<ControlPlan, std::string> plan_control(ControlVerb verb, const rollout::Rollout& r,
                                                     std::string_view user,
                                                     std::string_view resume_hint,
                                                     std::string_view via) {
  ControlPlan plan{.patch = nullptr, .subresource = kube::kStatus, .outcome = {}};
  switch (verb) {
    case ControlVerb::promote:
    case ControlVerb::promote_full:
      if (!releasing(r) && r.status.phase == Phase::healthy) {
        plan.outcome = "is Healthy with no release under way: nothing to promote";
        return plan;
      }
      if (r.spec.paused)
        plan.warning = fmt::format("has spec.paused=true; it stays paused until {}", resume_hint);
      plan.patch = rollout::promote_status_patch(
          verb == ControlVerb::promote_full ? rollout::PromoteFull::yes : rollout::PromoteFull::no,
          user, via);
      plan.outcome = verb == ControlVerb::promote_full ? "promoted: skipping the remaining steps"
                                                       : "promoted: on to the next step";
      return plan;
    case ControlVerb::abort:
      if (!releasing(r)) {
        plan.outcome = "has no release under way: nothing to abort";
        return plan;
      }
      plan.patch = rollout::abort_status_patch(user, via);
      plan.outcome = abort_effect(r);
      return plan;
    case ControlVerb::retry: {
      auto retry = rollout::retry_status_patch(r);
      if (!retry)
        return std::unexpected(retry.error().describe());
      plan.outcome = retry->at("status").contains("retryAnalysis")
                         ? "retry requested: the inconclusive analysis runs again"
                         : "retry requested: the release starts again from step 1";
      plan.patch = std::move(*retry);
      return plan;
    }
    case ControlVerb::pause:
    case ControlVerb::resume:
      plan.subresource.clear();
      plan.patch = rollout::pause_spec_patch(
          verb == ControlVerb::pause ? rollout::Paused::yes : rollout::Paused::no, user, via);
      plan.outcome =
          verb == ControlVerb::pause ? "paused (spec.paused=true)" : "resumed (spec.paused=false)";
      return plan;
  }
  return plan;
}

}  // namespace cutover::cli
