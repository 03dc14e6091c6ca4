// Canary on the two-slot model, traffic by replica ratio: the user's Service spans both slots,
// so the candidate's share of traffic is its share of ready pods.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "rollout/planner_support.hpp"
#include "rollout/router_for.hpp"

namespace cutover::rollout::detail {

void enter_step(PlanBuilder& b, std::size_t index) {
  auto& st = b.plan.status;
  const auto& steps = b.rollout.spec.canary().steps;
  st.current_step_index = static_cast<int>(index);
  st.step_started_at = b.now;
  if (index >= steps.size())
    return;
  if (steps[index].kind == CanaryStep::Kind::pause)
    b.add_pause(kCanaryPauseStep);
}

void advance(PlanBuilder& b, std::size_t index, const std::string& what) {
  b.clear_pauses();
  b.step_completed(index, b.rollout.spec.canary().steps.size(), what);
  enter_step(b, index + 1);
}

bool pass_pause_step(PlanBuilder& b, std::size_t index) {
  auto& st = b.plan.status;
  const auto& steps = b.rollout.spec.canary().steps;
  const CanaryStep& step = steps[index];
  const bool promoted = !b.has_pause(kCanaryPauseStep);
  const bool elapsed = step.pause_duration && st.step_started_at &&
                       b.now >= *st.step_started_at + *step.pause_duration;
  if (promoted || elapsed) {
    advance(b, index, promoted ? "pause promoted" : "pause elapsed");
    return true;
  }
  if (step.pause_duration)
    b.requeue_at(*st.step_started_at + *step.pause_duration);
  st.message = step.pause_duration
                   ? fmt::format("step {}/{}: paused for {}s", index + 1, steps.size(),
                                 step.pause_duration->count())
                   : fmt::format("step {}/{}: paused until promoted", index + 1, steps.size());
  return false;
}

namespace {

// The canary replica count set by the last setCanaryScale step before `index`, if any.
std::optional<int> scale_override(const std::vector<CanaryStep>& steps, std::size_t index,
                                  int replicas, int weight) {
  std::optional<int> result;
  for (std::size_t i = 0; i < index && i < steps.size(); ++i) {
    const auto& step = steps[i];
    if (step.kind != CanaryStep::Kind::set_canary_scale)
      continue;
    if (step.scale_replicas) {
      result = std::min(*step.scale_replicas, replicas);
    } else if (step.scale_weight) {
      result = weight_replicas(replicas, *step.scale_weight);
    } else {
      result.reset();  // matchTrafficWeight: back to the ratio
    }
  }
  (void)weight;
  return result;
}

// Promotion when no stable Service is pinned (no `stableService`, as in Argo Rollouts' basic
// canary): the user's Service selects both slots, so every Ready pod of the old slot takes a
// share of the traffic, and nothing can take that share away while the slot stays warm. So, as
// Argo Rollouts does for a basic canary, `scaleDownDelaySeconds` does not apply: once the
// candidate is at full size and available, the old slot scales to 0, and the release may only
// say Healthy (weight 100) in a later pass that observes the old slot with no ready pod left.
// Holding the status back, rather than promoting in the pass that scales, is what makes the
// claim true: pods take a moment to leave after a scale-down. Returns true once the old slot
// serves nothing; false (with the status message set) while waiting.
bool drain_old_slot(PlanBuilder& b, Slot candidate, Slot old) {
  auto& st = b.plan.status;
  const int replicas = b.rollout.spec.replicas;
  // Capacity first: the old slot gives up its pods only once the candidate can take it all.
  b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, replicas});
  if (!b.slot_ready(candidate, b.revision, replicas)) {
    st.message = fmt::format("promoting: candidate {}/{} available",
                             b.observed.slot(candidate).available_replicas, replicas);
    return false;
  }
  b.plan.actions.emplace_back(ScaleSlot{old, 0});
  // A Deployment's readyReplicas leaves out terminating pods, which have also left the Service's
  // ready endpoints: 0, with the scale to 0 observed, means no old pod serves.
  const auto& old_obs = b.observed.slot(old);
  if (old_obs.exists &&
      (old_obs.spec_replicas > 0 || !old_obs.observed || old_obs.ready_replicas > 0)) {
    st.message =
        fmt::format("promoting: slot {} scaling down, ready pods left: {}; weight 100 once none is",
                    to_string(old), old_obs.ready_replicas);
    b.requeue_at(b.now + std::chrono::seconds{1});
    return false;
  }
  return true;
}

// Promotion through routes, as Argo Rollouts does it and in this order, each step read back
// before the next: the candidate at full size; every route 100% to canaryService; stableService
// moved to the candidate (so both Services select it); every route back to 0% (stableService,
// which now is the candidate). Then the candidate is stable and the old slot scales down after
// scaleDownDelaySeconds. True once promoted; otherwise the status says what it waits for.
bool promote_routed(PlanBuilder& b, const std::vector<std::string>& services,
                    const CanaryStrategy& canary, Slot candidate, Slot stable) {
  auto& st = b.plan.status;
  const int replicas = b.rollout.spec.replicas;
  b.plan.actions.emplace_back(ScaleSlot{stable, replicas});
  b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, replicas});
  if (!b.slot_ready(candidate, b.revision, replicas)) {
    st.message = fmt::format("promoting: candidate {}/{} available",
                             b.observed.slot(candidate).available_replicas, replicas);
    return false;
  }
  const auto pinned = b.observed.service_slots.find(canary.stable_service);
  const bool stable_moved = pinned != b.observed.service_slots.end() && pinned->second == candidate;
  if (!stable_moved) {
    b.plan.actions.emplace_back(SetRouteWeight{100});
    if (!b.routes_say(100)) {
      st.message =
          fmt::format("promoting: waiting for the routes to read 100 ({})", b.route_readings());
      return false;
    }
    b.plan.actions.emplace_back(PinService{canary.stable_service, candidate});
    st.message = fmt::format("promoting: moving {}{} to slot {}",
                             canary.destination_rule.empty() ? "" : "subset ",
                             canary.stable_service, to_string(candidate));
    return false;
  }
  b.plan.actions.emplace_back(SetRouteWeight{0});
  if (!b.routes_say(0)) {
    st.message = fmt::format("promoting: waiting for the routes to read 0, all on {} ({})",
                             canary.stable_service, b.route_readings());
    return false;
  }
  return promote_when_ready(
      b, services, canary.scale_down_delay_seconds,
      fmt::format("revision {} promoted to stable on slot {} through {} route(s); slot {} "
                  "scales down in {}s",
                  b.revision, to_string(candidate), canary.routes.size(), to_string(stable),
                  canary.scale_down_delay_seconds));
}

}  // namespace

std::vector<traffic::ManagedRoute> managed_routes_at(const CanaryStrategy& canary,
                                                     std::size_t index) {
  std::vector<traffic::ManagedRoute> out;
  if (index >= canary.steps.size())
    return out;
  std::map<std::string, const traffic::ManagedRoute*> active;
  for (std::size_t i = 0; i <= index; ++i) {
    const CanaryStep& step = canary.steps[i];
    if (step.kind != CanaryStep::Kind::set_header_route &&
        step.kind != CanaryStep::Kind::set_mirror_route) {
      continue;
    }
    if (step.route.matches.empty())
      active.erase(step.route.name);
    else
      active[step.route.name] = &step.route;
  }
  for (const auto& name : canary.managed_routes) {
    if (const auto it = active.find(name); it != active.end())
      out.push_back(*it->second);
  }
  return out;
}

void plan_canary(PlanBuilder& b) {
  const auto& spec = b.rollout.spec;
  const auto& canary = spec.canary();
  const auto services = strategy_services(spec);
  if (b.routed()) {
    // status.canary.weights: what the routes read back at the start of this pass.
    auto& weights = b.plan.status.route_weights;
    weights.clear();
    for (const auto& [route, reading] : b.observed.routes)
      weights.push_back({route, reading.weight});
  }
  b.read_flag_splits();  // status.canary.flags: what the bound flags read
  const ReleaseStart start = start_release(b, services);
  if (start == ReleaseStart::decided)
    return;
  if (start == ReleaseStart::restarted)
    enter_step(b, 0);
  auto& st = b.plan.status;

  const Slot stable = *st.stable_slot;
  const Slot candidate = other(stable);
  const int replicas = spec.replicas;
  const auto& steps = canary.steps;
  const auto& cand_obs = b.observed.slot(candidate);
  const auto& stable_obs = b.observed.slot(stable);
  const auto release_actions_start = b.plan.actions.size();
  // Whether a Service routes to the stable slot alone. Without one, the old slot's Ready pods
  // serve through the user's Service, which spans both slots.
  const bool stable_pinned = !canary.stable_service.empty();
  const bool routed = b.routed();
  if (routed && !st.abort) {
    if (const std::string problem = b.route_problem(); !problem.empty()) {
      // No step moves through a route Cutover cannot edit; its watch wakes us once it is fixed.
      // An abort still goes on (conclude below): its pins do not need the route.
      st.phase = Phase::degraded;
      st.message = problem;
      b.set_condition("Progressing", false, "RouteProblem", problem);
      return;
    }
  }
  if (!st.abort) {
    if (const std::string problem = b.flag_problem(); !problem.empty()) {
      // Bad input (a missing FeatureFlag, flag or variant, a rule Cutover does not own): no
      // step moves and nothing is written; the FeatureFlag's watch wakes us once it is fixed.
      st.phase = Phase::degraded;
      st.message = problem;
      b.set_condition("Progressing", false, "FlagProblem", problem);
      return;
    }
  }
  // Routed, past the last step: stableService moves to the candidate during the promotion
  // (promote_routed), and must not be pinned back.
  const bool promoting_routed =
      routed && !st.abort && static_cast<std::size_t>(st.current_step_index) >= steps.size();

  if (hold_for_spec_pause(b))
    return;
  if (routed && !st.abort && cand_obs.exists && cand_obs.revision != b.revision &&
      !b.routes_say(0)) {
    // The candidate slot is about to run another revision (a new release, or one that replaced
    // a release under way): before it does, no route may send it traffic, whatever the step.
    b.plan.actions.emplace_back(PinService{canary.stable_service, stable});
    b.plan.actions.emplace_back(ScaleSlot{stable, replicas});
    b.plan.actions.emplace_back(SetRouteWeight{0});
    st.phase = Phase::progressing;
    st.message = fmt::format("taking traffic off slot {} before it runs revision {} ({})",
                             to_string(candidate), b.revision, b.route_readings());
    b.set_condition("Progressing", true, "RolloutProgressing", st.message);
    return;
  }

  bool waiting_for_pods = false;
  if (!st.abort) {
    if (!canary.stable_service.empty() && !promoting_routed) {
      b.plan.actions.emplace_back(PinService{canary.stable_service, stable});
    }
    if (!canary.canary_service.empty()) {
      b.plan.actions.emplace_back(PinService{canary.canary_service, candidate});
    }
    if (st.promote_full && static_cast<std::size_t>(st.current_step_index) < steps.size()) {
      b.clear_pauses();
      b.event("Normal", "PromotedFull", "promote --full: skipping the remaining steps");
      enter_step(b, steps.size());
    }
    // Keeps the candidate and stable at the replica split of `weight` (as of step `index`).
    // Stable gives up pods only once the candidate's are available. Returns true when reached.
    // Routed: the routes carry `weight`; the candidate runs its share of the pods (or
    // setCanaryScale's), stable stays at full size. The weight counts only once read back.
    // While a lower weight is not read back yet, the candidate keeps the pods of the higher.
    // A managed route a route cannot carry (a limit of the API, a condition its kind cannot
    // express): nothing is written to the routes, and the Rollout says why.
    std::string route_edit_problem;
    const auto hold_routed = [&](std::size_t index, int weight) {
      auto managed = managed_routes_at(canary, index);
      // One look at every route: whether it can say this, and whether it already does.
      const auto need = routes_need_edit(b.rollout, b.observed, SetRouteWeight{weight, managed});
      if (!need) {
        route_edit_problem = need.error();
        return false;
      }
      b.plan.actions.emplace_back(ScaleSlot{stable, replicas});
      const bool reached = !*need;
      int serving = weight;
      for (const auto& [name, reading] : b.observed.routes)
        serving = std::max(serving, reading.weight.value_or(100));
      // A header or mirror route sends the candidate requests whatever the weight (0 in a
      // shadow phase): it runs a pod at least. Until the routes read back, it keeps its pods
      // too, since a route being removed may still send it some.
      const int managed_floor = managed.empty() ? 0 : std::min(1, replicas);
      const int kept = reached ? 0 : std::min(cand_obs.spec_replicas, replicas);
      const int target =
          scale_override(steps, index, replicas, weight)
              .value_or(
                  std::max({routed_replicas(replicas, weight), managed_floor, kept,
                            std::min(cand_obs.spec_replicas, routed_replicas(replicas, serving))}));
      b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, target});
      if (!b.slot_ready(candidate, b.revision, target)) {
        waiting_for_pods = true;
        st.message = fmt::format("step {}/{}: weight {}: candidate {}/{} available", index + 1,
                                 steps.size(), weight, cand_obs.available_replicas, target);
        return false;
      }
      std::string routes;
      for (const auto& route : managed)
        routes += (routes.empty() ? " with managed routes " : ", ") + route.name;
      b.plan.actions.emplace_back(SetRouteWeight{weight, std::move(managed)});
      if (!reached) {
        st.message = fmt::format("step {}/{}: weight {}{}: waiting for the routes to read it ({})",
                                 index + 1, steps.size(), weight, routes, b.route_readings());
        return false;
      }
      return true;
    };
    const auto hold_weight = [&](std::size_t index, int weight) {
      if (routed)
        return hold_routed(index, weight);
      const int weight_pods = weight_replicas(replicas, weight);
      const int cand_target = scale_override(steps, index, replicas, weight).value_or(weight_pods);
      // Until promotion the stable slot keeps a pod: a pinned stable Service must never select
      // zero ready pods (with 1 replica, or at setWeight 100, the split would leave it none).
      // Unpinned, the user's Service spans both slots, and a full-size candidate at weight 100
      // serves it alone: the stable pod would be traffic that the weight says is not there.
      const bool candidate_serves_all = !stable_pinned && weight >= 100 && cand_target >= replicas;
      const int stable_target =
          candidate_serves_all ? 0 : std::max(replicas - weight_pods, std::min(replicas, 1));
      b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, cand_target});
      if (!b.slot_ready(candidate, b.revision, cand_target)) {
        b.plan.actions.emplace_back(
            ScaleSlot{stable, std::clamp(stable_obs.spec_replicas, stable_target, replicas)});
        waiting_for_pods = true;
        st.message = fmt::format("step {}/{}: weight {}: candidate {}/{} available", index + 1,
                                 steps.size(), weight, cand_obs.available_replicas, cand_target);
        return false;
      }
      b.plan.actions.emplace_back(ScaleSlot{stable, stable_target});
      // Weight 100 with stable unpinned is claimed only once no stable pod is left ready.
      const bool stable_still_serves =
          candidate_serves_all && (stable_obs.ready_replicas > 0 || !stable_obs.observed);
      if (stable_obs.spec_replicas != stable_target || stable_still_serves) {
        st.message = fmt::format("step {}/{}: weight {}: scaling stable to {}", index + 1,
                                 steps.size(), weight, stable_target);
        b.plan.requeue_after = std::chrono::milliseconds{1000};
        return false;
      }
      return true;
    };
    // The weight, then every bound flag at it (read back), as one step's condition.
    const auto hold = [&](std::size_t index, int weight) {
      if (!hold_weight(index, weight))
        return false;
      if (b.hold_flags(weight))
        return true;
      st.message = fmt::format("step {}/{}: weight {}: waiting for the flags to read it ({})",
                               index + 1, steps.size(), weight, b.flag_readings());
      return false;
    };
    // Background analysis: from its starting step until promotion, a failure aborts and an
    // inconclusive verdict pauses: no further step (no more traffic) until someone promotes.
    bool background_holds = false;
    if (canary.analysis && !st.abort && st.current_step_index >= canary.analysis_starting_step) {
      const auto result = run_gate(b, *canary.analysis, "background", st.background_analysis);
      background_holds = result == GateResult::failed ||
                         (result == GateResult::waiting && b.has_pause(kAnalysisInconclusive));
      if (background_holds && !st.abort) {
        hold(static_cast<std::size_t>(st.current_step_index), st.current_weight);
        st.message = "background analysis " + describe_gate(*st.background_analysis);
      }
    }
    // Walk the steps; instant ones (a finished pause, a weight already reached) chain in one pass.
    while (!background_holds && static_cast<std::size_t>(st.current_step_index) < steps.size()) {
      const auto index = static_cast<std::size_t>(st.current_step_index);
      const CanaryStep& step = steps[index];
      if (step.kind == CanaryStep::Kind::set_weight) {
        if (!hold(index, step.weight))
          break;
        st.current_weight = step.weight;
        advance(b, index, fmt::format("weight {}%", step.weight));
      } else if (step.kind == CanaryStep::Kind::set_canary_scale) {
        const int target = scale_override(steps, index + 1, replicas, st.current_weight)
                               .value_or(routed ? routed_replicas(replicas, st.current_weight)
                                                : weight_replicas(replicas, st.current_weight));
        b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, target});
        if (!b.slot_ready(candidate, b.revision, target)) {
          waiting_for_pods = true;
          st.message = fmt::format("step {}/{}: setCanaryScale: candidate {}/{} available",
                                   index + 1, steps.size(), cand_obs.available_replicas, target);
          break;
        }
        advance(b, index, fmt::format("canary scale {}", target));
      } else if (step.kind == CanaryStep::Kind::set_header_route ||
                 step.kind == CanaryStep::Kind::set_mirror_route) {
        // The route from this step on, at the current weight (hold_routed replays the steps up
        // to this one); it counts once every route reads it back.
        if (!hold(index, st.current_weight))
          break;
        advance(b, index,
                fmt::format("{} route {} {}",
                            step.kind == CanaryStep::Kind::set_header_route ? "header" : "mirror",
                            step.route.name, step.route.matches.empty() ? "removed" : "set"));
      } else if (step.kind == CanaryStep::Kind::pause) {
        hold(index, st.current_weight);  // a replica change while paused still applies
        if (pass_pause_step(b, index))
          continue;
        break;
      } else {
        // An SLO gate at the current weight. It starts once the weight holds, so it measures
        // the traffic split the user asked for.
        if (!hold(index, st.current_weight))
          break;
        const auto result =
            run_gate(b, step.analysis, fmt::format("step-{}", index), st.current_step_analysis);
        if (result == GateResult::passed) {
          advance(b, index, fmt::format("analysis {} passed", st.current_step_analysis->name));
          continue;
        }
        if (result == GateResult::waiting) {
          st.message = fmt::format("step {}/{}: analysis {}", index + 1, steps.size(),
                                   describe_gate(*st.current_step_analysis));
        }
        break;
      }
    }
    if (!route_edit_problem.empty() && !st.abort) {
      st.phase = Phase::degraded;
      st.message = route_edit_problem;
      b.set_condition("Progressing", false, "RouteProblem", route_edit_problem);
      return;
    }
    if (!background_holds && !st.abort &&
        static_cast<std::size_t>(st.current_step_index) >= steps.size()) {
      if (!b.promote_flags()) {
        // Each bound flag to its onPromotion split first (read back), then the traffic.
        st.message = fmt::format("promoting: waiting for the flags to read their split ({})",
                                 b.flag_readings());
      } else if (routed) {
        if (promote_routed(b, services, canary, candidate, stable)) {
          b.flags_promoted();
          return;
        }
      } else if (stable_pinned) {
        // The pin moves to the candidate first, so the old slot can stay warm (no traffic) for
        // a fast rollback until scaleDownDelaySeconds.
        if (promote_when_ready(
                b, services, canary.scale_down_delay_seconds,
                fmt::format("revision {} promoted to stable on slot {}; slot {} scales down in {}s",
                            b.revision, to_string(candidate), to_string(stable),
                            canary.scale_down_delay_seconds))) {
          b.flags_promoted();
          return;
        }
      } else if (drain_old_slot(b, candidate, stable) &&
                 promote_when_ready(
                     b, services, 0,
                     fmt::format("revision {} promoted to stable on slot {}; slot {} scaled down "
                                 "(no stableService: its pods would take traffic)",
                                 b.revision, to_string(candidate), to_string(stable)))) {
        // The old slot is already at 0 (drain_old_slot): nothing is left to scale down later.
        st.scale_down_slot.reset();
        st.scale_down_at.reset();
        b.flags_promoted();
        return;
      }
      waiting_for_pods = true;
    }
  }

  conclude(b, waiting_for_pods, release_actions_start, services,
           canary.abort_scale_down_delay_seconds,
           routed ? AbortStyle::route_to_stable : AbortStyle::remove_candidate_pods);
}

}  // namespace cutover::rollout::detail
