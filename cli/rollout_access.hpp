#pragma once
// Reading Rollouts (and FlagRollouts, Migrations: rollout_kind.hpp) for the commands: the object,
// its two slot Deployments, and errors that name the object and the fix.

#include <expected>
#include <iosfwd>
#include <map>
#include <string>

#include "global_options.hpp"
#include "kube/kube_client.hpp"
#include "rollout_kind.hpp"
#include "rollout_view.hpp"
#include "util/spec_reader.hpp"

namespace cutover::cli {

inline kube::ResourceRef rollouts_ref(const std::string& namespace_name,
                                      RolloutKind kind = RolloutKind::rollout) {
  return {"cutover.dev/v1alpha1", kind_names(kind).api_kind, namespace_name};
}
inline kube::ResourceRef deployments_ref(const std::string& namespace_name) {
  return {"apps/v1", "Deployment", namespace_name};
}

/// The Rollout object `namespace_name/name`. On failure prints why and returns the exit code:
/// kUsage for an unknown Rollout (the message says how to list them), kUnreachable, kFailed.
std::expected<Json, int> get_rollout_object(kube::KubeClient& client,
                                            const kube::RestConfig& config,
                                            const std::string& namespace_name,
                                            const std::string& name, std::ostream& err,
                                            RolloutKind kind = RolloutKind::rollout);

/// Parses `object` (a Rollout, a FlagRollout or a Migration by its `kind`).
std::expected<rollout::Rollout, FieldError> parse_any(const Json& object);

/// Parses `object` (a Rollout, a FlagRollout or a Migration by its `kind`), or prints the spec
/// error and returns kUsage.
std::expected<rollout::Rollout, int> parse_or_report(const Json& object, std::ostream& err);

enum class SlotReads { read, skip };

/// The Rollout and, unless `slots` is skip, both slot Deployments (a missing slot is fine; a
/// missing Rollout is `not_found`). FlagRollouts and Migrations have no slots.
kube::Result<RolloutSnapshot> fetch_snapshot(kube::KubeClient& client,
                                             const std::string& namespace_name,
                                             const std::string& name,
                                             SlotReads slots = SlotReads::read,
                                             RolloutKind kind = RolloutKind::rollout);

/// Prints "error: rollout NS/NAME not found ..." (flagrollout, migration), with the command that
/// lists them, and returns kUsage.
int report_missing_rollout(const std::string& namespace_name, const std::string& name,
                           std::ostream& err, RolloutKind kind = RolloutKind::rollout);

/// The template annotations a change records: `cutover.dev/change-cause` (always) and
/// `cutover.dev/git-sha` when `git_sha` is non-empty.
std::map<std::string, std::string> change_annotations(const std::string& change_cause,
                                                      const std::string& git_sha);

}  // namespace cutover::cli
