#pragma once
// The changes `deploy` makes to a Rollout, as patches. This is the contract with the planner:
// the CLI only ever edits `spec` (a new template, `paused`) or sets the few status fields the
// planner reads as requests (`pauseConditions: []` to promote, `promoteFull`, `abort`). Pure
// functions: no I/O, the caller sends the patches.
//
// **Example**:
//     auto assignment = parse_image_assignment("web=registry.example.com/web:1.4.2");
//     auto patch = set_image_patch(object, {*assignment}, {{kChangeCauseAnnotation, "..."}});
//     if (patch) client.patch(rollouts, name, kube::PatchType::json_patch, *patch);

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollout/rollout.hpp"
#include "util/spec_reader.hpp"

namespace cutover::rollout {

inline constexpr const char* kChangeCauseAnnotation = "cutover.dev/change-cause";
inline constexpr const char* kGitShaAnnotation = "cutover.dev/git-sha";
inline constexpr const char* kRestartedAtAnnotation = "cutover.dev/restarted-at";
/// Who last paused or resumed a Rollout: "paused by alice via deploy pause".
inline constexpr const char* kPauseChangedByAnnotation = "cutover.dev/pause-changed-by";

enum class PromoteFull { no, yes };
enum class Paused { no, yes };

/// Status merge patch that lifts the current pause (and with `full`, skips the remaining steps),
/// recording `user` as the one who promoted (status.promotedBy: "alice via deploy promote";
/// `via` names another channel: "the dashboard").
Json promote_status_patch(PromoteFull full, std::string_view user, std::string_view via = {});
/// Status merge patch asking the planner to abort; the reason names `user` (and `via`, as above).
Json abort_status_patch(std::string_view user, std::string_view via = {});
/// Status merge patch that retries an aborted release. Refuses (naming the fix) when `rollout`
/// is not aborted.
std::expected<Json, FieldError> retry_status_patch(const Rollout& rollout);
/// Spec merge patch setting `spec.paused`; with a `user` (or `via`) it also records who, in the
/// annotation cutover.dev/pause-changed-by ("paused by alice via deploy pause").
Json pause_spec_patch(Paused paused, std::string_view user = {}, std::string_view via = {});
/// Spec merge patch that stamps `cutover.dev/restarted-at` on the pod template: a new revision
/// with the same images.
Json restart_spec_patch(WallTime now);

/// One `CONTAINER=IMAGE` argument of `deploy set image`.
struct ImageAssignment {
  std::string container;
  std::string image;
  bool operator==(const ImageAssignment&) const = default;
};

/// Parses `CONTAINER=IMAGE`. The error says what is wrong with `text` and shows an example.
std::expected<ImageAssignment, std::string> parse_image_assignment(std::string_view text);

/// Checks an image reference (`[registry[:port]/]name[:tag][@digest]`). Returns what is wrong.
std::expected<void, std::string> validate_image_reference(std::string_view image);

/// JSON patch (RFC 6902) for the Rollout `object`: replaces the images of the named containers
/// (and init containers) in `spec.template` and sets `annotations` on the template. An unknown
/// container is an error that lists the containers that exist.
std::expected<Json, FieldError> set_image_patch(
    const Json& object, const std::vector<ImageAssignment>& assignments,
    const std::map<std::string, std::string>& annotations);

/// Adds `annotations` to the pod template of a Rollout object (for `deploy apply`).
void annotate_template(Json& object, const std::map<std::string, std::string>& annotations);

/// The images of a pod template as `container=image`, in container order.
std::vector<std::string> template_images(const Json& pod_template);

/// The pod template `deploy undo` goes back to, chosen among the Rollout's ControllerRevisions
/// (`revisions`: a List of `apps/v1` ControllerRevision objects, `data.template` each).
/// With `to_revision`, the one whose `.revision` equals it. Without, the stable revision when a
/// release is under way, else the newest revision older than the current one.
/// `stable_slot_template` (the stable slot Deployment's template, slot labels removed) is a
/// fallback for the stable revision when no ControllerRevision records it (cut down to the keys
/// of `spec.template`, since the API server adds defaults, and used only if its hash matches).
std::expected<Json, FieldError> choose_undo_template(
    const Rollout& rollout, const Json& revisions, std::optional<std::int64_t> to_revision,
    const std::optional<Json>& stable_slot_template);

/// JSON patch replacing `spec.template` wholesale (a merge patch would keep keys the old
/// template lacks, and so change the revision hash).
Json replace_template_patch(const Json& pod_template);

}  // namespace cutover::rollout
