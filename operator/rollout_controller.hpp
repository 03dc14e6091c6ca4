#pragma once
// The Rollout controller: informers (list+watch) for Rollouts and for the Deployments and Pods
// of their slots feed a de-duplicating, rate-limited work queue; N workers reconcile keys with
// the shared engine (rollout::Reconciler).

#include <stop_token>
#include <string>

#include "kube/rest_client.hpp"
#include "operator_metrics.hpp"

namespace cutover::op {

struct ControllerOptions {
  std::string watch_namespace;  // empty: all namespaces
  std::string instance_id;      // shard: only Rollouts labelled cutover.dev/instance-id=<id>
  int workers = 4;
  std::string prometheus_url;  // for SLO policies that name no address
};

class RolloutController {
 public:
  RolloutController(kube::RestClient& client, ControllerOptions options, OperatorMetrics& metrics);

  /// Runs informers and workers until `stop`; returns after in-flight reconciles finish.
  void run(std::stop_token stop);

 private:
  kube::RestClient& client_;
  ControllerOptions options_;
  OperatorMetrics& metrics_;
};

}  // namespace cutover::op
