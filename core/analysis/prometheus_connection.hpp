#pragma once
// Connecting an SLO policy's provider to Prometheus: the address (or the default), the
// credentials, CA and header values read from Secrets in the Rollout's namespace (also for a
// ClusterSLOPolicy), TLS verification on unless the policy turns it off.

#include <expected>
#include <memory>
#include <string>

#include "analysis/analysis_runner.hpp"
#include "analysis/prometheus_client.hpp"
#include "analysis/slo_policy.hpp"
#include "kube/kube_client.hpp"

namespace cutover::analysis {

/// The client configuration of `provider`: the address (`default_address` when the policy names
/// none), the bearer token, basic-auth pair, CA and `valueFrom` header values read from Secrets
/// of `namespace_name`, and a redacted header value (a provider read back from an AnalysisRun)
/// read from the policy named by `provider.policy`. `client` may be null only when
/// `provider.reads_cluster()` is false. Errors name the policy, the field, the Secret and the
/// fix; they never contain a secret value. A trailing newline of a Secret's value is dropped
/// (files made with `echo` have one), except for the CA.
std::expected<PrometheusConfig, std::string> prometheus_config(kube::KubeClient* client,
                                                               const PrometheusProvider& provider,
                                                               const std::string& namespace_name,
                                                               const std::string& default_address);

/// The default source factory: `prometheus_config` through `client`, then a connected client.
std::expected<std::shared_ptr<MetricsSource>, std::string> connect_prometheus(
    kube::KubeClient& client, const PrometheusProvider& provider, const std::string& namespace_name,
    const std::string& default_address);

}  // namespace cutover::analysis
