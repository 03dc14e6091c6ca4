#pragma once
// One release (a Rollout, a Migration or a FlagRollout) as the dashboard's lists and its event
// stream carry it: what a row shows, small enough that a thousand make one quick page. Pure.

#include <nlohmann/json.hpp>

#include "util/clock.hpp"

namespace cutover::dashboard {

/// `{kind, namespace, name, uid, resourceVersion, createdAt, phase, step, weight, strategy,
///   message, paused, aborted, currentRevision, stableRevision, promotedBy, images}`.
/// An object whose spec does not parse still gets a row: phase "Invalid", the error as its
/// message (the fix is in its words).
nlohmann::json release_summary(const nlohmann::json& object);

}  // namespace cutover::dashboard
