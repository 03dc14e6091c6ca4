#include "rollout/finalizer_change.hpp"

#include <algorithm>

namespace cutover::rollout {

namespace {

bool pins_a_service(const Observed& observed, const Plan& plan) {
  const bool pinned = std::any_of(observed.service_slots.begin(), observed.service_slots.end(),
                                  [](const auto& service) { return service.second.has_value(); });
  if (pinned)
    return true;
  return std::any_of(plan.actions.begin(), plan.actions.end(), [](const Action& action) {
    const auto* pin = std::get_if<PinService>(&action);
    return pin != nullptr && pin->slot.has_value();
  });
}

}  // namespace

FinalizerChange finalizer_change(bool has_finalizer, const Observed& observed, const Plan& plan) {
  const bool wanted = pins_a_service(observed, plan);
  if (wanted && !has_finalizer)
    return FinalizerChange::add;
  if (!wanted && has_finalizer)
    return FinalizerChange::remove;
  return FinalizerChange::keep;
}

}  // namespace cutover::rollout
