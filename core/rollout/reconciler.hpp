#pragma once
// One reconcile of one Rollout: read, decide, apply. Shared by the operator's workers and by
// `deploy run`, so both drive Rollouts identically. Level-based: it reads the world every time
// and never replays events.

#include <chrono>
#include <optional>
#include <string>

#include "kube/kube_client.hpp"
#include "rollout/analysis_driver.hpp"
#include "rollout/plan.hpp"
#include "rollout/reconcile_observer.hpp"
#include "rollout/rollout.hpp"
#include "util/clock.hpp"

namespace cutover::rollout {

/// Our finalizer: before a Rollout goes, the user's Services get their selectors back.
inline constexpr const char* kFinalizer = "cutover.dev/restore-services";

struct ReconcileOutcome {
  bool found = true;  // false: the Rollout does not exist (deleted)
  bool invalid = false;
  bool status_written = false;
  Phase phase = Phase::progressing;
  std::string message;
  bool aborted = false;
  /// Healthy with nothing left to do (no old slot waiting for its scale-down delay).
  bool settled = false;
  std::optional<std::chrono::milliseconds> requeue_after;
};

class Reconciler {
 public:
  /// `observer` (optional; must outlive the reconciler) hears what each successful pass did.
  /// `event_client` (optional; must outlive it) carries the Events, else `client` does.
  Reconciler(kube::KubeClient& client, Clock& clock, std::string field_manager = "cutover",
             AnalysisOptions analysis = {}, ReconcileObserver* observer = nullptr,
             kube::KubeClient* event_client = nullptr);

  /// Errors are transient (network, conflict); the caller retries with back-off. A spec error
  /// is not an error here: it is written to the Rollout's status and an event, and not retried.
  kube::Result<ReconcileOutcome> reconcile(const std::string& namespace_name,
                                           const std::string& name);

  /// The same for the FlagRollout `namespace_name/name` (flag_rollout_reconciler.cpp): reads it,
  /// its FeatureFlag and its AnalysisRuns, plans (plan_flag_rollout), writes the flag, the
  /// Events, the runs and the status, in that order.
  kube::Result<ReconcileOutcome> reconcile_flag_rollout(const std::string& namespace_name,
                                                        const std::string& name);
  /// The same for the Migration `namespace_name/name` (migration_reconciler.cpp): reads it, the
  /// namespace's other Migrations (two may not move one path), its route and its
  /// AnalysisRuns, plans (plan_migration), writes the route, the Events, the runs and the
  /// status. With onDelete restore it carries a finalizer, removed once the route reads 0%.
  kube::Result<ReconcileOutcome> reconcile_migration(const std::string& namespace_name,
                                                     const std::string& name);

 private:
  /// An object whose spec does not parse: Degraded with an InvalidSpec condition naming the
  /// field and the fix (written only when the message changed). Not retried.
  kube::Result<void> report_invalid(const kube::ResourceRef& ref, const Json& object,
                                    ReconcileOutcome& outcome, WallTime now);
  /// The end of a FlagRollout's or Migration's pass: applies `plan` (the flag or route first,
  /// then the Events), records the runs, writes the status when it differs, and fills
  /// `outcome`.
  kube::Result<ReconcileOutcome> finish_podless(const Rollout& rollout, const Observed& observed,
                                                const Plan& plan, AnalysisDriver& analyses,
                                                std::optional<WallTime> next_measurement,
                                                WallTime now, ReconcileOutcome outcome);
  /// After a pass: tells the observer what it measured, finished and rolled back, and brings
  /// `outcome.requeue_after` forward to the next measurement, if one is due sooner.
  void report(const Rollout& rollout, const Plan& plan, const std::vector<RecordEvent>& told,
              const AnalysisDriver& analyses, std::optional<WallTime> next_measurement,
              WallTime now, ReconcileOutcome& outcome);

  kube::KubeClient& client_;
  Clock& clock_;
  std::string field_manager_;
  AnalysisOptions analysis_;
  ReconcileObserver* observer_;
  kube::KubeClient* event_client_;
};

}  // namespace cutover::rollout
