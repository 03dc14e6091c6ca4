// Releases with no pods: a FlagRollout moves one flag's variant, a Migration moves a path from
// one Service to another. Both are the canary's steps over one "medium" (the flag, or the
// route) instead of pods, and reuse the canary's step helpers, gates (run_gate), history and
// pauses; what they do not have is pods: no slot or Service action is ever planned.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "rollout/migration_json.hpp"
#include "rollout/planner_support.hpp"
#include "rollout/reconcile_error.hpp"
#include "rollout/router_for.hpp"

namespace cutover::rollout {

namespace {

using detail::PlanBuilder;

// What a podless release moves, as the shared pass below drives it.
struct Medium {
  const char* kind;            // FlagRollout, Migration: how messages name the object
  const char* strategy;        // status.strategy: Flag, Migration
  const char* started_reason;  // the Event that starts a release
  const char* noun;            // "the flag", "the route"
  const char* problem_reason;  // the Progressing condition's reason while problem() says why
  std::string target;          // what moves, for Events: "checkout/new-checkout variant on"
  /// Bad input: what the user must fix before anything moves ("" when none).
  std::function<std::string()> problem;
  /// Plans the writes that hold step `index` at `weight`; true once read back.
  std::function<bool(std::size_t index, int weight)> hold;
  /// What the medium reads now, for status messages.
  std::function<std::string()> readings;
  /// An abort: back to 0% in this very pass. `first` is the pass that decides it.
  std::function<void(bool first)> to_zero;
  /// Plans the promotion's writes; true once read back.
  std::function<bool()> promote;
  /// The promotion is read back: records it.
  std::function<void()> promoted;
  /// Promoted and settled: what is held from now on (nothing for a flag).
  std::function<void()> settled;
};

// A new target (the first pass, or the target edited): a release from 0%, step 1, attempt + 1.
// A release under way is superseded.
void begin_release(PlanBuilder& b, const Medium& m) {
  auto& st = b.plan.status;
  if (!st.current_revision.empty() && st.current_revision != st.stable_revision) {
    b.finish_history(st.current_revision, "Superseded",
                     fmt::format("the {}'s target was changed", m.kind));
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
  b.event("Normal", m.started_reason,
          fmt::format("moving {} from 0% through {} step(s)", m.target,
                      b.rollout.spec.canary().steps.size()));
  detail::enter_step(b, 0);
}

void abort_release(PlanBuilder& b, const Medium& m, std::size_t release_actions_start) {
  auto& st = b.plan.status;
  // Drop what this pass planned to move forward; keep its Events (the failed gate's).
  std::erase_if(b.plan.actions, [&, i = std::size_t{0}](const Action& a) mutable {
    return i++ >= release_actions_start && !std::holds_alternative<RecordEvent>(a);
  });
  const std::string reason = st.abort_reason.empty() ? "by request" : st.abort_reason;
  const bool first = !b.rollout.status.aborted_at;
  if (first) {
    b.clear_pauses();
    b.finish_history(st.current_revision, "Aborted",
                     st.abort_reason.empty() ? "aborted by request" : st.abort_reason);
    b.event("Warning", "RolloutAborted",
            fmt::format("aborted: {}; {} back to 0%", reason, m.target));
    st.aborted_at = st.aborted_at.value_or(b.now);
  }
  // Back to 0% in this very pass (the executor writes it before the Events, the runs and the
  // status).
  m.to_zero(first);
  st.current_weight = 0;
  st.phase = Phase::degraded;
  st.message = "aborted: " + reason;
  b.set_condition("Aborted", true, "RolloutAborted", st.message);
  b.set_condition("Progressing", false, "RolloutAborted", st.message);
}

void promote(PlanBuilder& b, const Medium& m) {
  auto& st = b.plan.status;
  if (!m.promote()) {
    st.message = fmt::format("promoting: waiting for {} to read 100% ({})", m.noun, m.readings());
    return;
  }
  m.promoted();
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
  b.promoted_event(fmt::format("{} promoted to 100%", m.target));
}

Plan plan_podless(PlanBuilder& b, const Medium& m) {
  const Rollout& fr = b.rollout;
  auto& st = b.plan.status;
  st.observed_generation = fr.generation;
  st.strategy = m.strategy;
  std::erase_if(st.conditions,
                [](const Condition& c) { return c.type == kReconcileErrorCondition; });
  const auto& steps = fr.spec.canary().steps;
  if (st.stable_revision == b.revision && st.current_revision == b.revision) {
    st.phase = Phase::healthy;
    st.message.clear();
    st.current_step_index = static_cast<int>(steps.size());
    m.settled();
    return b.plan;
  }
  detail::begin_analysis_retry(b);
  if (st.current_revision != b.revision) {
    begin_release(b, m);
  } else if (detail::begin_retry(b)) {
    st.current_weight = 0;
    detail::enter_step(b, 0);
  }
  const auto release_actions_start = b.plan.actions.size();
  if (!st.abort) {
    if (const std::string problem = m.problem(); !problem.empty()) {
      // Bad input: nothing moves and nothing is written; the object's watch wakes us.
      st.phase = Phase::degraded;
      st.message = problem;
      b.set_condition("Progressing", false, m.problem_reason, problem);
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
    if (m.hold(index, weight))
      return true;
    const std::string problem = m.problem();
    st.message = problem.empty()
                     ? fmt::format("step {}/{}: weight {}: waiting for {} to read it ({})",
                                   index + 1, steps.size(), weight, m.noun, m.readings())
                     : problem;
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
    } else if (step.kind == CanaryStep::Kind::set_mirror_route) {
      // A Migration's shadow phase: the mirror counts once the route reads it.
      if (!hold(index, st.current_weight))
        break;
      detail::advance(b, index, fmt::format("mirror {}%", step.route.mirror_percent));
    } else if (step.kind == CanaryStep::Kind::pause) {
      hold(index, st.current_weight);
      if (detail::pass_pause_step(b, index))
        continue;
      break;
    } else {
      // An SLO gate at the current weight, once the medium reads it back (analysis).
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
    abort_release(b, m, release_actions_start);
    return b.plan;
  }
  if (static_cast<std::size_t>(st.current_step_index) >= steps.size()) {
    promote(b, m);
    if (st.phase == Phase::healthy)
      return b.plan;
  }
  const bool paused = !st.pause_conditions.empty();
  st.phase = paused ? Phase::paused : Phase::progressing;
  b.set_condition("Paused", paused, paused ? st.pause_conditions.front().reason : "", st.message);
  b.set_condition("Progressing", true, "RolloutProgressing", st.message);
  return b.plan;
}

}  // namespace

Plan plan_flag_rollout(const Rollout& fr, const Observed& observed, WallTime now) {
  PlanBuilder b{fr, observed, now, Plan{{}, fr.status, std::nullopt},
                template_revision(fr.spec.pod_template)};
  // Deleting: nothing of the user's to give back (the flag keeps its split; the runs go with
  // the FlagRollout).
  if (fr.deleting)
    return b.plan;
  b.read_flag_splits();
  const auto& ref = fr.spec.canary().flags.front().ref;
  Medium m{.kind = kFlagRolloutKind,
           .strategy = "Flag",
           .started_reason = "FlagRolloutStarted",
           .noun = "the flag",
           .problem_reason = "FlagProblem",
           .target = fmt::format("{} variant {}", ref.describe(), ref.variant)};
  m.problem = [&] { return b.flag_problem(); };
  m.hold = [&](std::size_t, int weight) { return b.hold_flags(weight); };
  m.readings = [&] { return b.flag_readings(); };
  m.to_zero = [&](bool first) { b.flags_to_zero(first ? b.plan.status.current_revision : ""); };
  m.promote = [&] { return b.promote_flags(); };
  m.promoted = [&] { b.flags_promoted(); };
  // Promoted: the flag is its owner's again. Nothing is written, whatever it says now.
  m.settled = [] {};
  return plan_podless(b, m);
}

Plan plan_migration(const Rollout& mg, const Observed& observed, WallTime now) {
  PlanBuilder b{mg, observed, now, Plan{{}, mg.status, std::nullopt},
                template_revision(mg.spec.pod_template)};
  const auto& canary = mg.spec.canary();
  // status.canary.weights: what the route read back at the start of this pass.
  auto& weights = b.plan.status.route_weights;
  weights.clear();
  for (const auto& [route, reading] : observed.routes)
    weights.push_back({route, reading.weight});
  // Sets the route to `weight` with `managed` when it can and does not say it already.
  const auto route_to = [&](int weight, std::vector<traffic::ManagedRoute> managed) {
    const auto need = routes_need_edit(mg, observed, SetRouteWeight{weight, managed});
    if (need && *need && b.route_problem().empty())
      b.plan.actions.emplace_back(SetRouteWeight{weight, std::move(managed)});
  };
  if (mg.deleting) {
    // onDelete restore: the path goes back to spec.from before the finalizer is removed.
    if (!canary.move->keep_on_delete)
      route_to(0, {});
    return b.plan;
  }
  std::string paths;
  for (const auto& match : canary.move->matches)
    paths += (paths.empty() ? "" : ", ") + (match.path ? match.path->value : "/");
  Medium m{.kind = kMigrationKind,
           .strategy = "Migration",
           .started_reason = "MigrationStarted",
           .noun = "the route",
           .problem_reason = "RouteProblem",
           .target = fmt::format("{} on {} from {} to {}", paths, canary.routes.front().describe(),
                                 canary.stable_service, canary.canary_service)};
  std::string edit_problem;
  m.problem = [&] {
    std::string problem = b.route_problem();
    return problem.empty() ? edit_problem : problem;
  };
  m.hold = [&](std::size_t index, int weight) {
    auto managed = migration_mirror_at(canary, index);
    const auto need = routes_need_edit(mg, observed, SetRouteWeight{weight, managed});
    if (!need) {
      edit_problem = need.error();
      return false;
    }
    b.plan.actions.emplace_back(SetRouteWeight{weight, std::move(managed)});
    return !*need;
  };
  m.readings = [&] { return b.route_readings(); };
  // An abort puts the whole path back on spec.from at once: Cutover's rule goes.
  m.to_zero = [&](bool) { route_to(0, {}); };
  m.promote = [&] {
    if (!b.routes_say(100)) {
      b.plan.actions.emplace_back(SetRouteWeight{100, {}});
      return false;
    }
    return true;
  };
  m.promoted = [] {};
  // Migrated: the route is held at 100% (a user's edit of Cutover's rule is put back).
  m.settled = [&] { route_to(100, {}); };
  return plan_podless(b, m);
}

}  // namespace cutover::rollout
