#include "rollout_access.hpp"

#include <fmt/format.h>

#include <ostream>

#include "exit_code.hpp"
#include "rollout/flag_rollout_json.hpp"
#include "rollout/migration_json.hpp"
#include "rollout/rollout_commands.hpp"
#include "rollout/rollout_json.hpp"

namespace cutover::cli {

int report_missing_rollout(const std::string& namespace_name, const std::string& name,
                           std::ostream& err, RolloutKind kind) {
  if (kind == RolloutKind::rollout) {
    err << fmt::format(
        "error: rollout {}/{} not found (fix: check the name and the namespace; deploy list -n {} "
        "lists the Rollouts there, deploy list -A all of them)\n",
        namespace_name, name, namespace_name);
    return kUsage;
  }
  const KindNames& names = kind_names(kind);
  err << fmt::format(
      "error: {} {}/{} not found (fix: check the name and the namespace; {} list -n {} lists "
      "the {} there, with -A all of them)\n",
      names.noun, namespace_name, name, names.command, namespace_name, names.plural);
  return kUsage;
}

std::expected<Json, int> get_rollout_object(kube::KubeClient& client,
                                            const kube::RestConfig& config,
                                            const std::string& namespace_name,
                                            const std::string& name, std::ostream& err,
                                            RolloutKind kind) {
  auto object = client.get(rollouts_ref(namespace_name, kind), name);
  if (object)
    return std::move(*object);
  if (object.error().reason == kube::ErrorReason::not_found)
    return std::unexpected(report_missing_rollout(namespace_name, name, err, kind));
  return std::unexpected(
      report_error(object.error(), config,
                   fmt::format("reading {} {}/{}", kind_noun(kind), namespace_name, name), err));
}

std::expected<rollout::Rollout, FieldError> parse_any(const Json& object) {
  const std::string kind = object.is_object() ? object.value("kind", std::string()) : "";
  if (kind == rollout::kFlagRolloutKind)
    return rollout::parse_flag_rollout(object);
  if (kind == rollout::kMigrationKind)
    return rollout::parse_migration(object);
  return rollout::parse_rollout(object);
}

std::expected<rollout::Rollout, int> parse_or_report(const Json& object, std::ostream& err) {
  auto parsed = parse_any(object);
  if (!parsed) {
    err << "error: " << parsed.error().describe() << "\n";
    return std::unexpected(kUsage);
  }
  return std::move(*parsed);
}

kube::Result<RolloutSnapshot> fetch_snapshot(kube::KubeClient& client,
                                             const std::string& namespace_name,
                                             const std::string& name, SlotReads slots,
                                             RolloutKind kind) {
  auto object = client.get(rollouts_ref(namespace_name, kind), name);
  if (!object)
    return std::unexpected(object.error());
  auto parsed = parse_any(*object);
  if (!parsed) {
    return std::unexpected(
        kube::Error{kube::ErrorReason::invalid, 0, parsed.error().describe(), {}, std::nullopt});
  }
  RolloutSnapshot snapshot{std::move(*parsed), std::move(*object), {}};
  if (slots == SlotReads::skip || kind != RolloutKind::rollout)
    return snapshot;
  for (rollout::Slot slot : {rollout::Slot::a, rollout::Slot::b}) {
    auto deployment =
        client.get(deployments_ref(namespace_name), rollout::slot_deployment_name(name, slot));
    if (deployment) {
      snapshot.slots[static_cast<std::size_t>(slot)] = slot_state(*deployment);
    } else if (deployment.error().reason != kube::ErrorReason::not_found) {
      return std::unexpected(deployment.error());
    }
  }
  return snapshot;
}

std::map<std::string, std::string> change_annotations(const std::string& change_cause,
                                                      const std::string& git_sha) {
  std::map<std::string, std::string> out{{rollout::kChangeCauseAnnotation, change_cause}};
  if (!git_sha.empty())
    out[rollout::kGitShaAnnotation] = git_sha;
  return out;
}

}  // namespace cutover::cli
