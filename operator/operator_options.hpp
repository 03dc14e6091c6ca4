#pragma once

#include <string>

namespace cutover::op {

/// The operator's flags, with the defaults a Deployment manifest expects.
struct OperatorOptions {
  std::string kubeconfig;  // empty: in-cluster config
  std::string context;
  std::string watch_namespace;  // empty: all namespaces
  std::string metrics_bind_address = "0.0.0.0:8080";
  std::string health_probe_bind_address = "0.0.0.0:8081";
  bool leader_elect = true;
  std::string leader_election_namespace;  // empty: $POD_NAMESPACE, else "default"
  std::string leader_election_id = "cutover-operator";
  int lease_duration_seconds = 15;
  int renew_deadline_seconds = 10;
  int retry_period_seconds = 2;
  std::string instance_id;
  int workers = 4;
  double kube_api_qps = 50;  // client-side limit on requests to the API server
  int kube_api_burst = 100;
  std::string prometheus_url;  // default Prometheus for SLO policies without an address
  /// Where ConfigMap/Secret cutover-notifications live; empty: the watched namespace, else
  /// $POD_NAMESPACE; none of them: no notifications.
  std::string notifications_namespace;
};

}  // namespace cutover::op
