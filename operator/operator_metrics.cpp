#include "operator_metrics.hpp"

#include "version.hpp"

namespace cutover::op {

namespace {

const char* const kPhases[] = {"Progressing", "Paused", "Healthy", "Degraded"};

}  // namespace

OperatorMetrics::OperatorMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      reconcile_total_(prometheus::BuildCounter()
                           .Name("cutover_reconcile_total")
                           .Help("Reconciles of Rollouts, by result")
                           .Register(*registry_)),
      reconcile_errors_(prometheus::BuildCounter()
                            .Name("cutover_reconcile_errors_total")
                            .Help("Reconciles that failed and were retried with back-off")
                            .Register(*registry_)
                            .Add({})),
      reconcile_duration_(prometheus::BuildHistogram()
                              .Name("cutover_reconcile_duration_seconds")
                              .Help("Time to reconcile one Rollout")
                              .Register(*registry_)),
      phase_(prometheus::BuildGauge()
                 .Name("cutover_rollout_phase")
                 .Help("1 for the current phase of each Rollout")
                 .Register(*registry_)),
      api_requests_(
          prometheus::BuildCounter()
              .Name("cutover_api_requests_total")
              .Help("Kubernetes API requests, by verb, resource and HTTP code (0: no answer)")
              .Register(*registry_)),
      leader_(prometheus::BuildGauge()
                  .Name("cutover_leader")
                  .Help("1 while this replica holds the leader Lease")
                  .Register(*registry_)
                  .Add({})),
      analysis_runs_(prometheus::BuildCounter()
                         .Name("cutover_analysis_runs_total")
                         .Help("AnalysisRuns finished, by result")
                         .Register(*registry_)),
      measurements_(prometheus::BuildCounter()
                        .Name("cutover_analysis_measurements_total")
                        .Help("SLO measurements taken, by phase")
                        .Register(*registry_)),
      rollbacks_(prometheus::BuildCounter()
                     .Name("cutover_rollbacks_total")
                     .Help("Releases rolled back, by reason (analysis, crash-loop, "
                           "progress-deadline, manual)")
                     .Register(*registry_)),
      notifications_(prometheus::BuildCounter()
                         .Name("cutover_notifications_sent_total")
                         .Help("Notifications, by destination (the service's name) and result: "
                               "sent, failed (after the last retry), dropped (the queue was full)")
                         .Register(*registry_)) {
  prometheus::BuildGauge()
      .Name("cutover_build_info")
      .Help("Build information of the running operator")
      .Register(*registry_)
      .Add({{"version", kVersion}})
      .Set(1);
}

namespace {

// controller-runtime's buckets for the work queue: 1 µs to 10 s by powers of ten.
prometheus::Histogram::BucketBoundaries queue_buckets() {
  return {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10};
}

}  // namespace

OperatorMetrics::QueueMetrics::QueueMetrics(prometheus::Registry& registry)
    : depth_(prometheus::BuildGauge()
                 .Name("workqueue_depth")
                 .Help("Current depth of workqueue")
                 .Register(registry)
                 .Add({{"name", "rollout"}})),
      adds_(prometheus::BuildCounter()
                .Name("workqueue_adds_total")
                .Help("Total number of adds handled by workqueue")
                .Register(registry)
                .Add({{"name", "rollout"}})),
      retries_(prometheus::BuildCounter()
                   .Name("workqueue_retries_total")
                   .Help("Total number of retries handled by workqueue")
                   .Register(registry)
                   .Add({{"name", "rollout"}})),
      queued_(prometheus::BuildHistogram()
                  .Name("workqueue_queue_duration_seconds")
                  .Help("How long in seconds an item stays in workqueue before being requested")
                  .Register(registry)
                  .Add({{"name", "rollout"}}, queue_buckets())),
      worked_(prometheus::BuildHistogram()
                  .Name("workqueue_work_duration_seconds")
                  .Help("How long in seconds processing an item from workqueue takes")
                  .Register(registry)
                  .Add({{"name", "rollout"}}, queue_buckets())) {}

void OperatorMetrics::run_finished(std::string_view result) {
  std::lock_guard lock(mutex_);
  analysis_runs_.Add({{"result", std::string(result)}}).Increment();
}

void OperatorMetrics::measured(std::string_view phase) {
  std::lock_guard lock(mutex_);
  measurements_.Add({{"phase", std::string(phase)}}).Increment();
}

void OperatorMetrics::notification(const std::string& service, std::string_view result) {
  std::lock_guard lock(mutex_);
  notifications_.Add({{"service", service}, {"result", std::string(result)}}).Increment();
}

void OperatorMetrics::rolled_back(std::string_view reason) {
  std::lock_guard lock(mutex_);
  rollbacks_.Add({{"reason", std::string(reason)}}).Increment();
}

void OperatorMetrics::reconciled(const std::string& result, double seconds) {
  std::lock_guard lock(mutex_);
  reconcile_total_.Add({{"result", result}}).Increment();
  reconcile_duration_
      .Add({}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                       2.5, 5})
      .Observe(seconds);
}

void OperatorMetrics::reconcile_error() {
  reconcile_errors_.Increment();
}

void OperatorMetrics::rollout_phase(const std::string& ns, const std::string& rollout,
                                    const std::string& phase) {
  std::lock_guard lock(mutex_);
  for (const char* p : kPhases) {
    phase_.Add({{"namespace", ns}, {"rollout", rollout}, {"phase", p}}).Set(phase == p ? 1 : 0);
  }
}

void OperatorMetrics::forget_rollout(const std::string& ns, const std::string& rollout) {
  std::lock_guard lock(mutex_);
  for (const char* p : kPhases) {
    auto& gauge = phase_.Add({{"namespace", ns}, {"rollout", rollout}, {"phase", p}});
    phase_.Remove(&gauge);
  }
}

void OperatorMetrics::api_request(const kube::ApiCall& call) {
  const kube::ApiTarget target = kube::api_target(call.method, call.target);
  std::lock_guard lock(mutex_);
  api_requests_
      .Add({{"verb", std::string(call.method)},
            {"resource", target.resource},
            {"code", std::to_string(call.status)}})
      .Increment();
}

void OperatorMetrics::leader(bool is_leader) {
  leader_.Set(is_leader ? 1 : 0);
}

}  // namespace cutover::op
