// Reconciler::reconcile_flag_rollout: one pass of a FlagRollout, with the Rollout's parts (the
// analysis driver, the executor, the unchanged-action filter, the status comparison). A
// FlagRollout owns no Service and pins nothing, so it carries no finalizer.
#include <fmt/format.h>

#include "flags/feature_flag.hpp"
#include "rollout/executor.hpp"
#include "rollout/flag_rollout_json.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/unchanged_actions.hpp"

namespace cutover::rollout {

kube::Result<ReconcileOutcome> Reconciler::reconcile_flag_rollout(const std::string& ns,
                                                                  const std::string& name) {
  ReconcileOutcome outcome;
  const kube::ResourceRef ref{"cutover.dev/v1alpha1", kFlagRolloutKind, ns};
  auto object = client_.get(ref, name);
  if (!object) {
    if (object.error().reason == kube::ErrorReason::not_found) {
      outcome.found = false;
      return outcome;
    }
    return std::unexpected(object.error());
  }
  const WallTime now = clock_.wall_now();
  auto fr = parse_flag_rollout(*object);
  if (!fr) {
    outcome.invalid = true;
    outcome.phase = Phase::degraded;
    outcome.message = fr.error().describe();
    if (auto reported = report_invalid(ref, *object, outcome, now); !reported)
      return std::unexpected(reported.error());
    return outcome;
  }
  if (fr->deleting) {
    outcome.found = false;
    return outcome;
  }
  // Its world: the FeatureFlag (a missing one, or a missing CRD, is a problem the status
  // names, not an error to retry) and its AnalysisRuns.
  Observed observed;
  const auto& binding = flag_rollout_binding(*fr);
  auto feature_flag = client_.get({flags::kFeatureFlagApiVersion, flags::kFeatureFlagKind, ns},
                                  binding.ref.feature_flag);
  if (!feature_flag && feature_flag.error().reason != kube::ErrorReason::not_found)
    return std::unexpected(feature_flag.error());
  const Json flag_object = feature_flag ? *feature_flag : Json();
  const std::string unresolved = resolve_other_variant(*fr, flag_object);
  observed.flags[binding.ref.describe()] =
      unresolved.empty() ? flags::read_flag_split(flag_object, flag_rollout_binding(*fr).ref)
                         : flags::FlagSplitReading{.problem = unresolved};
  AnalysisDriver analyses(client_, analysis_);
  auto next_measurement = analyses.measure(*fr, observed, now);
  if (!next_measurement)
    return std::unexpected(next_measurement.error());
  Plan plan = plan_flag_rollout(*fr, observed, now);
  drop_unchanged_actions(*fr, observed, plan);
  // The flag first (an abort's 0% before anything else), then the Events, the runs, the status.
  return finish_podless(*fr, observed, plan, analyses, *next_measurement, now, outcome);
}

kube::Result<ReconcileOutcome> Reconciler::finish_podless(
    const Rollout& rollout, const Observed& observed, const Plan& plan, AnalysisDriver& analyses,
    std::optional<WallTime> next_measurement, WallTime now, ReconcileOutcome outcome) {
  Executor executor(client_, field_manager_, event_client_);
  if (auto applied = executor.apply(rollout, plan); !applied)
    return std::unexpected(applied.error());
  if (auto persisted = analyses.persist(rollout, observed, plan, now); !persisted)
    return std::unexpected(persisted.error());
  if (status_to_json(plan.status) != status_to_json(rollout.status)) {
    auto written = executor.write_status(rollout, plan.status);
    if (!written)
      return std::unexpected(written.error());
    outcome.status_written = true;
  }
  outcome.phase = plan.status.phase;
  outcome.message = plan.status.message;
  outcome.aborted = plan.status.abort;
  outcome.settled = plan.status.phase == Phase::healthy && !outcome.status_written;
  outcome.requeue_after = plan.requeue_after;
  std::vector<RecordEvent> told;  // a podless plan carries its Events among its actions
  for (const auto& action : plan.actions) {
    if (const auto* event = std::get_if<RecordEvent>(&action))
      told.push_back(*event);
  }
  report(rollout, plan, told, analyses, next_measurement, now, outcome);
  return outcome;
}

}  // namespace cutover::rollout
