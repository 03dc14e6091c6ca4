#pragma once
// Which notification triggers a reconcile fires, from what it did: the Events it recorded and
// the status before and after. Pure. The triggers (a Migration's and a FlagRollout's use their
// own prefix, on-migration-* and on-flag-rollout-*; the analysis ones are shared):
//
//   on-rollout-updated         a new revision starts (Event NewRevision)
//   on-rollout-step-completed  a step is done (StepCompleted)
//   on-rollout-paused          the release starts waiting (a pause condition appears)
//   on-rollout-promoted        someone lifted a pause or skipped steps (status.promotedBy set)
//   on-rollout-aborted         the release is rolled back (RolloutAborted)
//   on-rollout-completed       the release is done (Promoted, FirstDeployment)
//   on-analysis-failed         a gate's AnalysisRun failed (AnalysisFailed)
//   on-analysis-inconclusive   ... was inconclusive (AnalysisInconclusive)

#include <string>
#include <string_view>
#include <vector>

#include "rollout/rollout.hpp"

namespace cutover::notify {

/// Every built-in trigger's name.
const std::vector<std::string>& builtin_triggers();
bool is_builtin_trigger(std::string_view name);

/// The triggers one pass fired for a release of `kind` (Rollout, Migration, FlagRollout), in
/// the order above, each once.
std::vector<std::string> fired_triggers(std::string_view kind, const rollout::RolloutStatus& before,
                                        const rollout::RolloutStatus& after,
                                        const std::vector<std::string>& event_reasons);

}  // namespace cutover::notify
