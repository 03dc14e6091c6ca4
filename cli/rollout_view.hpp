#pragma once
// What `deploy list`, `status` and `history` print. Pure: the objects, the time and the
// terminal go in, text comes out, so golden tests pin the output byte for byte.

#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "rollout/rollout.hpp"
#include "terminal.hpp"

namespace cutover::cli {

using Json = nlohmann::json;

/// One slot Deployment (`<rollout>-a` or `-b`) as the status tree shows it.
struct SlotState {
  bool exists = false;
  std::string revision;             // its cutover.dev/revision annotation
  std::vector<std::string> images;  // container=image
  int replicas = 0;                 // spec.replicas
  int ready = 0;
};

/// SlotState of a Deployment object (null: the slot does not exist).
SlotState slot_state(const Json& deployment);

/// A Rollout and its two slots, read together.
struct RolloutSnapshot {
  rollout::Rollout rollout;
  Json object;                     // as the API served it
  std::array<SlotState, 2> slots;  // indexed by rollout::Slot
  /// Who drives it while a `deploy run` holds its Lease (rollout::describe_driver); empty
  /// otherwise (the operator, if installed).
  std::string driven_by = {};
};

/// kubectl's short ages: 45s, 3m12s, 42m, 5h3m, 2d4h, 120d.
std::string human_age(std::chrono::seconds age);

/// The age of an object from its `metadata.creationTimestamp` ("<unknown>" without one).
std::string object_age(const Json& object, WallTime now);

/// A canary's place in its steps, "2/6" ("-" with no steps), for the lists' STEP column.
std::string step_progress(const rollout::Rollout& rollout);

/// The phase as the lists' PHASE column shows it: "Pending" until a controller wrote a status.
std::string phase_text(const rollout::Rollout& rollout, const Json& object);

/// A Migration's paths (CanaryStrategy::move's matches), as written: "/payments".
std::vector<std::string> migration_paths(const rollout::CanaryStrategy& canary);

/// `deploy list`: one row per Rollout object (`items` of a List). With `all_namespaces` a
/// NAMESPACE column comes first; `wide` adds the revisions and the message.
std::string render_list(const Json& items, bool all_namespaces, Output output, WallTime now);

/// `deploy status` (and the status of a FlagRollout or a Migration): the tree view.
std::string render_status(const RolloutSnapshot& snapshot, WallTime now, const Terminal& terminal);

/// One line summing up the snapshot, for `--watch` when stdout is not a TTY.
std::string render_status_line(const RolloutSnapshot& snapshot);

/// `deploy history`: one row per entry of status.history, oldest first.
std::string render_history(const rollout::Rollout& rollout, Output output, WallTime now);

/// A fixed-width bar of `width` cells, `percent` of them filled.
std::string traffic_bar(int percent, int width);

/// Rows as columns padded to their widest cell (by display width), three spaces apart.
std::string table(const std::vector<std::vector<std::string>>& rows);

}  // namespace cutover::cli
