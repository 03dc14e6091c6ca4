#include "operator_main.hpp"

#include <CLI/CLI.hpp>

#include "manager.hpp"
#include "operator_options.hpp"

namespace cutover::op {

int operator_main(int argc, char** argv) {
  CLI::App app{
      "deploy-operator: reconciles Rollouts in the cluster (blue-green, canary, "
      "SLO-gated)"};
  app.name("deploy-operator");
  OperatorOptions options;
  app.add_option("--kubeconfig", options.kubeconfig,
                 "Path to a kubeconfig (default: in-cluster service account)");
  app.add_option("--context", options.context, "The kubeconfig context to use");
  app.add_option("--namespace", options.watch_namespace,
                 "Watch only this namespace (default: all namespaces)");
  app.add_option("--metrics-bind-address", options.metrics_bind_address,
                 "Address of the Prometheus /metrics endpoint")
      ->capture_default_str();
  app.add_option("--health-probe-bind-address", options.health_probe_bind_address,
                 "Address of /healthz and /readyz")
      ->capture_default_str();
  app.add_option("--leader-elect", options.leader_elect,
                 "Take a Lease so that only one replica drives Rollouts")
      ->capture_default_str();
  app.add_option("--leader-election-namespace", options.leader_election_namespace,
                 "Namespace of the leader-election Lease (default: the pod's namespace)");
  app.add_option("--leader-election-id", options.leader_election_id, "Name of the Lease")
      ->capture_default_str();
  app.add_option("--lease-duration", options.lease_duration_seconds,
                 "Seconds a Lease is valid without renewal")
      ->check(CLI::Range(2, 600))
      ->capture_default_str();
  app.add_option("--renew-deadline", options.renew_deadline_seconds,
                 "Seconds the leader keeps trying to renew before it steps down")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  app.add_option("--retry-period", options.retry_period_seconds,
                 "Seconds between Lease acquire/renew attempts")
      ->check(CLI::Range(1, 60))
      ->capture_default_str();
  app.add_option("--instance-id", options.instance_id,
                 "Shard: only reconcile Rollouts labelled cutover.dev/instance-id=<id> (default: "
                 "those without the label)");
  app.add_option("--kube-api-qps", options.kube_api_qps,
                 "Requests per second to the API server, sustained (client-side limit)")
      ->check(CLI::Range(1.0, 10000.0))
      ->capture_default_str();
  app.add_option("--kube-api-burst", options.kube_api_burst,
                 "Requests to the API server allowed in a burst above --kube-api-qps")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--workers", options.workers, "Rollouts reconciled in parallel")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--prometheus-url", options.prometheus_url,
                 "Prometheus for SLO policies that set no provider.prometheus.address, e.g. "
                 "http://prometheus.monitoring:9090");
  app.add_option("--notifications-namespace", options.notifications_namespace,
                 "Namespace of ConfigMap and Secret cutover-notifications (default: the "
                 "--namespace watched, else the pod's namespace, $POD_NAMESPACE)");
  try {
    app.parse(argc, argv);
    if (options.renew_deadline_seconds >= options.lease_duration_seconds) {
      throw CLI::ValidationError("--renew-deadline",
                                 "must be shorter than --lease-duration, or two leaders could "
                                 "overlap");
    }
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return run_manager(options);
}

}  // namespace cutover::op
