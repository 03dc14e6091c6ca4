// Blue-green on the two-slot model: the candidate comes up behind the preview Service, then the
// active Service's selector flips to it in one step; an abort flips it back while the old slot
// is still warm.
//
// `status.currentStepIndex` names the stage: 0 preview coming up, 1 waiting for promotion (and
// for the pre-promotion gate), 2 promoting (full size, then the flip), 3 flipped but not yet
// stable while the post-promotion gate runs (the old slot stays at full size, so a failure
// flips straight back).
#include <fmt/format.h>

#include <algorithm>

#include "rollout/planner_support.hpp"
#include "util/encoding.hpp"

namespace cutover::rollout::detail {

namespace {

constexpr int kPreview = 0;
constexpr int kAwaitingPromotion = 1;
constexpr int kPromoting = 2;
constexpr int kPostPromotion = 3;

void enter_stage(PlanBuilder& b, int stage) {
  b.plan.status.current_step_index = stage;
  b.plan.status.step_started_at = b.now;
}

}  // namespace

void plan_blue_green(PlanBuilder& b) {
  const auto& spec = b.rollout.spec;
  const auto& bg = spec.blue_green();
  const auto services = strategy_services(spec);
  const ReleaseStart start = start_release(b, services);
  if (start == ReleaseStart::decided)
    return;
  if (start == ReleaseStart::restarted)
    enter_stage(b, kPreview);
  auto& st = b.plan.status;

  const Slot stable = *st.stable_slot;
  const Slot candidate = other(stable);
  const int replicas = spec.replicas;
  const auto& cand_obs = b.observed.slot(candidate);
  const auto release_actions_start = b.plan.actions.size();

  if (hold_for_spec_pause(b))
    return;

  bool waiting_for_pods = false;
  if (!st.abort) {
    const bool flipped = st.current_step_index == kPostPromotion;
    b.plan.actions.emplace_back(PinService{bg.active_service, flipped ? candidate : stable});
    if (!bg.preview_service.empty()) {
      b.plan.actions.emplace_back(PinService{bg.preview_service, candidate});
    }
    if (st.promote_full && st.current_step_index < kPromoting) {
      b.clear_pauses();
      b.event("Normal", "PromotedFull", "promote --full: skipping the preview");
      enter_stage(b, kPromoting);
    }
    if (st.current_step_index == kPreview) {
      // A slot that already runs this revision (a rollback onto the warm old slot) keeps its
      // pods; it is not shrunk to the preview size first.
      const int preview = bg.preview_replica_count.value_or(replicas);
      const int target =
          cand_obs.revision == b.revision ? std::max(preview, cand_obs.spec_replicas) : preview;
      b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, std::min(target, replicas)});
      if (b.slot_ready(candidate, b.revision, std::min(preview, replicas))) {
        b.event("Normal", "PreviewReady",
                fmt::format("revision {} is ready behind the preview", b.revision));
        enter_stage(b, kAwaitingPromotion);
        if (!bg.auto_promotion_enabled || bg.auto_promotion_seconds > 0) {
          b.add_pause(kBlueGreenPause);
        }
      } else {
        waiting_for_pods = true;
        st.message =
            fmt::format("preview: candidate {}/{} available", cand_obs.available_replicas, preview);
      }
    }
    bool pre_gate_open = true;
    if (st.current_step_index == kAwaitingPromotion && bg.pre_promotion_analysis) {
      // The preview is judged before anyone may promote it.
      const auto result =
          run_gate(b, *bg.pre_promotion_analysis, "pre-promotion", st.current_step_analysis);
      pre_gate_open = result == GateResult::passed;
      if (result == GateResult::waiting) {
        st.message = "pre-promotion analysis " + describe_gate(*st.current_step_analysis);
      }
    }
    if (st.current_step_index == kAwaitingPromotion && pre_gate_open && !st.abort) {
      const bool promoted = !b.has_pause(kBlueGreenPause);
      const auto auto_at = *st.step_started_at + std::chrono::seconds{bg.auto_promotion_seconds};
      const bool auto_due = bg.auto_promotion_enabled && b.now >= auto_at;
      if (promoted || auto_due) {
        b.clear_pauses();
        enter_stage(b, kPromoting);
      } else {
        if (bg.auto_promotion_enabled)
          b.requeue_at(auto_at);
        st.message = bg.auto_promotion_enabled
                         ? fmt::format("preview ready; promoting automatically at {}",
                                       format_rfc3339(auto_at))
                         : "preview ready; waiting for promotion";
      }
    }
    if (st.current_step_index == kPromoting && bg.post_promotion_analysis) {
      // Flip first, keep the old slot warm, and only call the candidate stable once the
      // post-promotion gate passes.
      b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, replicas});
      if (b.slot_ready(candidate, b.revision, replicas)) {
        enter_stage(b, kPostPromotion);
        b.plan.actions.emplace_back(PinService{bg.active_service, candidate});
        b.event(
            "Normal", "ActiveSwitched",
            fmt::format("active Service {} switched to slot {} (revision {}); slot {} stays "
                        "at full size until post-promotion analysis passes",
                        bg.active_service, to_string(candidate), b.revision, to_string(stable)));
      } else {
        waiting_for_pods = true;
        st.message = fmt::format("promoting: candidate {}/{} available",
                                 cand_obs.available_replicas, replicas);
      }
    }
    if (st.current_step_index == kPostPromotion) {
      b.plan.actions.emplace_back(ApplySlot{candidate, b.revision, replicas});
      const auto result =
          run_gate(b, *bg.post_promotion_analysis, "post-promotion", st.current_step_analysis);
      if (result == GateResult::passed) {
        enter_stage(b, kPromoting);
      } else if (result == GateResult::waiting) {
        st.message = "post-promotion analysis " + describe_gate(*st.current_step_analysis);
      }
    }
    if (st.current_step_index == kPromoting && !st.abort) {
      // The flip: one selector change moves all traffic.
      if (promote_when_ready(
              b, services, bg.scale_down_delay_seconds,
              fmt::format("active Service {} switched to slot {} (revision {}); slot {} stays "
                          "warm for {}s",
                          bg.active_service, to_string(candidate), b.revision, to_string(stable),
                          bg.scale_down_delay_seconds))) {
        return;
      }
      waiting_for_pods = true;
    }
  }

  conclude(b, waiting_for_pods, release_actions_start, services, bg.abort_scale_down_delay_seconds,
           AbortStyle::flip_selectors);
}

}  // namespace cutover::rollout::detail
