#pragma once
// A reconcile that keeps failing shows on the Rollout. Without this, a Rollout whose release
// the operator cannot carry out (a missing RBAC verb, an admission webhook that refuses a
// write) kept its old status: `Healthy`, an observedGeneration behind its generation, and no
// word of what failed, so `deploy set image --wait` could only time out.
//
// The controller reports a failed reconcile as the condition `ReconcileError` (True, with the
// API's reason and message and the fix), the same text in `status.message`, and phase
// `Degraded`. The next successful plan drops the condition (the planner removes it), so it is
// never stale.

#include <optional>

#include "kube/error.hpp"
#include "rollout/rollout.hpp"
#include "util/clock.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

inline constexpr const char* kReconcileErrorCondition = "ReconcileError";

/// Failed passes in a row after which any error is reported (network, 5xx, timeouts).
inline constexpr int kReportAfterFailures = 3;

/// The ReconcileError condition when it is True for the Rollout's current generation, else
/// nullptr: a client that just wrote a new spec does not act on an error about an older one.
const Condition* current_reconcile_error(const Rollout& rollout);

/// Whether a failed reconcile is reported on the Rollout: a refusal or a rejection at once
/// (retrying will not fix it), anything else after `kReportAfterFailures` failures in a row;
/// never a conflict (a concurrent writer: the retry follows at once) or a cancelled call.
/// `failures` counts the failures before this one.
bool reports_on_rollout(const kube::Error& error, int failures);

/// What to do about `error`, for a person reading the Rollout.
std::string reconcile_error_fix(const kube::Error& error);

/// The status merge patch that reports `error` on `rollout` (the object as read), or nullopt
/// when its status says so already. The patch carries the object's resourceVersion, so a
/// concurrent status write wins (a conflict, which the caller ignores). Conditions other than
/// ReconcileError are kept as they are.
std::optional<Json> reconcile_error_patch(const Json& rollout, const kube::Error& error,
                                          WallTime now);

}  // namespace cutover::rollout
