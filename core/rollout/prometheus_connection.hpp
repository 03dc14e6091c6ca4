#pragma once
// Connecting an SLO policy's provider to Prometheus: the address (or the default), the
// credentials and CA read from Secrets in the Rollout's namespace, TLS verification on unless
// the policy turns it off.

#include <expected>
#include <memory>
#include <string>

#include "analysis/analysis_runner.hpp"
#include "analysis/slo_policy.hpp"
#include "kube/kube_client.hpp"

namespace cutover::rollout {

/// The default source factory: Secrets read through `client`, TLS verification on unless the
/// policy turns it off, `default_address` when the policy names none.
std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> connect_prometheus(
    kube::KubeClient& client, const analysis::PrometheusProvider& provider,
    const std::string& namespace_name, const std::string& default_address);

}  // namespace cutover::rollout
