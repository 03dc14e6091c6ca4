#pragma once
// Notifications from the operator: after each successful reconcile pass (ReconcileObserver::
// passed), the triggers the pass fired (notify/trigger_events.hpp) are matched against the
// subscriptions on the release and, cluster-wide, on its namespace (notify/subscriptions.hpp),
// rendered with the release and its analysis evidence, and queued (notify/notifier.hpp): the
// reconcile never waits for a delivery. The configuration is ConfigMap and Secret
// `cutover-notifications` in the operator's namespace, read when a trigger fires and kept for
// 10 seconds (a missing ConfigMap means no notifications). Everything else this observer hears
// goes on to `next` (the metrics).

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "kube/kube_client.hpp"
#include "notify/notifier.hpp"
#include "notify/notify_config.hpp"
#include "operator_metrics.hpp"
#include "rollout/reconcile_observer.hpp"

namespace cutover::op {

struct NotificationOptions {
  /// Where ConfigMap and Secret cutover-notifications live (the operator's namespace).
  std::string config_namespace;
  /// Subscriptions on namespaces too (a cluster-wide operator; a namespaced one may not read
  /// Namespaces).
  bool namespace_subscriptions = true;
  notify::NotifierOptions notifier = {};
};

class Notifications final : public rollout::ReconcileObserver {
 public:
  /// `server` reads the configuration and Namespaces; `reader` (the informer caches) the
  /// releases and their AnalysisRuns.
  Notifications(OperatorMetrics& metrics, kube::KubeClient& server, kube::KubeClient& reader,
                NotificationOptions options,
                std::shared_ptr<notify::Transport> transport = notify::make_curl_transport());

  void measured(std::string_view phase) override { metrics_.measured(phase); }
  void run_finished(std::string_view phase) override { metrics_.run_finished(phase); }
  void rolled_back(std::string_view reason) override { metrics_.rolled_back(reason); }
  void passed(const rollout::Rollout& before, const rollout::Plan& plan,
              const std::vector<rollout::RecordEvent>& told) override;

  /// Waits for the queue to empty (tests, shutdown).
  bool drain(std::chrono::milliseconds limit) { return notifier_.drain(limit); }

 private:
  std::shared_ptr<const notify::NotifyConfig> config();
  kube::Json namespace_annotations(const std::string& ns);

  OperatorMetrics& metrics_;
  kube::KubeClient& server_;
  kube::KubeClient& reader_;
  NotificationOptions options_;
  std::mutex mutex_;
  std::shared_ptr<const notify::NotifyConfig> config_;
  std::chrono::steady_clock::time_point config_until_{};
  std::unordered_map<std::string, std::pair<kube::Json, std::chrono::steady_clock::time_point>>
      namespaces_;
  std::set<std::string> warned_;
  std::set<std::string> once_sent_;
  notify::Notifier notifier_;
};

}  // namespace cutover::op
