#include "rollout/slot_deployment.hpp"

#include <fmt/format.h>

#include "util/hash.hpp"

namespace cutover::rollout {

std::string applied_hash(const Json& deployment) {
  Json copy = deployment;
  if (copy.is_object() && copy["spec"].is_object())
    copy["spec"].erase("replicas");
  if (copy.is_object() && copy["metadata"].is_object() &&
      copy["metadata"]["annotations"].is_object()) {
    copy["metadata"]["annotations"].erase(kAppliedAnnotation);
    copy["metadata"]["annotations"].erase(kTemplateAnnotation);
  }
  // nlohmann's dump orders object keys, so equal objects give equal text.
  return fmt::format("{:016x}", fnv1a64(copy.dump()));
}

Json slot_deployment(const Rollout& r, Slot slot, const std::string& revision, int replicas) {
  Json tmpl = r.spec.pod_template;
  if (!tmpl.is_object())
    tmpl = Json::object();
  auto& labels = tmpl["metadata"]["labels"];
  if (!labels.is_object())
    labels = Json::object();
  labels[kSlotLabel] = to_string(slot);
  labels[kRolloutLabel] = r.name;
  Json selector = r.spec.selector.is_object() ? r.spec.selector : Json::object();
  selector["matchLabels"][kSlotLabel] = to_string(slot);
  Json deployment = {{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata",
                      {{"name", slot_deployment_name(r.name, slot)},
                       {"namespace", r.namespace_name},
                       {"labels", {{kRolloutLabel, r.name}, {kSlotLabel, to_string(slot)}}},
                       {"annotations", {{kRevisionAnnotation, revision}}},
                       {"ownerReferences", Json::array({{{"apiVersion", "cutover.dev/v1alpha1"},
                                                         {"kind", "Rollout"},
                                                         {"name", r.name},
                                                         {"uid", r.uid},
                                                         {"controller", true},
                                                         {"blockOwnerDeletion", true}}})}}},
                     {"spec",
                      {{"replicas", replicas},
                       {"selector", selector},
                       {"template", tmpl},
                       {"progressDeadlineSeconds", r.spec.progress_deadline_seconds},
                       {"revisionHistoryLimit", 2}}}};
  if (r.spec.is_canary()) {
    const auto& canary = r.spec.canary();
    Json rolling = Json::object();
    if (!canary.max_surge.is_null())
      rolling["maxSurge"] = canary.max_surge;
    if (!canary.max_unavailable.is_null())
      rolling["maxUnavailable"] = canary.max_unavailable;
    if (!rolling.empty()) {
      deployment["spec"]["strategy"] = {{"type", "RollingUpdate"}, {"rollingUpdate", rolling}};
    }
  }
  deployment["metadata"]["annotations"][kTemplateAnnotation] = r.spec.pod_template.dump();
  deployment["metadata"]["annotations"][kAppliedAnnotation] = applied_hash(deployment);
  return deployment;
}

}  // namespace cutover::rollout
