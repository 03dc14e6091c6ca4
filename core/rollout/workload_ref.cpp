#include "rollout/workload_ref.hpp"

#include <fmt/format.h>

#include "util/json_fields.hpp"

namespace cutover::rollout {

WorkloadObservation observe_workload(const Json& deployment) {
  WorkloadObservation out;
  out.exists = true;
  const Json& spec = member(deployment, "spec");
  const Json& status = member(deployment, "status");
  out.spec_replicas = static_cast<int>(int_or(spec, "replicas", 1));
  out.available_replicas = static_cast<int>(int_or(status, "availableReplicas"));
  out.pod_template = spec.value("template", Json());
  out.selector = spec.value("selector", Json());
  return out;
}

std::expected<void, FieldError> resolve_workload(
    Rollout& rollout, const std::optional<WorkloadObservation>& workload) {
  if (!rollout.spec.workload_ref)
    return {};
  const auto& ref = *rollout.spec.workload_ref;
  const std::string object = rollout.namespace_name + "/" + rollout.name;
  if (!workload || !workload->exists) {
    return std::unexpected(
        FieldError{"Rollout", object, "spec.workloadRef.name",
                   fmt::format("Deployment {}/{} does not exist", rollout.namespace_name, ref.name),
                   "create the Deployment, or name an existing one in the Rollout's namespace"});
  }
  if (!workload->pod_template.is_object()) {
    return std::unexpected(FieldError{
        "Rollout", object, "spec.workloadRef.name",
        fmt::format("Deployment {}/{} has no spec.template", rollout.namespace_name, ref.name),
        "reference a Deployment with a pod template"});
  }
  rollout.spec.pod_template = workload->pod_template;
  if (!rollout.spec.selector.is_object())
    rollout.spec.selector = workload->selector;
  return {};
}

}  // namespace cutover::rollout
