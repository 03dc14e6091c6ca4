#pragma once
// Only real changes: a plan says where things should be, and most passes find them there
// already. This drops every action that would change nothing the observer saw, so a settled
// Rollout makes no API request at all.
//
// - ScaleSlot / ScaleWorkload: dropped when the Deployment already asks for that many replicas
//   (or, scaling to 0, does not exist).
// - PinService: dropped when the Service's selector already pins that slot (or, unpinning, pins
//   none or is gone).
// - ApplySlot: dropped when the slot Deployment already runs that revision at that replica count
//   and its applied hash says the rest of it (strategy, deadlines, labels) is what we would send.
// Events and analysis starts are kept: the planner emits those only on a transition.

#include "rollout/plan.hpp"

namespace cutover::rollout {

void drop_unchanged_actions(const Rollout& rollout, const Observed& observed, Plan& plan);

}  // namespace cutover::rollout
