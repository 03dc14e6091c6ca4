#include "rollout/unchanged_actions.hpp"

#include <algorithm>

#include "rollout/router_for.hpp"
#include "rollout/slot_deployment.hpp"

namespace cutover::rollout {

namespace {

bool unchanged(const Rollout& rollout, const Observed& observed, const Action& action) {
  if (const auto* a = std::get_if<ApplySlot>(&action)) {
    const SlotObservation& slot = observed.slot(a->slot);
    return slot.exists && slot.revision == a->revision && slot.spec_replicas == a->replicas &&
           slot.applied ==
               applied_hash(slot_deployment(rollout, a->slot, a->revision, a->replicas));
  }
  if (const auto* s = std::get_if<ScaleSlot>(&action)) {
    const SlotObservation& slot = observed.slot(s->slot);
    return slot.exists ? slot.spec_replicas == s->replicas : s->replicas == 0;
  }
  if (const auto* w = std::get_if<ScaleWorkload>(&action)) {
    if (!observed.workload)
      return false;
    return observed.workload->exists ? observed.workload->spec_replicas == w->replicas
                                     : w->replicas == 0;
  }
  if (const auto* p = std::get_if<PinService>(&action)) {
    const auto it = observed.service_slots.find(p->service);
    if (it == observed.service_slots.end())
      return !p->slot;  // gone: nothing to unpin (a pin is kept, for the executor's error)
    return it->second == p->slot;
  }
  if (const auto* w = std::get_if<SetRouteWeight>(&action)) {
    const auto need = routes_need_edit(rollout, observed, *w);
    return need && !*need;
  }
  if (const auto* f = std::get_if<SetFlagWeight>(&action)) {
    const auto it = observed.flags.find(f->binding.ref.describe());
    return it != observed.flags.end() && it->second.problem.empty() &&
           it->second.weight == f->weight;
  }
  return false;
}

}  // namespace

void drop_unchanged_actions(const Rollout& rollout, const Observed& observed, Plan& plan) {
  std::erase_if(plan.actions,
                [&](const Action& action) { return unchanged(rollout, observed, action); });
}

}  // namespace cutover::rollout
