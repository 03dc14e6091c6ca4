#include "rollout/revision_record.hpp"

#include <algorithm>

#include "rollout/slot.hpp"
#include "rollout/slot_deployment.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

// The template an annotation holds, if it holds an object.
std::optional<Json> parse_template(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object())
    return std::nullopt;
  return parsed;
}

}  // namespace

std::optional<std::int64_t> revision_number(const std::vector<HistoryEntry>& history,
                                            const std::string& revision) {
  const auto it = std::find_if(history.begin(), history.end(),
                               [&](const HistoryEntry& h) { return h.revision == revision; });
  if (it == history.end())
    return std::nullopt;
  return static_cast<std::int64_t>(it - history.begin()) + 1;
}

Json controller_revision(const Rollout& rollout, const std::string& revision,
                         const Json& pod_template, std::int64_t number) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "ControllerRevision"},
          {"metadata",
           {{"name", rollout.name + "-" + revision},
            {"namespace", rollout.namespace_name},
            {"labels", {{kRolloutLabel, rollout.name}, {kRevisionAnnotation, revision}}},
            {"ownerReferences", Json::array({{{"apiVersion", "cutover.dev/v1alpha1"},
                                              {"kind", "Rollout"},
                                              {"name", rollout.name},
                                              {"uid", rollout.uid},
                                              {"blockOwnerDeletion", false}}})}}},
          {"data", {{"template", pod_template}}},
          {"revision", number}};
}

std::vector<Json> revisions_to_record(const Rollout& rollout, const Observed& observed,
                                      const Plan& plan) {
  std::vector<Json> out;
  for (const auto& action : plan.actions) {
    const auto* apply = std::get_if<ApplySlot>(&action);
    if (apply == nullptr)
      continue;
    const SlotObservation& slot = observed.slot(apply->slot);
    if (!slot.exists || slot.revision.empty() || slot.revision == apply->revision)
      continue;
    const auto pod_template = parse_template(slot.recorded_template);
    // Numbered in the history the plan writes (the one `deploy undo` will read).
    const auto number = revision_number(plan.status.history, slot.revision);
    if (!pod_template || !number)
      continue;
    const std::string name = rollout.name + "-" + slot.revision;
    if (std::ranges::any_of(out, [&](const Json& r) { return r["metadata"]["name"] == name; }))
      continue;
    out.push_back(controller_revision(rollout, slot.revision, *pod_template, *number));
  }
  return out;
}

std::vector<Json> slot_revisions(const Rollout& rollout,
                                 const std::vector<Json>& slot_deployments) {
  std::vector<Json> out;
  for (const auto& deployment : slot_deployments) {
    const Json& annotations = member(member(deployment, "metadata"), "annotations");
    const std::string revision = string_or(annotations, kRevisionAnnotation);
    const auto pod_template = parse_template(string_or(annotations, kTemplateAnnotation));
    const auto number = revision_number(rollout.status.history, revision);
    if (revision.empty() || !pod_template || !number)
      continue;
    out.push_back(controller_revision(rollout, revision, *pod_template, *number));
  }
  return out;
}

}  // namespace cutover::rollout
