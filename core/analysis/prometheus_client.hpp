#pragma once
// A small client of the Prometheus HTTP API: instant and range queries, sent as form-encoded
// POSTs (no URL length limit). Auth is a bearer token, basic auth or custom headers; TLS
// verification is on unless the policy turns it off. Secrets never appear in errors or logs.

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/prometheus_response.hpp"
#include "kube/http_transport.hpp"

namespace cutover::analysis {

struct PrometheusConfig {
  std::string address;  // http(s)://host:port[/prefix]
  /// The whole query: connecting, Prometheus' own evaluation (`timeout=`) and the answer.
  std::chrono::milliseconds timeout{10'000};
  std::vector<std::pair<std::string, std::string>> headers;  // values resolved; never logged
  std::string bearer_token;                                  // never logged
  std::string basic_username;
  std::string basic_password;  // never logged
  std::string ca_pem;          // empty: the system trust store
  bool insecure_skip_verify = false;
};

/// Where the query of one measurement is sent. An interface so the analysis runner can be
/// unit-tested with canned answers.
class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  /// Instant query at `time` (Unix seconds), or now.
  virtual std::expected<QueryResult, PrometheusError> query(std::string_view promql,
                                                            std::optional<double> time) = 0;
  /// Range query over [start, end] with `step` seconds between points.
  virtual std::expected<QueryResult, PrometheusError> query_range(std::string_view promql,
                                                                  double start, double end,
                                                                  double step) = 0;
};

class PrometheusClient final : public MetricsSource {
 public:
  /// Checks the address and builds the TLS context (a bad CA fails here, not per query).
  static std::expected<std::unique_ptr<PrometheusClient>, PrometheusError> connect(
      PrometheusConfig config);
  /// Over any transport (a fake in tests). The address's path prefix is put in front of every
  /// request target here, so `transport` must not add it again.
  PrometheusClient(PrometheusConfig config, std::unique_ptr<kube::HttpTransport> transport);

  std::expected<QueryResult, PrometheusError> query(std::string_view promql,
                                                    std::optional<double> time) override;
  std::expected<QueryResult, PrometheusError> query_range(std::string_view promql, double start,
                                                          double end, double step) override;

 private:
  std::expected<QueryResult, PrometheusError> post(const std::string& path,
                                                   const std::string& form);

  PrometheusConfig config_;
  std::string path_prefix_;  // "/prefix" of https://host/prefix, or empty
  std::unique_ptr<kube::HttpTransport> transport_;
};

}  // namespace cutover::analysis
