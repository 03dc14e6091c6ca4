#pragma once
// The Rollout controller (FlagRollouts too: their keys are "FlagRollout:NS/NAME" in the same
// queue, reconciled by Reconciler::reconcile_flag_rollout), in controller-runtime's shape:
// - informers (list+watch into stores) for Rollouts and for everything a reconcile reads: slot
//   and adopted Deployments, Pods, Services, AnalysisRuns, SLO policies and run Leases;
// - a has-synced gate: no worker starts before every informer has listed once;
// - a de-duplicating, rate-limited work queue of keys, fed by the informers' events;
// - N workers that reconcile keys with the shared engine (rollout::Reconciler) through a
//   kube::CachedClient: reads come from the stores, writes go to the API server.
// A settled Rollout therefore costs no API request at all.

#include <stop_token>
#include <string>

#include "kube/kube_client.hpp"
#include "kube/work_queue.hpp"
#include "operator_metrics.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/run_lease.hpp"
#include "rollout_index.hpp"

namespace cutover::op {

struct ControllerOptions {
  std::string watch_namespace;  // empty: all namespaces
  std::string instance_id;      // shard: only Rollouts labelled cutover.dev/instance-id=<id>
  int workers = 4;
  std::string prometheus_url;  // for SLO policies that name no address
  /// Creates the Events (a client of their own, with its own rate limit); null: `server` does.
  kube::KubeClient* event_client = nullptr;
  /// Where ConfigMap/Secret cutover-notifications live (notifications.hpp); empty: none.
  std::string notifications_namespace = {};
};

class RolloutController {
 public:
  /// `server`: the API server's client (writes, and reads the caches cannot answer).
  RolloutController(kube::KubeClient& server, ControllerOptions options, OperatorMetrics& metrics,
                    Clock& clock = SystemClock::instance());

  /// Wiring: runs informers and workers until `stop`; returns after in-flight reconciles finish.
  void run(std::stop_token stop);

  /// One key taken from the queue, as a worker handles it: skipped if it is not this replica's
  /// or `deploy run` holds it; otherwise reconciled with `reconciler` (whose client is `client`,
  /// also used to report a failure on the Rollout), counted, logged and requeued as the outcome
  /// says. Marks the key done. Public so a unit test drives it with fakes.
  void process(const std::string& key, rollout::Reconciler& reconciler, kube::KubeClient& client);

  [[nodiscard]] kube::WorkQueue& queue() { return queue_; }
  [[nodiscard]] RolloutIndex& index() { return index_; }
  [[nodiscard]] rollout::RunLeaseIndex& run_leases() { return run_leases_; }

 private:
  kube::KubeClient& server_;
  ControllerOptions options_;
  OperatorMetrics& metrics_;
  Clock& clock_;
  kube::WorkQueue queue_;
  RolloutIndex index_;
  rollout::RunLeaseIndex run_leases_;
  std::atomic<std::uint64_t> reconcile_ids_{0};
};

}  // namespace cutover::op
