#include "rollout/reconcile_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "util/encoding.hpp"

namespace cutover::rollout {

const Condition* current_reconcile_error(const Rollout& rollout) {
  for (const auto& c : rollout.status.conditions) {
    if (c.type == kReconcileErrorCondition && c.status == "True" &&
        c.observed_generation >= rollout.generation) {
      return &c;
    }
  }
  return nullptr;
}

bool reports_on_rollout(const kube::Error& error, int failures) {
  switch (error.reason) {
    case kube::ErrorReason::conflict:
    case kube::ErrorReason::cancelled:
      return false;
    case kube::ErrorReason::forbidden:
    case kube::ErrorReason::unauthorized:
    case kube::ErrorReason::invalid:
    case kube::ErrorReason::bad_request:
    case kube::ErrorReason::method_not_allowed:
    case kube::ErrorReason::unsupported_media_type:
    case kube::ErrorReason::decode:
      return true;
    default:
      return failures + 1 >= kReportAfterFailures;
  }
}

std::string reconcile_error_fix(const kube::Error& error) {
  switch (error.reason) {
    case kube::ErrorReason::forbidden:
      return "the operator's ServiceAccount lacks the permission named above: apply the RBAC of "
             "this release (kubectl apply -k operator/config/rbac, or "
             "operator/config/rbac/namespaced in --namespace mode), or add that verb and "
             "resource to the cutover-operator ClusterRole/Role";
    case kube::ErrorReason::unauthorized:
    case kube::ErrorReason::auth:
      return "the API server does not accept the operator's credentials: check its "
             "ServiceAccount token (or --kubeconfig)";
    case kube::ErrorReason::invalid:
    case kube::ErrorReason::bad_request:
      return "the API server (or an admission webhook) rejected a write: see the message; if "
             "the Rollout's spec is valid, report it as a Cutover bug";
    case kube::ErrorReason::not_found:
      // Something the spec names is missing (a Service, a DestinationRule's subset): the
      // message says which; the pass is retried, so creating it is enough.
      return "create what the message names, or correct the name in the spec; the operator "
             "retries with back-off";
    default:
      return "the operator retries with back-off; check that the API server is reachable and "
             "healthy";
  }
}

std::optional<Json> reconcile_error_patch(const Json& rollout, const kube::Error& error,
                                          WallTime now) {
  const Json& status = member(rollout, "status");
  // The condition's reason is the error's kind in CamelCase, as Kubernetes spells reasons.
  std::string api_reason;
  bool upper = true;
  for (const char ch : kube::to_string(error.reason)) {
    if (ch == '_') {
      upper = true;
      continue;
    }
    api_reason += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    upper = false;
  }
  const std::string message =
      fmt::format("reconcile failing: {} (fix: {})", error.describe(), reconcile_error_fix(error));
  Json conditions = Json::array();
  const Json* previous = nullptr;
  if (const Json& old = member(status, "conditions"); old.is_array()) {
    for (const auto& c : old) {
      if (string_or(c, "type") == kReconcileErrorCondition)
        previous = &c;
      else
        conditions.push_back(c);
    }
  }
  const bool was_true = previous != nullptr && string_or(*previous, "status") == "True";
  const auto generation = int_or(member(rollout, "metadata"), "generation");
  if (was_true && string_or(*previous, "message") == message &&
      int_or(*previous, "observedGeneration") == generation &&
      string_or(status, "message") == message && string_or(status, "phase") == "Degraded") {
    return std::nullopt;
  }
  conditions.push_back({{"type", kReconcileErrorCondition},
                        {"status", "True"},
                        {"reason", api_reason},
                        {"message", message},
                        {"lastTransitionTime", was_true ? string_or(*previous, "lastTransitionTime")
                                                        : format_rfc3339(now)},
                        {"lastUpdateTime", format_rfc3339(now)},
                        {"observedGeneration", generation}});
  const Json& metadata = member(rollout, "metadata");
  return Json{
      {"metadata", {{"resourceVersion", string_or(metadata, "resourceVersion")}}},
      {"status", {{"phase", "Degraded"}, {"message", message}, {"conditions", conditions}}}};
}

}  // namespace cutover::rollout
