#pragma once
// Where a Rollout's earlier pod templates are kept, for `deploy undo`.
//
// A revision's template lives where the revision runs: the slot Deployment carries it (the
// cutover.dev/template annotation, written with the slot). When a slot is about to take another
// revision, the revision it ran is written to a ControllerRevision (`<rollout>-<revision>`,
// `data.template`) first. So each earlier template is kept in exactly one place at a time, the
// current one is the spec's, and a Rollout released once writes no record at all. Records are
// numbered by the revision's first place in `status.history`; a revision that has left the
// history (revisionHistoryLimit) is not recorded.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rollout/plan.hpp"
#include "rollout/rollout.hpp"

namespace cutover::rollout {

/// The number of `revision`: its first place in `history`, from 1; none if it is not there.
std::optional<std::int64_t> revision_number(const std::vector<HistoryEntry>& history,
                                            const std::string& revision);

/// The ControllerRevision recording `pod_template` as revision `number` of `rollout`, owned by
/// the Rollout (garbage-collected with it) and labelled with its name and the revision.
Json controller_revision(const Rollout& rollout, const std::string& revision,
                         const Json& pod_template, std::int64_t number);

/// The ControllerRevisions that `plan` must write before it runs: for each slot the plan moves
/// to another revision, the revision the slot ran (from its template annotation, as observed).
/// None for a slot applied before the annotation existed: the operator of then recorded every
/// revision when its slot first moved to it.
std::vector<Json> revisions_to_record(const Rollout& rollout, const Observed& observed,
                                      const Plan& plan);

/// The revisions still on `slot_deployments` (the Rollout's slot Deployments as served), as
/// ControllerRevision objects like the recorded ones, for `deploy undo` to choose among.
std::vector<Json> slot_revisions(const Rollout& rollout, const std::vector<Json>& slot_deployments);

}  // namespace cutover::rollout
