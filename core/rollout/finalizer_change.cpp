#include "rollout/finalizer_change.hpp"

#include <algorithm>

#include "util/json_fields.hpp"

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

std::vector<std::string> finalizers_of(const Json& object) {
  std::vector<std::string> out;
  const Json& list = member(member(object, "metadata"), "finalizers");
  if (!list.is_array())
    return out;
  for (const auto& f : list) {
    if (f.is_string())
      out.push_back(f.get<std::string>());
  }
  return out;
}

kube::Result<std::string> set_finalizers(kube::KubeClient& client, const kube::ResourceRef& ref,
                                         const std::string& name,
                                         const std::string& resource_version,
                                         const std::vector<std::string>& finalizers) {
  auto patched = client.patch(
      ref, name, kube::PatchType::json_merge,
      {{"metadata", {{"finalizers", finalizers}, {"resourceVersion", resource_version}}}});
  if (!patched)
    return std::unexpected(patched.error());
  return string_or(member(*patched, "metadata"), "resourceVersion");
}

}  // namespace cutover::rollout
