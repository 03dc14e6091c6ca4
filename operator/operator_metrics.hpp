#pragma once
// The operator's own /metrics, through prometheus-cpp: reconciles, errors and durations, the
// phase of each Rollout, and API requests by verb and code.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <string>

#include "kube/api_call.hpp"
#include "kube/work_queue.hpp"
#include "rollout/reconcile_observer.hpp"

namespace cutover::op {

class OperatorMetrics final : public rollout::ReconcileObserver {
 public:
  OperatorMetrics();

  void reconciled(const std::string& result, double seconds);
  void reconcile_error();
  /// Sets cutover_rollout_phase{namespace,rollout,phase} to 1 for `phase`, 0 for the others.
  void rollout_phase(const std::string& ns, const std::string& rollout, const std::string& phase);
  void forget_rollout(const std::string& ns, const std::string& rollout);
  /// cutover_api_requests_total{verb, resource, code}: verb is the HTTP method (WATCH for a
  /// watch), resource the RBAC resource ("deployments/scale"; "" for non-resource paths).
  void api_request(const kube::ApiCall& call);
  void leader(bool is_leader);
  /// cutover_analysis_runs_total{result}, cutover_analysis_measurements_total{phase},
  /// cutover_rollbacks_total{reason}.
  void run_finished(std::string_view result) override;
  void measured(std::string_view phase) override;
  void rolled_back(std::string_view reason) override;
  /// cutover_notifications_sent_total{service, result}.
  void notification(const std::string& service, std::string_view result);

  /// The work queue's figures under controller-runtime's names, labelled name="rollout":
  /// workqueue_depth, workqueue_adds_total, workqueue_retries_total,
  /// workqueue_queue_duration_seconds and workqueue_work_duration_seconds.
  [[nodiscard]] kube::WorkQueueObserver& queue_observer() { return queue_; }

  [[nodiscard]] std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  class QueueMetrics final : public kube::WorkQueueObserver {
   public:
    explicit QueueMetrics(prometheus::Registry& registry);
    void depth(std::size_t keys) override { depth_.Set(static_cast<double>(keys)); }
    void added() override { adds_.Increment(); }
    void retried() override { retries_.Increment(); }
    void queued(std::chrono::duration<double> waited) override { queued_.Observe(waited.count()); }
    void worked(std::chrono::duration<double> took) override { worked_.Observe(took.count()); }

   private:
    prometheus::Gauge& depth_;
    prometheus::Counter& adds_;
    prometheus::Counter& retries_;
    prometheus::Histogram& queued_;
    prometheus::Histogram& worked_;
  };

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& reconcile_total_;
  prometheus::Counter& reconcile_errors_;
  prometheus::Family<prometheus::Histogram>& reconcile_duration_;
  prometheus::Family<prometheus::Gauge>& phase_;
  prometheus::Family<prometheus::Counter>& api_requests_;
  prometheus::Gauge& leader_;
  prometheus::Family<prometheus::Counter>& analysis_runs_;
  prometheus::Family<prometheus::Counter>& measurements_;
  prometheus::Family<prometheus::Counter>& rollbacks_;
  prometheus::Family<prometheus::Counter>& notifications_;
  std::mutex mutex_;
  QueueMetrics queue_{*registry_};
};

}  // namespace cutover::op
