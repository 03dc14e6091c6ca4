#include "dashboard/release_summary.hpp"

#include "rollout/rollout_commands.hpp"
#include "rollout_access.hpp"
#include "rollout_view.hpp"

namespace cutover::dashboard {

nlohmann::json release_summary(const nlohmann::json& object) {
  const auto& metadata = object.value("metadata", nlohmann::json::object());
  nlohmann::json row = {
      {"kind", object.value("kind", "")},
      {"namespace", metadata.value("namespace", "")},
      {"name", metadata.value("name", "")},
      {"uid", metadata.value("uid", "")},
      {"resourceVersion", metadata.value("resourceVersion", "")},
      {"createdAt", metadata.value("creationTimestamp", "")},
  };
  auto parsed = cli::parse_any(object);
  if (!parsed) {
    row["phase"] = "Invalid";
    row["message"] = parsed.error().describe();
    return row;
  }
  const rollout::Rollout& r = *parsed;
  const bool has_status =
      object.contains("status") && object["status"].is_object() && !object["status"].empty();
  row["phase"] = cli::phase_text(r, object);
  row["step"] = cli::step_progress(r);
  row["weight"] = has_status ? nlohmann::json(r.status.current_weight) : nlohmann::json(nullptr);
  row["strategy"] = r.spec.is_canary() ? "Canary" : "BlueGreen";
  row["message"] = r.status.message;
  row["paused"] = r.spec.paused || !r.status.pause_conditions.empty();
  row["aborted"] = r.status.abort;
  row["currentRevision"] = r.status.current_revision;
  row["stableRevision"] = r.status.stable_revision;
  row["promotedBy"] = r.status.promoted_by;
  row["images"] = rollout::template_images(
      object.value("spec", nlohmann::json::object()).value("template", nlohmann::json::object()));
  return row;
}

}  // namespace cutover::dashboard
