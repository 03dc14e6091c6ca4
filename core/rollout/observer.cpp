#include "rollout/observer.hpp"

#include <fmt/format.h>

#include "flags/feature_flag.hpp"
#include "rollout/router_for.hpp"
#include "rollout/slot.hpp"
#include "rollout/slot_deployment.hpp"
#include "rollout/workload_ref.hpp"
#include "traffic/destination_rule.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

SlotObservation observe_slot(const Json& deployment, const Json& pods) {
  SlotObservation slot;
  if (!deployment.is_object())
    return slot;
  slot.exists = true;
  const Json& metadata = member(deployment, "metadata");
  const Json& status = member(deployment, "status");
  slot.revision = string_or(member(metadata, "annotations"), kRevisionAnnotation);
  slot.applied = string_or(member(metadata, "annotations"), kAppliedAnnotation);
  slot.recorded_template = string_or(member(metadata, "annotations"), kTemplateAnnotation);
  slot.spec_replicas = static_cast<int>(int_or(member(deployment, "spec"), "replicas", 1));
  slot.ready_replicas = static_cast<int>(int_or(status, "readyReplicas"));
  slot.available_replicas = static_cast<int>(int_or(status, "availableReplicas"));
  slot.updated_replicas = static_cast<int>(int_or(status, "updatedReplicas"));
  slot.observed = int_or(status, "observedGeneration") >= int_or(metadata, "generation");
  std::string newest;
  for (const auto& pod : member(pods, "items").is_array() ? member(pods, "items") : Json::array()) {
    const Json& pod_meta = member(pod, "metadata");
    const std::string created = string_or(pod_meta, "creationTimestamp");
    const std::string hash = string_or(member(pod_meta, "labels"), "pod-template-hash");
    // RFC 3339 in UTC sorts as text.
    if (!hash.empty() && created >= newest) {
      newest = created;
      slot.pod_template_hash = hash;
    }
  }
  for (const auto& pod : member(pods, "items").is_array() ? member(pods, "items") : Json::array()) {
    const Json& statuses = member(member(pod, "status"), "containerStatuses");
    if (!statuses.is_array())
      continue;
    for (const auto& container : statuses) {
      const Json& waiting = member(member(container, "state"), "waiting");
      if (string_or(waiting, "reason") == "CrashLoopBackOff") {
        slot.crash_looping = true;
        slot.crash_message =
            fmt::format("pod {} container {}: CrashLoopBackOff after {} restarts",
                        string_or(member(pod, "metadata"), "name"), string_or(container, "name"),
                        int_or(container, "restartCount"));
        return slot;
      }
    }
  }
  return slot;
}

std::optional<Slot> pinned_slot(const Json& service) {
  return parse_slot(string_or(member(member(service, "spec"), "selector"), kSlotLabel));
}

kube::Result<Observed> observe(kube::KubeClient& client, const Rollout& rollout) {
  Observed observed;
  const kube::ResourceRef deployments{"apps/v1", "Deployment", rollout.namespace_name};
  const kube::ResourceRef pods{"v1", "Pod", rollout.namespace_name};
  for (const Slot slot : {Slot::a, Slot::b}) {
    auto deployment = client.get(deployments, slot_deployment_name(rollout.name, slot));
    if (!deployment) {
      if (deployment.error().reason == kube::ErrorReason::not_found)
        continue;
      return std::unexpected(deployment.error());
    }
    auto pod_list =
        client.list(pods, {.label_selector = fmt::format("{}={},{}={}", kRolloutLabel, rollout.name,
                                                         kSlotLabel, to_string(slot))});
    if (!pod_list)
      return std::unexpected(pod_list.error());
    observed.slot(slot) = observe_slot(*deployment, *pod_list);
  }
  if (rollout.spec.workload_ref) {
    auto adopted = client.get(deployments, rollout.spec.workload_ref->name);
    if (adopted) {
      observed.workload = observe_workload(*adopted);
    } else if (adopted.error().reason == kube::ErrorReason::not_found) {
      observed.workload = WorkloadObservation{};
    } else {
      return std::unexpected(adopted.error());
    }
  }
  const std::string destination_rule =
      rollout.spec.is_canary() ? rollout.spec.canary().destination_rule : "";
  if (!destination_rule.empty()) {
    // Subset-level routing: the subsets are pinned as Services are (plan.hpp, PinService).
    auto rule = client.get({traffic::kDestinationRuleApiVersion, traffic::kDestinationRuleKind,
                            rollout.namespace_name},
                           destination_rule);
    if (!rule && rule.error().reason != kube::ErrorReason::not_found)
      return std::unexpected(rule.error());
    const auto values = rule ? traffic::subset_label_values(*rule, kSlotLabel)
                             : std::map<std::string, std::string>{};
    for (const auto& name : strategy_services(rollout.spec)) {
      if (const auto it = values.find(name); it != values.end())
        observed.service_slots[name] = parse_slot(it->second);
    }
  } else {
    for (const auto& name : strategy_services(rollout.spec)) {
      auto service = client.get({"v1", "Service", rollout.namespace_name}, name);
      if (!service) {
        if (service.error().reason == kube::ErrorReason::not_found)
          continue;
        return std::unexpected(service.error());
      }
      observed.service_slots[name] = pinned_slot(*service);
    }
  }
  if (rollout.spec.is_canary()) {
    for (const auto& binding : rollout.spec.canary().flags) {
      auto object = client.get(
          {flags::kFeatureFlagApiVersion, flags::kFeatureFlagKind, binding.ref.namespace_name},
          binding.ref.feature_flag);
      if (!object && object.error().reason != kube::ErrorReason::not_found)
        return std::unexpected(object.error());
      observed.flags[binding.ref.describe()] =
          flags::read_flag_split(object ? *object : kube::Json(), binding.ref);
    }
  }
  if (auto router = router_for(client, rollout)) {
    auto routes = router->read();
    if (!routes)
      return std::unexpected(routes.error());
    observed.routes = std::move(*routes);
  }
  return observed;
}

}  // namespace cutover::rollout
