#pragma once
// A Migration as the API serves it, for the CLI's tests: shop/payments moves /payments and
// /checkout/pay on HTTPRoute shop/web from monolith:80 to payments:8080, shadowed then gated, and
// is paused at its manual pause (step 4/5) with 5% of the path on payments.

#include <nlohmann/json.hpp>

namespace cutover::cli {

inline nlohmann::json paused_migration() {
  return nlohmann::json::parse(R"({
    "apiVersion": "cutover.dev/v1alpha1",
    "kind": "Migration",
    "metadata": {"name": "payments", "namespace": "shop", "generation": 2,
                 "creationTimestamp": "2026-11-22T11:00:00Z"},
    "spec": {
      "route": {"gatewayAPI": {"httpRoute": "web"}},
      "from": {"service": "monolith", "port": 80},
      "to": {"service": "payments", "port": 8080},
      "matches": [{"path": {"type": "PathPrefix", "value": "/payments"}},
                  {"path": {"type": "Exact", "value": "/checkout/pay"}}],
      "steps": [{"setMirrorRoute": {"percentage": 100}},
                {"analysis": {"policies": [{"name": "error-rate-vs-legacy"}]}},
                {"setWeight": 5}, {"pause": {}}, {"setWeight": 50}]
    },
    "status": {
      "phase": "Paused", "message": "step 4/5: paused until promoted", "observedGeneration": 2,
      "strategy": "Migration", "currentRevision": "7f3c9a1b2d", "currentStepIndex": 3,
      "currentWeight": 5,
      "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2026-11-22T11:50:00Z"}],
      "progressStartedAt": "2026-11-22T11:40:00Z",
      "canary": {"weights": [{"route": "HTTPRoute shop/web", "weight": 5}]}
    }
  })");
}

/// `paused_migration()` after a failed gate: aborted, the path back on monolith.
inline nlohmann::json aborted_migration() {
  nlohmann::json object = paused_migration();
  object["status"]["phase"] = "Degraded";
  object["status"]["message"] = "aborted: analysis step-2 failed";
  object["status"]["abort"] = true;
  object["status"]["abortReason"] = "analysis step-2 failed";
  object["status"]["abortedAt"] = "2026-11-22T11:55:00Z";
  object["status"]["currentWeight"] = 0;
  object["status"]["pauseConditions"] = nlohmann::json::array();
  object["status"]["canary"]["weights"][0]["weight"] = 0;
  return object;
}

}  // namespace cutover::cli
