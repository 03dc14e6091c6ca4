// A FlagRollout's pass: the canary's steps with one bound flag as the only traffic. Reuses the
// canary's step helpers, gates (run_gate), flag helpers (flag_flow.cpp), history and pauses;
// what it does not have is pods: no slot, Service or route action is ever planned.
#include <fmt/format.h>

#include <algorithm>

#include "rollout/planner_support.hpp"
#include "rollout/reconcile_error.hpp"

namespace cutover::rollout {

namespace {

using detail::PlanBuilder;

std::string target_of(const Rollout& fr) {
  const auto& ref = fr.spec.canary().flags.front().ref;
  return fmt::format("{} variant {}", ref.describe(), ref.variant);
}

// A new target (the first pass, or featureFlag/flag/variant/otherVariant edited): a release
// from 0%, step 1, attempt + 1. A release under way is superseded: its flag entry goes with it.
void begin_release(PlanBuilder& b) {
  auto& st = b.plan.status;
  if (!st.current_revision.empty() && st.current_revision != st.stable_revision) {
    b.finish_history(st.current_revision, "Superseded", "the FlagRollout's target was changed");
  }
  st.current_revision = b.revision;
  ++st.release_attempt;
  st.current_step_analysis.reset();
  st.background_analysis.reset();
  st.current_weight = 0;
  st.abort = false;
  st.abort_reason.clear();
  st.aborted_at.reset();
  st.promote_full = false;
  st.promoted_by.clear();
  b.clear_pauses();
  st.progress_started_at = b.now;
  b.history_for(b.revision);
  b.set_condition("Progressing", true, "NewRevision", "");
  b.event("Normal", "FlagRolloutStarted",
          fmt::format("moving {} from 0% through {} step(s)", target_of(b.rollout),
                      b.rollout.spec.canary().steps.size()));
  detail::enter_step(b, 0);
}

void abort_release(PlanBuilder& b, std::size_t release_actions_start) {
  auto& st = b.plan.status;
  // Drop what this pass planned to move forward; keep its Events (the failed gate's).
  std::erase_if(b.plan.actions, [&, i = std::size_t{0}](const Action& a) mutable {
    return i++ >= release_actions_start && !std::holds_alternative<RecordEvent>(a);
  });
  const std::string reason = st.abort_reason.empty() ? "by request" : st.abort_reason;
  if (!b.rollout.status.aborted_at) {
    b.clear_pauses();
    b.finish_history(st.current_revision, "Aborted",
                     st.abort_reason.empty() ? "aborted by request" : st.abort_reason);
    b.event("Warning", "RolloutAborted",
            fmt::format("aborted: {}; {} back to 0%", reason, target_of(b.rollout)));
    st.aborted_at = st.aborted_at.value_or(b.now);
  }
  // The flag first goes back to 0% in this very pass (the executor writes it before the
  // Events, the runs and the status).
  b.flags_to_zero(b.rollout.status.aborted_at ? "" : st.current_revision);
  st.current_weight = 0;
  st.phase = Phase::degraded;
  st.message = "aborted: " + reason;
  b.set_condition("Aborted", true, "RolloutAborted", st.message);
  b.set_condition("Progressing", false, "RolloutAborted", st.message);
}

void promote(PlanBuilder& b) {
  auto& st = b.plan.status;
  if (!b.promote_flags()) {
    st.message =
        fmt::format("promoting: waiting for the flag to read 100% ({})", b.flag_readings());
    return;
  }
  b.flags_promoted();
  st.stable_revision = b.revision;
  st.current_weight = 100;
  st.phase = Phase::healthy;
  st.message = "";
  b.clear_pauses();
  b.finish_history(
      b.revision, "Promoted",
      st.promoted_by.empty() ? "all steps and gates passed" : "promoted by " + st.promoted_by);
  st.promoted_by.clear();
  b.set_condition("Progressing", true, "RolloutHealthy", "");
  b.set_condition("Aborted", false, "", "");
  b.set_condition("Paused", false, "", "");
  const std::string message = fmt::format("{} promoted to 100%", target_of(b.rollout));
  const auto steps = b.take_step_event();
  b.event("Normal", "Promoted", steps ? fmt::format("{} ({})", message, *steps) : message);
}

}  // namespace

Plan plan_flag_rollout(const Rollout& fr, const Observed& observed, WallTime now) {
  PlanBuilder b{fr, observed, now, Plan{{}, fr.status, std::nullopt},
                template_revision(fr.spec.pod_template)};
  auto& st = b.plan.status;
  st.observed_generation = fr.generation;
  st.strategy = "Flag";
  std::erase_if(st.conditions,
                [](const Condition& c) { return c.type == kReconcileErrorCondition; });
  // Deleting: nothing of the user's to give back (the flag keeps its split; the runs go with
  // the FlagRollout).
  if (fr.deleting)
    return b.plan;
  b.read_flag_splits();
  const auto& steps = fr.spec.canary().steps;
  if (st.stable_revision == b.revision && st.current_revision == b.revision) {
    // Promoted: the flag is its owner's again. Nothing is written, whatever it says now.
    st.phase = Phase::healthy;
    st.message.clear();
    st.current_step_index = static_cast<int>(steps.size());
    return b.plan;
  }
  detail::begin_analysis_retry(b);
  if (st.current_revision != b.revision) {
    begin_release(b);
  } else if (detail::begin_retry(b)) {
    st.current_weight = 0;
    detail::enter_step(b, 0);
  }
  const auto release_actions_start = b.plan.actions.size();
  if (!st.abort) {
    if (const std::string problem = b.flag_problem(); !problem.empty()) {
      // Bad input: nothing moves and nothing is written; the FeatureFlag's watch wakes us.
      st.phase = Phase::degraded;
      st.message = problem;
      b.set_condition("Progressing", false, "FlagProblem", problem);
      return b.plan;
    }
    if (detail::hold_for_spec_pause(b))
      return b.plan;
    if (st.promote_full && static_cast<std::size_t>(st.current_step_index) < steps.size()) {
      b.clear_pauses();
      b.event("Normal", "PromotedFull", "promote --full: skipping the remaining steps");
      detail::enter_step(b, steps.size());
    }
  }
  const auto hold = [&](std::size_t index, int weight) {
    if (b.hold_flags(weight))
      return true;
    st.message = fmt::format("step {}/{}: weight {}: waiting for the flag to read it ({})",
                             index + 1, steps.size(), weight, b.flag_readings());
    return false;
  };
  while (!st.abort && static_cast<std::size_t>(st.current_step_index) < steps.size()) {
    const auto index = static_cast<std::size_t>(st.current_step_index);
    const CanaryStep& step = steps[index];
    if (step.kind == CanaryStep::Kind::set_weight) {
      if (!hold(index, step.weight))
        break;
      st.current_weight = step.weight;
      detail::advance(b, index, fmt::format("weight {}%", step.weight));
    } else if (step.kind == CanaryStep::Kind::pause) {
      hold(index, st.current_weight);
      if (detail::pass_pause_step(b, index))
        continue;
      break;
    } else {
      // An SLO gate at the current weight, once the flag reads it back (analysis).
      if (!hold(index, st.current_weight))
        break;
      const auto result = detail::run_gate(b, step.analysis, fmt::format("step-{}", index),
                                           st.current_step_analysis);
      if (result == detail::GateResult::passed) {
        detail::advance(b, index,
                        fmt::format("analysis {} passed", st.current_step_analysis->name));
        continue;
      }
      if (result == detail::GateResult::waiting) {
        st.message = fmt::format("step {}/{}: analysis {}", index + 1, steps.size(),
                                 detail::describe_gate(*st.current_step_analysis));
      }
      break;
    }
  }
  if (st.abort) {
    abort_release(b, release_actions_start);
    return b.plan;
  }
  if (static_cast<std::size_t>(st.current_step_index) >= steps.size()) {
    promote(b);
    if (st.phase == Phase::healthy)
      return b.plan;
  }
  const bool paused = !st.pause_conditions.empty();
  st.phase = paused ? Phase::paused : Phase::progressing;
  b.set_condition("Paused", paused, paused ? st.pause_conditions.front().reason : "", st.message);
  b.set_condition("Progressing", true, "RolloutProgressing", st.message);
  return b.plan;
}

}  // namespace cutover::rollout
