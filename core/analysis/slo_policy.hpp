#pragma once
// `SLOPolicy` and `ClusterSLOPolicy` (cutover.dev/v1alpha1): reusable SLO gates. A policy names
// its arguments, where Prometheus is, and the metrics to judge. The same metric shape is copied,
// rendered, into every AnalysisRun, so a run is a self-contained audit record.

#include <chrono>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "analysis/burn_rate.hpp"
#include "analysis/compare_judge.hpp"
#include "analysis/metric_tally.hpp"
#include "util/spec_reader.hpp"

namespace cutover::analysis {

using Json = nlohmann::json;

struct PolicyArg {
  std::string name;
  std::optional<std::string> value;  // the default; none means "required"
};

struct SecretKeyRef {
  std::string name;
  std::string key;
  bool operator==(const SecretKeyRef&) const = default;
};

/// A custom header sent with every query: `{name, value}` or
/// `{name, valueFrom: {secretKeyRef: {name, key}}}`. A literal value is never written into an
/// AnalysisRun (see `provider_to_json`), so a run read back holds it as `redacted`.
/// HTTP header names compare without regard to case (RFC 9110, section 5.1).
bool same_header_name(std::string_view a, std::string_view b);

struct PrometheusHeader {
  std::string name;
  std::string value;                   // the literal; empty when `secret` is set or `redacted`
  std::optional<SecretKeyRef> secret;  // valueFrom.secretKeyRef
  /// Read back from an AnalysisRun: the literal is in the policy `PrometheusProvider::policy`.
  bool redacted = false;
  bool operator==(const PrometheusHeader&) const = default;
};

/// The policy a provider belongs to (a ClusterSLOPolicy, or an SLOPolicy of the Rollout's
/// namespace): where a redacted header value is read back from.
struct PolicyLocator {
  bool cluster_scope = false;
  std::string name;
  bool operator==(const PolicyLocator&) const = default;
};

struct PrometheusProvider {
  std::string address;  // empty: the operator's --prometheus-url
  std::chrono::milliseconds timeout{10'000};
  std::vector<PrometheusHeader> headers;
  std::optional<SecretKeyRef> bearer_token;  // bearerTokenSecretRef
  std::string basic_auth_secret;             // basicAuthSecretRef.name: keys username, password
  std::optional<SecretKeyRef> ca;            // caSecretRef: a PEM bundle
  bool insecure_skip_verify = false;
  /// Set by `parse_slo_policy`; `policyRef` in an AnalysisRun that has redacted headers.
  std::optional<PolicyLocator> policy;

  /// True when connecting needs the Kubernetes API: a Secret, or a redacted header's policy.
  [[nodiscard]] bool reads_cluster() const;
};

/// What a literal header value becomes in an AnalysisRun.
inline constexpr const char* kRedacted = "<redacted>";

/// `threshold`: conditions over the instant query's `result`.
struct ThresholdSpec {
  std::string query;
  std::string success_condition;
  std::string failure_condition;
};

/// `burnRate`: multi-window, multi-burn-rate error-budget gate. The queries contain
/// `{{window}}`, replaced by each (scaled) window.
struct BurnRateSpec {
  double objective = 99.9;  // percent
  std::string error_query;
  std::string total_query;
  std::vector<BurnWindow> windows;  // empty: the SRE workbook's four pairs
  /// Multiplies every window. When the policy sets none, the gate's duration (initialDelay +
  /// interval × count) over the first pair's long window, so the fastest pair spans the gate
  /// (1h → 40s for 10s + 3 × 10s); 1 for a gate without a count. Resolved at parse time, so
  /// an AnalysisRun records the scale it used.
  double window_scale = 1.0;
};

/// `compare`: canary against baseline on range-query samples over the last `lookback`.
struct CompareSpec {
  std::string canary_query;
  std::string baseline_query;
  std::chrono::milliseconds lookback{60'000};
  std::chrono::milliseconds step{5'000};
  CompareOptions options;
};

struct MetricSpec {
  std::string name;
  std::chrono::milliseconds interval{30'000};
  std::chrono::milliseconds initial_delay{0};
  MetricLimits limits;
  bool dry_run = false;
  std::variant<ThresholdSpec, BurnRateSpec, CompareSpec> judge;
};

struct SloPolicy {
  std::string name;
  std::string namespace_name;  // empty for a ClusterSLOPolicy
  bool cluster_scope = false;
  std::vector<PolicyArg> args;
  PrometheusProvider provider;
  /// How long after the run starts "no data" is waited out (not counted) before it counts as
  /// inconclusive. It never counts as success.
  std::chrono::milliseconds no_data_timeout{60'000};
  /// Measurements kept per metric in an AnalysisRun (the counts always cover all of them).
  int measurement_retention = 100;
  std::vector<MetricSpec> metrics;
};

/// Parses an SLOPolicy or ClusterSLOPolicy object (from the API or a YAML file). Expressions
/// and templates are checked here, so `deploy lint` and the API-side errors agree.
std::expected<SloPolicy, FieldError> parse_slo_policy(const Json& object);

/// The shapes shared with AnalysisRun: one metric (at `path`) and one provider.
std::expected<MetricSpec, FieldError> parse_metric(const SpecReader& reader, const Json& metric,
                                                   const std::string& path);
std::expected<PrometheusProvider, FieldError> parse_provider(const SpecReader& reader,
                                                             const Json& provider,
                                                             const std::string& path);
Json metric_to_json(const MetricSpec& metric);
/// The provider as an AnalysisRun records it: Secret references as they are, every literal
/// header value as "<redacted>" (with `policyRef`, the policy that holds it).
Json provider_to_json(const PrometheusProvider& provider);

}  // namespace cutover::analysis
