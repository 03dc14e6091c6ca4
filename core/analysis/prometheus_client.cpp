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
  rest.server = config.address;
  rest.source = "Prometheus";  // not a kubeconfig: the transport's hints must not name one
  rest.base_path.clear();      // the client adds the prefix itself
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
    : config_(std::move(config)), transport_(std::move(transport)) {
  kube::RestConfig rest;
  if (kube::parse_server_url(config_.address, rest))
    path_prefix_ = rest.base_path;
}

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
  request.target = path_prefix_ + path;
  request.body = form + fmt::format("&timeout={}s", seconds);
  request.content_type = "application/x-www-form-urlencoded";
  request.timeout = std::chrono::seconds{seconds + 1};
  // An unreachable address must not hold a measurement longer than the policy allows.
  request.connect_timeout = config_.timeout;
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
    std::string message = response.error().message;
    if (!message.starts_with(config_.address))
      message = fmt::format("{}: {}", config_.address, message);
    if (message.find("TLS verification failed") != std::string::npos) {
      message +=
          " (fix: set spec.provider.prometheus.caSecretRef to the CA that signed "
          "Prometheus' certificate, or correct the address's host name)";
    }
    return std::unexpected(PrometheusError{kind, 0, "", std::move(message)});
  }
  auto result = parse_query_response(response->status, response->body);
  if (!result && (response->status == 401 || response->status == 403)) {
    auto& message = result.error().message;  // a snippet of the body, e.g. "Unauthorized "
    while (!message.empty() && message.back() == ' ')
      message.pop_back();
    message += response->status == 401
                   ? " (fix: Prometheus wants credentials: check bearerTokenSecretRef, "
                     "basicAuthSecretRef or a header's valueFrom, and the keys of that Secret)"
                   : " (fix: the credentials are not allowed to query; check the Secret of "
                     "bearerTokenSecretRef, basicAuthSecretRef or a header's valueFrom)";
  }
  return result;
}

}  // namespace cutover::analysis
