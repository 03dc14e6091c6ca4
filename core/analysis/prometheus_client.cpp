#include "analysis/prometheus_client.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/encoding.hpp"

namespace cutover::analysis {

namespace {

std::string form_value(double value) {
  return fmt::format("{:.3f}", value);
}

}  // namespace

std::expected<std::unique_ptr<PrometheusClient>, PrometheusError> PrometheusClient::connect(
    PrometheusConfig config) {
  kube::RestConfig rest;
  if (auto parsed = kube::parse_server_url(config.address, rest); !parsed) {
    return std::unexpected(
        PrometheusError{PrometheusError::Kind::transport, 0, "",
                        fmt::format("address \"{}\": {}", config.address, parsed.error())});
  }
  rest.tls.ca_pem = config.ca_pem;
  rest.tls.insecure_skip_verify = config.insecure_skip_verify;
  auto transport = kube::make_http_transport(rest);
  if (!transport) {
    return std::unexpected(
        PrometheusError{PrometheusError::Kind::transport, 0, "", transport.error().describe()});
  }
  return std::make_unique<PrometheusClient>(std::move(config), std::move(*transport));
}

PrometheusClient::PrometheusClient(PrometheusConfig config,
                                   std::unique_ptr<kube::HttpTransport> transport)
    : config_(std::move(config)), transport_(std::move(transport)) {}

std::expected<QueryResult, PrometheusError> PrometheusClient::query(std::string_view promql,
                                                                    std::optional<double> time) {
  std::string form = "query=" + url_encode(promql);
  if (time)
    form += "&time=" + form_value(*time);
  return post("/api/v1/query", form);
}

std::expected<QueryResult, PrometheusError> PrometheusClient::query_range(std::string_view promql,
                                                                          double start, double end,
                                                                          double step) {
  const std::string form = fmt::format("query={}&start={}&end={}&step={}", url_encode(promql),
                                       form_value(start), form_value(end), form_value(step));
  return post("/api/v1/query_range", form);
}

std::expected<QueryResult, PrometheusError> PrometheusClient::post(const std::string& path,
                                                                   const std::string& form) {
  kube::HttpRequest request;
  request.method = "POST";
  // Prometheus' own evaluation timeout, a little under ours, so a slow query comes back as a
  // Prometheus "timeout" error rather than a dropped connection.
  const auto seconds = std::max<long long>(
      1, std::chrono::duration_cast<std::chrono::seconds>(config_.timeout).count());
  request.target = path;
  request.body = form + fmt::format("&timeout={}s", seconds);
  request.content_type = "application/x-www-form-urlencoded";
  request.timeout = std::chrono::seconds{seconds + 1};
  request.headers = config_.headers;
  request.headers.emplace_back("Accept", "application/json");
  if (!config_.bearer_token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + config_.bearer_token);
  } else if (!config_.basic_username.empty()) {
    request.headers.emplace_back(
        "Authorization",
        "Basic " + base64_encode(config_.basic_username + ":" + config_.basic_password));
  }
  auto response = transport_->send(request);
  if (!response) {
    const auto kind = response.error().reason == kube::ErrorReason::timeout
                          ? PrometheusError::Kind::timeout
                          : PrometheusError::Kind::transport;
    return std::unexpected(PrometheusError{
        kind, 0, "", fmt::format("{}: {}", config_.address, response.error().message)});
  }
  return parse_query_response(response->status, response->body);
}

}  // namespace cutover::analysis
