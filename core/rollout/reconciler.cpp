#include "rollout/reconciler.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "rollout/executor.hpp"
#include "rollout/finalizer_change.hpp"
#include "rollout/observer.hpp"
#include "rollout/plan.hpp"
#include "rollout/revision_record.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout/unchanged_actions.hpp"
#include "rollout/workload_ref.hpp"
#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

// At most this many plan-and-apply rounds in one pass (each after the previous one wrote a
// route's weight or a Service's selector): enough for three weight steps and a routed
// promotion; longer chains of instant steps go on in the next pass.
constexpr int kMaxRoundsPerPass = 8;

kube::ResourceRef rollouts(const std::string& ns) {
  return {"cutover.dev/v1alpha1", "Rollout", ns};
}

// Before a slot takes another revision, the revision it ran goes to a ControllerRevision
// (revision_record.hpp): the slot's annotation was its only record.
kube::Result<void> record_revisions(kube::KubeClient& client, const Rollout& rollout,
                                    const Observed& observed, const Plan& plan) {
  for (const Json& object : revisions_to_record(rollout, observed, plan)) {
    auto created = client.create({"apps/v1", "ControllerRevision", rollout.namespace_name}, object);
    if (!created && created.error().reason != kube::ErrorReason::already_exists)
      return std::unexpected(created.error());
  }
  return {};
}

}  // namespace

Reconciler::Reconciler(kube::KubeClient& client, Clock& clock, std::string field_manager,
                       AnalysisOptions analysis, ReconcileObserver* observer,
                       kube::KubeClient* event_client)
    : client_(client),
      clock_(clock),
      field_manager_(std::move(field_manager)),
      analysis_(std::move(analysis)),
      observer_(observer),
      event_client_(event_client) {}

kube::Result<void> Reconciler::report_invalid(const kube::ResourceRef& ref, const Json& object,
                                              ReconcileOutcome& outcome, WallTime now) {
  const auto generation = int_or(member(object, "metadata"), "generation");
  if (string_or(member(object, "status"), "message") == outcome.message)
    return {};
  const Json patch = {{"status",
                       {{"phase", "Degraded"},
                        {"message", outcome.message},
                        {"observedGeneration", generation},
                        {"conditions", Json::array({{{"type", "InvalidSpec"},
                                                     {"status", "True"},
                                                     {"reason", "InvalidSpec"},
                                                     {"message", outcome.message},
                                                     {"lastTransitionTime", format_rfc3339(now)},
                                                     {"lastUpdateTime", format_rfc3339(now)}}})}}}};
  const std::string name = string_or(member(object, "metadata"), "name");
  auto written = client_.patch(ref, name, kube::PatchType::json_merge, patch, kube::kStatus);
  if (!written)
    return std::unexpected(written.error());
  outcome.status_written = true;
  return {};
}

kube::Result<ReconcileOutcome> Reconciler::reconcile(const std::string& ns,
                                                     const std::string& name) {
  ReconcileOutcome outcome;
  auto object = client_.get(rollouts(ns), name);
  if (!object) {
    if (object.error().reason == kube::ErrorReason::not_found) {
      outcome.found = false;
      return outcome;
    }
    return std::unexpected(object.error());
  }
  const WallTime now = clock_.wall_now();
  auto rollout = parse_rollout(*object);
  if (!rollout) {
    // Terminal until the user edits the spec: say so in status and an event, do not retry.
    outcome.invalid = true;
    outcome.phase = Phase::degraded;
    outcome.message = rollout.error().describe();
    if (auto reported = report_invalid(rollouts(ns), *object, outcome, now); !reported)
      return std::unexpected(reported.error());
    return outcome;
  }
  auto finalizers = finalizers_of(*object);
  bool has_finalizer =
      std::find(finalizers.begin(), finalizers.end(), kFinalizer) != finalizers.end();
  if (rollout->deleting && !has_finalizer) {
    outcome.found = false;  // going away, and it pinned no Service: nothing left for us to do
    return outcome;
  }
  auto observed = observe(client_, *rollout);
  if (!observed)
    return std::unexpected(observed.error());
  if (auto resolved = resolve_workload(*rollout, observed->workload);
      !resolved && !rollout->deleting) {
    // The adopted Deployment is missing: nothing to plan from. It may be created later, so look
    // again, and say why in the status meanwhile.
    outcome.phase = Phase::degraded;
    outcome.message = resolved.error().describe();
    outcome.requeue_after = std::chrono::seconds{15};
    if (rollout->status.message != outcome.message) {
      const Json patch = {{"status", {{"phase", "Degraded"}, {"message", outcome.message}}}};
      auto written =
          client_.patch(rollouts(ns), name, kube::PatchType::json_merge, patch, kube::kStatus);
      if (!written)
        return std::unexpected(written.error());
      outcome.status_written = true;
    }
    return outcome;
  }
  // Measurements due now are taken before planning, so a failing gate is acted on in this pass.
  AnalysisDriver analyses(client_, analysis_);
  auto next_measurement = analyses.measure(*rollout, *observed, now);
  if (!next_measurement)
    return std::unexpected(next_measurement.error());
  Plan plan = rollout::plan(*rollout, *observed, now);
  drop_unchanged_actions(*rollout, *observed, plan);
  Executor executor(client_, field_manager_, event_client_);
  // `current`: the Rollout as the next round plans it (its status the last round's plan's);
  // `*rollout` keeps the status as read, for the status write's comparison and the metrics.
  Rollout current = *rollout;
  std::vector<RecordEvent> told;  // the rounds' Events, written after the last round
  for (int round = 1;; ++round) {
    if (!rollout->deleting) {
      // Only a Rollout that pins a Service carries the finalizer, and it has it before the first
      // pin is written (finalizer_change.hpp).
      const FinalizerChange change = finalizer_change(has_finalizer, *observed, plan);
      if (change != FinalizerChange::keep) {
        if (change == FinalizerChange::add)
          finalizers.emplace_back(kFinalizer);
        else
          std::erase(finalizers, std::string(kFinalizer));
        auto set =
            set_finalizers(client_, rollouts(ns), name, rollout->resource_version, finalizers);
        if (!set)
          return std::unexpected(set.error());
        has_finalizer = change == FinalizerChange::add;
        rollout->resource_version = *set;  // the status write below is conditional on it
        current.resource_version = *set;
      }
    }
    // The templates that a slot move would lose, then traffic (the executor's actions, then
    // its events), then the analysis records, then the Rollout's status. A record goes first so
    // that a failed write cannot leave a template with no copy; no abort moves a slot, so a
    // rollback never waits for one.
    if (auto recorded = record_revisions(client_, current, *observed, plan); !recorded) {
      return std::unexpected(recorded.error());
    }
    // The round's Events wait for the pass's last round, folded (consecutive steps told once).
    for (auto& action : plan.actions) {
      if (auto* e = std::get_if<RecordEvent>(&action))
        fold_event(told, std::move(*e));
    }
    std::erase_if(plan.actions,
                  [](const Action& action) { return std::holds_alternative<RecordEvent>(action); });
    if (auto applied = executor.apply(current, plan); !applied) {
      return std::unexpected(applied.error());
    }
    // A round that wrote a route's weight or moved a Service reads it back from its own write
    // (the operator's cache holds the patch's answer) and plans again at the same `now`, so a
    // routed step completes in one pass and one status write, as a replica-ratio step does,
    // rather than writing "waiting for the routes" and waiting for the object's watch event;
    // and a routed promotion (100%, stableService moved, 0%) takes one pass. Not when the round
    // starts an AnalysisRun (created once, below, with the last plan), nor on deletion.
    const bool wrote_traffic = std::ranges::any_of(plan.actions, [](const Action& action) {
      return std::holds_alternative<SetRouteWeight>(action) ||
             std::holds_alternative<PinService>(action);
    });
    const bool starts_run = std::ranges::any_of(plan.actions, [](const Action& action) {
      return std::holds_alternative<StartAnalysis>(action);
    });
    if (round >= kMaxRoundsPerPass || !wrote_traffic || starts_run || rollout->deleting)
      break;
    auto again = observe(client_, current);
    if (!again || !resolve_workload(current, again->workload))
      break;  // this round's actions stand; the next pass reads again
    again->analysis_runs = observed->analysis_runs;
    current.status = plan.status;
    Plan next = rollout::plan(current, *again, now);
    drop_unchanged_actions(current, *again, next);
    if (!next.abort_cause)
      next.abort_cause = plan.abort_cause;  // decided in an earlier round of this pass
    *observed = std::move(*again);
    plan = std::move(next);
  }
  if (auto recorded = executor.record(current, told); !recorded) {
    return std::unexpected(recorded.error());
  }
  if (auto persisted = analyses.persist(current, *observed, plan, now); !persisted) {
    return std::unexpected(persisted.error());
  }
  if (rollout->deleting) {
    // The Services have their selectors back (the plan's unpins, applied above): let it go.
    // `deploy delete` relies on this path too, with no operator running.
    std::erase(finalizers, std::string(kFinalizer));
    if (auto set =
            set_finalizers(client_, rollouts(ns), name, rollout->resource_version, finalizers);
        !set) {
      return std::unexpected(set.error());
    }
    outcome.found = false;
    return outcome;
  }
  if (status_to_json(plan.status) != status_to_json(rollout->status)) {
    auto written = executor.write_status(*rollout, plan.status);
    if (!written)
      return std::unexpected(written.error());
    outcome.status_written = true;
  }
  outcome.phase = plan.status.phase;
  outcome.message = plan.status.message;
  outcome.aborted = plan.status.abort;
  outcome.settled = plan.status.phase == Phase::healthy && !plan.status.scale_down_at &&
                    !plan.status.scale_down_slot && !outcome.status_written;
  outcome.requeue_after = plan.requeue_after;
  report(*rollout, plan, told, analyses, *next_measurement, now, outcome);
  return outcome;
}

void Reconciler::report(const Rollout& rollout, const Plan& plan,
                        const std::vector<RecordEvent>& told, const AnalysisDriver& analyses,
                        std::optional<WallTime> next_measurement, WallTime now,
                        ReconcileOutcome& outcome) {
  if (observer_ != nullptr) {
    observer_->passed(rollout, plan, told);
    for (const auto& phase : analyses.measurements())
      observer_->measured(phase);
    for (const auto& phase : analyses.finished_runs())
      observer_->run_finished(phase);
    if (plan.status.aborted_at && !rollout.status.aborted_at) {
      // A coarse, bounded label: what kind of failure, not its text.
      observer_->rolled_back(plan.abort_cause.value_or("manual"));
    }
  }
  if (next_measurement) {
    const auto due =
        std::max(std::chrono::milliseconds{0},
                 std::chrono::duration_cast<std::chrono::milliseconds>(*next_measurement - now));
    if (!outcome.requeue_after || due < *outcome.requeue_after)
      outcome.requeue_after = due;
    outcome.settled = false;
  }
}

}  // namespace cutover::rollout
