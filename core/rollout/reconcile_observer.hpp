#pragma once
// What a reconcile reports for metrics, as it happens: measurements taken, AnalysisRuns finished,
// releases rolled back. The operator counts them on /metrics; `deploy run` passes none. Called
// only for a pass whose writes all succeeded, so a retried pass is not counted twice.

#include <string_view>
#include <vector>

#include "rollout/plan.hpp"
#include "rollout/rollout.hpp"

namespace cutover::rollout {

class ReconcileObserver {
 public:
  virtual ~ReconcileObserver() = default;
  /// One measurement of one metric, by its phase (Successful, Failed, Inconclusive, Error).
  virtual void measured(std::string_view phase) = 0;
  /// An AnalysisRun finished, by its phase.
  virtual void run_finished(std::string_view phase) = 0;
  /// A release started rolling back, by a coarse cause (analysis, crash-loop,
  /// progress-deadline, manual).
  virtual void rolled_back(std::string_view reason) = 0;
  /// The pass's outcome: the release as it was read (`before`), the plan whose status was
  /// written, and the Events recorded. Notifications start here (operator/notifications.hpp);
  /// it must not block.
  virtual void passed(const Rollout& /*before*/, const Plan& /*plan*/,
                      const std::vector<RecordEvent>& /*told*/) {}
};

}  // namespace cutover::rollout
