#pragma once
// What promote, promote --full, abort, retry, pause and resume do to a release, decided once for
// `deploy` and the dashboard: the patch to send (or that there is nothing to do), and the words
// that report it. Pure.

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "rollout/rollout.hpp"

namespace cutover::cli {

enum class ControlVerb { promote, promote_full, abort, retry, pause, resume };

/// "promote", "abort", "retry", "pause", "resume" (promote_full is promote with --full or
/// ?full=true); nothing for another word.
std::optional<ControlVerb> parse_control_verb(std::string_view word);

struct ControlPlan {
  /// The merge patch to send; null when there is nothing to do (`outcome` says why).
  nlohmann::json patch;
  /// "status" for the requests the planner reads from the status; "" for spec.paused.
  std::string subresource;
  /// What happened, after "<noun> NS/NAME ": "promoted: on to the next step", or, with no patch,
  /// "is Healthy with no release under way: nothing to promote".
  std::string outcome;
  /// Said before acting, e.g. that spec.paused keeps the release paused anyway.
  std::string warning = {};
};

/// The plan for `verb` on `release`, acting as `user` (recorded as status.promotedBy, and in the
/// abort reason). An error (retry of a release that is not aborted) says what is wrong and what
/// to do. `resume_hint` names how to resume in the warning (`deploy resume NAME`); `via` names
/// the channel in promotedBy and the abort reason (empty: the `deploy` command).
std::expected<ControlPlan, std::string> plan_control(ControlVerb verb,
                                                     const rollout::Rollout& release,
                                                     std::string_view user,
                                                     std::string_view resume_hint,
                                                     std::string_view via = {});

}  // namespace cutover::cli
