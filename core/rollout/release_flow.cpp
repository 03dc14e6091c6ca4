// The phases every strategy shares: first deployment, steady state, a new revision, failure
// detection and abort.
#include <fmt/format.h>

#include <algorithm>

#include "rollout/planner_support.hpp"
#include "util/duration.hpp"
#include "util/encoding.hpp"

namespace cutover::rollout::detail {

namespace {

void pin_all(PlanBuilder& b, const std::vector<std::string>& services, Slot slot) {
  // The pins first: with canaryService on the same slot too, no route weight can send traffic
  // elsewhere, so they take effect even when a route cannot be edited. Then, routed, every
  // route's weight back on stableService (not through a route Cutover cannot edit: the status
  // says why).
  for (const auto& service : services)
    b.plan.actions.emplace_back(PinService{service, slot});
  if (b.routed() && b.route_problem().empty())
    b.plan.actions.emplace_back(SetRouteWeight{0});
}

// The first deployment of a Rollout that adopts a Deployment (spec.workloadRef): the slot takes
// over from it with no moment in which the Services select no ready pod. True once the
// Services are pinned to the slot.
bool adopt_workload(PlanBuilder& b, const std::vector<std::string>& services, Slot slot,
                    int replicas) {
  auto& st = b.plan.status;
  const auto& ref = *b.rollout.spec.workload_ref;
  const WorkloadObservation& adopted = *b.observed.workload;
  const auto& own = b.observed.slot(slot);
  const bool ready = b.slot_ready(slot, b.revision, replicas);
  const int own_available = own.revision == b.revision ? own.available_replicas : 0;
  if (ref.scale_down == "progressively") {
    // Both sets of pods serve behind the still unpinned Services (they select both); the
    // Deployment gives up one pod for each of the slot's that is available.
    const int target = std::clamp(replicas - own_available, 0, adopted.spec_replicas);
    if (target < adopted.spec_replicas)
      b.plan.actions.emplace_back(ScaleWorkload{ref.name, target});
    if (!ready || target > 0) {
      st.message =
          fmt::format("adopting Deployment {}: slot {} {}/{} available, {} scaled to {}", ref.name,
                      to_string(slot), own_available, replicas, ref.name, target);
      return false;
    }
    pin_all(b, services, slot);
    return true;
  }
  if (!ready) {
    st.message =
        fmt::format("adopting Deployment {}: slot {} {}/{} available; traffic moves when all are",
                    ref.name, to_string(slot), own_available, replicas);
    return false;
  }
  pin_all(b, services, slot);  // the executor pins before it scales anything down
  if (ref.scale_down == "onsuccess" && adopted.spec_replicas > 0)
    b.plan.actions.emplace_back(ScaleWorkload{ref.name, 0});
  return true;
}

}  // namespace

void begin_analysis_retry(PlanBuilder& b) {
  auto& st = b.plan.status;
  if (!st.retry_analysis)
    return;
  st.retry_analysis = false;
  if (st.abort || !b.has_pause(kAnalysisInconclusive))
    return;  // asked for too late (promoted, aborted or already retried): nothing to re-run
  // A new attempt number gives every gate of this release a new AnalysisRun name: the
  // inconclusive gate (and the background analysis) start again, and the inconclusive runs stay
  // as records. The step index is kept, so passed steps are not repeated.
  ++st.release_attempt;
  std::erase_if(st.pause_conditions,
                [](const PauseCondition& p) { return p.reason == kAnalysisInconclusive; });
  const auto inconclusive = [](const std::optional<AnalysisStatus>& a) {
    return a && a->phase == "Inconclusive";
  };
  const std::string gate = inconclusive(st.current_step_analysis) ? st.current_step_analysis->gate
                           : inconclusive(st.background_analysis) ? st.background_analysis->gate
                                                                  : std::string("analysis");
  st.current_step_analysis.reset();
  st.background_analysis.reset();
  b.event("Normal", "AnalysisRetried",
          fmt::format("{}: running the inconclusive analysis again (deploy retry)", gate));
}

bool plan_first_deployment(PlanBuilder& b, const std::vector<std::string>& services) {
  auto& st = b.plan.status;
  if (!st.stable_revision.empty())
    return false;
  const Slot slot = st.stable_slot.value_or(Slot::a);
  const int replicas = b.rollout.spec.replicas;
  st.stable_slot = slot;
  if (st.current_revision != b.revision) {
    st.current_revision = b.revision;
    st.progress_started_at = b.now;
    b.history_for(b.revision);
    b.event("Normal", "FirstDeployment",
            fmt::format("deploying revision {} on slot {} with {} replicas (no steps on a first "
                        "deployment)",
                        b.revision, to_string(slot), replicas));
  }
  b.plan.actions.emplace_back(ApplySlot{slot, b.revision, replicas});
  if (b.rollout.spec.workload_ref && b.observed.workload) {
    if (!adopt_workload(b, services, slot, replicas)) {
      st.phase = Phase::progressing;
      b.set_condition("Progressing", true, "AdoptingWorkload", st.message);
      // The adopted Deployment is not ours and its changes wake no reconcile: look again.
      b.requeue_at(b.now + std::chrono::seconds{5});
      return true;
    }
  } else {
    pin_all(b, services, slot);
  }
  const auto gates = first_deploy_gates(b.rollout.spec);
  if (b.rollout.spec.analyze_first_deploy && !gates.policies.empty() &&
      b.slot_ready(slot, b.revision, replicas)) {
    if (!st.abort && st.aborted_at) {
      // `deploy retry` after a failed first-deploy gate: a new run.
      st.aborted_at.reset();
      st.abort_reason.clear();
      ++st.release_attempt;
    }
    if (st.abort) {
      // Nothing older to roll back to: keep the pods, say why it is not Healthy.
      st.aborted_at = st.aborted_at.value_or(b.now);
      st.phase = Phase::degraded;
      st.message = "first deployment failed its SLO gates: " + st.abort_reason;
      b.set_condition("Aborted", true, "AnalysisFailed", st.message);
      return true;
    }
    const auto result = run_gate(b, gates, "first-deploy", st.current_step_analysis);
    if (result != GateResult::passed) {
      // An inconclusive gate waits for a person (promote, retry or abort): Paused, as at a step.
      st.phase = result == GateResult::failed         ? Phase::degraded
                 : b.has_pause(kAnalysisInconclusive) ? Phase::paused
                                                      : Phase::progressing;
      st.message = result == GateResult::failed
                       ? "first deployment failed its SLO gates: " + st.abort_reason
                       : "first deployment: analysis " + describe_gate(*st.current_step_analysis);
      if (result == GateResult::failed) {
        st.aborted_at = b.now;
        b.set_condition("Aborted", true, "AnalysisFailed", st.message);
      }
      return true;
    }
  }
  if (b.slot_ready(slot, b.revision, replicas)) {
    st.stable_revision = b.revision;
    st.phase = Phase::healthy;
    st.message = "";
    st.current_weight = 100;
    // Past the last step, as the steady state says it (so its next pass writes nothing).
    st.current_step_index =
        b.rollout.spec.is_canary() ? static_cast<int>(b.rollout.spec.canary().steps.size()) : 0;
    b.finish_history(b.revision, "Promoted",
                     b.rollout.spec.workload_ref
                         ? fmt::format("first deployment, adopted Deployment {} (scaleDown {})",
                                       b.rollout.spec.workload_ref->name,
                                       b.rollout.spec.workload_ref->scale_down)
                         : std::string("first deployment"));
    // The same conditions as the steady state sets (plan_steady_state), so the next pass finds
    // nothing to write.
    b.set_condition("Available", true, "AvailableReplicas", "");
    b.set_condition("Progressing", true, "RolloutHealthy", "");
    b.set_condition("Aborted", false, "", "");
    b.set_condition("Paused", false, "", "");
    // No Event: the first deployment was told when it began (FirstDeployment), and its end is
    // the Progressing condition's transition to RolloutHealthy, as a Deployment tells its
    // actions and not their completion. A release, by contrast, ends in an Event (Promoted or
    // Aborted): it is a decision.
  } else {
    st.phase = Phase::progressing;
    st.message = fmt::format("waiting for slot {}: {}/{} available", to_string(slot),
                             b.observed.slot(slot).available_replicas, replicas);
    b.set_condition("Progressing", true, "WaitingForPods", st.message);
    if (st.progress_started_at) {
      b.requeue_at(*st.progress_started_at +
                   std::chrono::seconds{b.rollout.spec.progress_deadline_seconds});
    }
  }
  return true;
}

bool plan_steady_state(PlanBuilder& b, const std::vector<std::string>& services) {
  auto& st = b.plan.status;
  if (b.revision != st.stable_revision)
    return false;
  const Slot stable = *st.stable_slot;
  const Slot other_slot = other(stable);
  const int replicas = b.rollout.spec.replicas;
  // A revert mid-release takes the release's flags back to 0% with its traffic.
  b.flags_to_zero(st.current_revision != b.revision ? st.current_revision : "");
  if (st.current_revision != b.revision) {
    // Back to the stable revision mid-release (a revert or `deploy undo`): fast-track, no steps.
    b.finish_history(st.current_revision, st.abort ? "Aborted" : "Superseded",
                     st.abort ? st.abort_reason : "reverted to the stable revision " + b.revision);
    b.event(
        "Normal", "RevertedToStable",
        fmt::format("spec.template is the stable revision {} again; skipping steps", b.revision));
    st.current_revision = b.revision;
    st.scale_down_slot = other_slot;
    st.scale_down_at.reset();  // at once: the candidate is not wanted
  }
  st.abort = false;
  st.abort_reason.clear();
  st.aborted_at.reset();
  st.promote_full = false;
  st.promoted_by.clear();
  b.clear_pauses();
  st.current_step_index =
      b.rollout.spec.is_canary() ? static_cast<int>(b.rollout.spec.canary().steps.size()) : 0;
  b.plan.actions.emplace_back(ScaleSlot{stable, replicas});
  pin_all(b, services, stable);
  const auto& stable_obs = b.observed.slot(stable);
  const bool stable_ready = b.slot_ready(stable, b.revision, replicas);
  const auto& leftover = b.observed.slot(other_slot);
  bool scaling_down = false;
  if (leftover.exists && leftover.spec_replicas > 0) {
    if (st.scale_down_at && b.now < *st.scale_down_at) {
      b.requeue_at(*st.scale_down_at);  // keep the old slot warm for a fast rollback
      scaling_down = true;
    } else if (stable_ready && (!b.routed() || b.routes_say(0) || !b.route_problem().empty())) {
      // Routed: only once the routes read 0 back (a revert mid-release).
      b.plan.actions.emplace_back(ScaleSlot{other_slot, 0});
      b.event("Normal", "ScaledDown",
              fmt::format("scaled slot {} down to 0", to_string(other_slot)));
      st.scale_down_at.reset();
      st.scale_down_slot.reset();
    }
  } else {
    st.scale_down_at.reset();
    st.scale_down_slot.reset();
  }
  st.current_weight = 100;
  if (stable_ready) {
    st.phase = Phase::healthy;
    st.message = scaling_down ? fmt::format("slot {} scales down at {}", to_string(other_slot),
                                            format_rfc3339(*st.scale_down_at))
                              : "";
    b.set_condition("Available", true, "AvailableReplicas", "");
    b.set_condition("Progressing", true, "RolloutHealthy", "");
    b.set_condition("Aborted", false, "", "");
    b.set_condition("Paused", false, "", "");
  } else {
    st.phase = Phase::progressing;
    st.message = fmt::format("waiting for stable slot {}: {}/{} available", to_string(stable),
                             stable_obs.available_replicas, replicas);
  }
  return true;
}

void begin_revision(PlanBuilder& b) {
  auto& st = b.plan.status;
  if (st.current_revision == b.revision)
    return;
  if (!st.current_revision.empty() && st.current_revision != st.stable_revision) {
    b.finish_history(st.current_revision, "Superseded", "replaced by revision " + b.revision);
    b.event("Normal", "RevisionSuperseded",
            fmt::format("revision {} replaced by {} before it finished; restarting from step 0",
                        st.current_revision, b.revision));
  }
  st.current_revision = b.revision;
  ++st.release_attempt;
  st.current_step_analysis.reset();
  st.background_analysis.reset();
  st.current_step_index = 0;
  st.current_weight = 0;
  st.abort = false;
  st.abort_reason.clear();
  st.aborted_at.reset();
  st.promote_full = false;
  st.promoted_by.clear();
  b.clear_pauses();
  st.step_started_at = b.now;
  st.progress_started_at = b.now;
  // The candidate slot may be the warm old stable scheduled for scale-down: it is needed now.
  if (st.scale_down_slot && *st.scale_down_slot == other(*st.stable_slot)) {
    st.scale_down_slot.reset();
    st.scale_down_at.reset();
  }
  b.history_for(b.revision);
  b.set_condition("Progressing", true, "NewRevision", "");
  b.event("Normal", "NewRevision",
          fmt::format("rolling out revision {} on slot {}", b.revision,
                      to_string(other(*st.stable_slot))));
}

bool begin_retry(PlanBuilder& b) {
  auto& st = b.plan.status;
  if (st.abort || !st.aborted_at)
    return false;
  st.aborted_at.reset();
  st.abort_reason.clear();
  st.promote_full = false;
  st.promoted_by.clear();
  ++st.release_attempt;
  st.current_step_analysis.reset();
  st.background_analysis.reset();
  b.clear_pauses();
  st.step_started_at = b.now;
  st.progress_started_at = b.now;
  b.history_for(b.revision);
  b.set_condition("Aborted", false, "Retried", "");
  b.set_condition("ProgressDeadlineExceeded", false, "", "");
  b.event("Normal", "RolloutRetried", fmt::format("retrying revision {} from step 1", b.revision));
  return true;
}

void detect_failure(PlanBuilder& b, bool waiting_for_pods) {
  auto& st = b.plan.status;
  if (st.abort)
    return;
  const Slot candidate = other(*st.stable_slot);
  const auto& obs = b.observed.slot(candidate);
  if (obs.crash_looping && obs.revision == b.revision) {
    st.abort = true;
    st.abort_reason = "candidate pods are crash-looping: " + obs.crash_message;
    b.plan.abort_cause = "crash-loop";
    st.aborted_at = b.now;
    b.event("Warning", "CandidateCrashLooping", st.abort_reason);
    return;
  }
  if (!waiting_for_pods || !st.step_started_at) {
    b.set_condition("ProgressDeadlineExceeded", false, "", "");
    return;
  }
  const auto deadline =
      *st.step_started_at + std::chrono::seconds{b.rollout.spec.progress_deadline_seconds};
  if (b.now < deadline) {
    b.requeue_at(deadline);
    return;
  }
  const std::string message =
      fmt::format("slot {} made no progress for {}s (progressDeadlineSeconds)",
                  to_string(candidate), b.rollout.spec.progress_deadline_seconds);
  b.set_condition("ProgressDeadlineExceeded", true, "ProgressDeadlineExceeded", message);
  if (b.rollout.spec.progress_deadline_abort) {
    st.abort = true;
    st.abort_reason = message;
    st.aborted_at = b.now;
    b.plan.abort_cause = "progress-deadline";
    b.event("Warning", "ProgressDeadlineExceeded", message + "; aborting");
  }
}

void plan_abort(PlanBuilder& b, const std::vector<std::string>& services, int abort_delay_seconds,
                AbortStyle style) {
  auto& st = b.plan.status;
  const Slot stable = *st.stable_slot;
  const Slot candidate = other(stable);
  const int replicas = b.rollout.spec.replicas;
  if (!b.rollout.status.aborted_at) {
    // The first pass of this abort (the input status has no abortedAt yet): write the event
    // and the history exactly once.
    b.clear_pauses();
    b.finish_history(st.current_revision, "Aborted",
                     st.abort_reason.empty() ? "aborted by request" : st.abort_reason);
    b.event("Warning", "RolloutAborted",
            fmt::format("aborted: {}; traffic back to stable revision {} on slot {}",
                        st.abort_reason.empty() ? "by request" : st.abort_reason,
                        st.stable_revision, to_string(stable)));
    st.aborted_at = st.aborted_at.value_or(b.now);
  }
  // Traffic first: every Service back on stable (and every bound flag at 0%, in this same
  // pass), stable back to full size.
  pin_all(b, services, stable);
  b.flags_to_zero(b.rollout.status.aborted_at ? "" : st.current_revision);
  b.plan.actions.emplace_back(ScaleSlot{stable, replicas});
  const auto& cand = b.observed.slot(candidate);
  if (style == AbortStyle::route_to_stable && cand.spec_replicas > 0 && !b.routes_say(0) &&
      b.route_problem().empty()) {
    // The candidate keeps its pods until no route sends it anything (read back). A route Cutover
    // cannot edit does not hold the abort: both Services now select stable.
    st.current_weight = 0;
    st.phase = Phase::degraded;
    st.message =
        fmt::format("aborting: waiting for the routes to read weight 0 ({})", b.route_readings());
    b.set_condition("Aborted", true, "RolloutAborted", st.message);
    b.set_condition("Progressing", false, "RolloutAborted", st.message);
    return;
  }
  if (style == AbortStyle::remove_candidate_pods) {
    // Its pods are its traffic. Remove them as soon as stable can serve at all.
    if (cand.spec_replicas > 0 &&
        (b.observed.slot(stable).available_replicas > 0 || replicas == 0)) {
      b.plan.actions.emplace_back(ScaleSlot{candidate, 0});
    }
  } else {
    const auto scale_down_at = *st.aborted_at + std::chrono::seconds{abort_delay_seconds};
    if (cand.spec_replicas > 0) {
      if (b.now >= scale_down_at) {
        b.plan.actions.emplace_back(ScaleSlot{candidate, 0});
      } else {
        b.requeue_at(scale_down_at);
      }
    }
  }
  st.current_weight = 0;
  st.phase = Phase::degraded;
  st.message =
      "aborted: " + (st.abort_reason.empty() ? std::string("by request") : st.abort_reason);
  b.set_condition("Aborted", true, "RolloutAborted", st.message);
  b.set_condition("Progressing", false, "RolloutAborted", st.message);
}

ReleaseStart start_release(PlanBuilder& b, const std::vector<std::string>& services) {
  // First, so that a first deployment's gate (analyzeFirstDeploy) can be retried too.
  begin_analysis_retry(b);
  if (plan_first_deployment(b, services) || plan_steady_state(b, services)) {
    return ReleaseStart::decided;
  }
  const bool fresh = b.plan.status.current_revision != b.revision;
  begin_revision(b);
  const bool retried = begin_retry(b);
  return fresh || retried ? ReleaseStart::restarted : ReleaseStart::continuing;
}

bool hold_for_spec_pause(PlanBuilder& b) {
  auto& st = b.plan.status;
  if (!st.abort && b.rollout.spec.paused) {
    b.add_pause(kPausedBySpec);
    st.phase = Phase::paused;
    st.message = "paused (spec.paused); resume to continue";
    b.set_condition("Paused", true, kPausedBySpec, st.message);
    return true;
  }
  std::erase_if(st.pause_conditions,
                [](const PauseCondition& p) { return p.reason == kPausedBySpec; });
  return false;
}

bool promote_when_ready(PlanBuilder& b, const std::vector<std::string>& services,
                        int scale_down_delay_seconds, const std::string& event_message) {
  auto& st = b.plan.status;
  const Slot stable = *st.stable_slot;
  const Slot candidate = other(stable);
  const int replicas = b.rollout.spec.replicas;
  b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, replicas});
  if (!b.slot_ready(candidate, b.revision, replicas)) {
    st.message = fmt::format("promoting: candidate {}/{} available",
                             b.observed.slot(candidate).available_replicas, replicas);
    return false;
  }
  for (const auto& service : services) {
    b.plan.actions.emplace_back(PinService{service, candidate});
  }
  st.stable_slot = candidate;
  st.stable_revision = b.revision;
  st.scale_down_slot = stable;
  st.scale_down_at = b.now + std::chrono::seconds{scale_down_delay_seconds};
  st.current_weight = 100;
  st.phase = Phase::healthy;
  // As the steady state will say it while the old slot waits (so its next pass writes nothing).
  st.message = scale_down_delay_seconds > 0
                   ? fmt::format("slot {} scales down at {}", to_string(stable),
                                 format_rfc3339(*st.scale_down_at))
                   : "";
  b.clear_pauses();
  b.finish_history(
      b.revision, "Promoted",
      st.promoted_by.empty() ? "all steps and gates passed" : "promoted by " + st.promoted_by);
  st.promoted_by.clear();
  b.requeue_at(*st.scale_down_at);
  b.set_condition("Progressing", true, "RolloutHealthy", "");
  b.set_condition("Available", true, "AvailableReplicas", "");
  b.set_condition("Aborted", false, "", "");
  b.set_condition("Paused", false, "", "");
  b.promoted_event(event_message);
  return true;
}

void conclude(PlanBuilder& b, bool waiting_for_pods, std::size_t release_actions_start,
              const std::vector<std::string>& services, int abort_delay_seconds, AbortStyle style) {
  auto& st = b.plan.status;
  detect_failure(b, waiting_for_pods);
  if (st.abort) {
    std::erase_if(b.plan.actions, [&, i = std::size_t{0}](const Action& a) mutable {
      return i++ >= release_actions_start && !std::holds_alternative<RecordEvent>(a);
    });
    plan_abort(b, services, abort_delay_seconds, style);
    return;
  }
  const bool paused = !st.pause_conditions.empty();
  st.phase = paused                                         ? Phase::paused
             : b.condition_true("ProgressDeadlineExceeded") ? Phase::degraded
                                                            : Phase::progressing;
  b.set_condition("Paused", paused, paused ? st.pause_conditions.front().reason : "", st.message);
  b.set_condition("Progressing", true, "RolloutProgressing", st.message);
}

}  // namespace cutover::rollout::detail
