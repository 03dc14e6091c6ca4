#include "notify/trigger_events.hpp"

#include <algorithm>

namespace cutover::notify {

namespace {

constexpr std::string_view kTransitions[] = {"updated",  "step-completed", "paused",
                                             "promoted", "aborted",        "completed"};

std::string prefix_of(std::string_view kind) {
  if (kind == rollout::kMigrationKind)
    return "on-migration-";
  if (kind == rollout::kFlagRolloutKind)
    return "on-flag-rollout-";
  return "on-rollout-";
}

}  // namespace

const std::vector<std::string>& builtin_triggers() {
  static const std::vector<std::string> kAll = [] {
    std::vector<std::string> out;
    for (const char* prefix : {"on-rollout-", "on-migration-", "on-flag-rollout-"})
      for (const auto transition : kTransitions)
        out.push_back(std::string(prefix) + std::string(transition));
    out.emplace_back("on-analysis-failed");
    out.emplace_back("on-analysis-inconclusive");
    return out;
  }();
  return kAll;
}

bool is_builtin_trigger(std::string_view name) {
  const auto& all = builtin_triggers();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::vector<std::string> fired_triggers(std::string_view kind, const rollout::RolloutStatus& before,
                                        const rollout::RolloutStatus& after,
                                        const std::vector<std::string>& event_reasons) {
  const auto told = [&](std::string_view reason) {
    return std::find(event_reasons.begin(), event_reasons.end(), reason) != event_reasons.end();
  };
  const std::string prefix = prefix_of(kind);
  std::vector<std::string> fired;
  if (told("NewRevision"))
    fired.push_back(prefix + "updated");
  if (told("StepCompleted"))
    fired.push_back(prefix + "step-completed");
  if (before.pause_conditions.empty() && !after.pause_conditions.empty() && !after.abort)
    fired.push_back(prefix + "paused");
  if (!after.promoted_by.empty() && after.promoted_by != before.promoted_by)
    fired.push_back(prefix + "promoted");
  if (told("RolloutAborted"))
    fired.push_back(prefix + "aborted");
  if (told("Promoted") || told("FirstDeployment"))
    fired.push_back(prefix + "completed");
  if (told("AnalysisFailed"))
    fired.emplace_back("on-analysis-failed");
  if (told("AnalysisInconclusive"))
    fired.emplace_back("on-analysis-inconclusive");
  return fired;
}

}  // namespace cutover::notify
