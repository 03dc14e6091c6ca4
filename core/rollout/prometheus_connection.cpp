#include "rollout/prometheus_connection.hpp"

#include <fmt/format.h>

#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> connect_prometheus(
    kube::KubeClient& client, const analysis::PrometheusProvider& provider,
    const std::string& namespace_name, const std::string& default_address) {
  analysis::PrometheusConfig config;
  config.address = provider.address.empty() ? default_address : provider.address;
  if (config.address.empty()) {
    return std::unexpected(
        "no Prometheus address: set spec.provider.prometheus.address in the policy or start "
        "the operator with --prometheus-url");
  }
  config.timeout = provider.timeout;
  config.headers = provider.headers;
  config.insecure_skip_verify = provider.insecure_skip_verify;
  const auto secret_value = [&](const std::string& name,
                                const std::string& key) -> std::expected<std::string, std::string> {
    auto secret = client.get({"v1", "Secret", namespace_name}, name);
    if (!secret) {
      return std::unexpected(
          fmt::format("Secret {}/{}: {}", namespace_name, name, secret.error().describe()));
    }
    const std::string encoded = string_or(member(*secret, "data"), key.c_str());
    auto decoded = base64_decode(encoded);
    if (encoded.empty() || !decoded) {
      return std::unexpected(
          fmt::format("Secret {}/{} has no key \"{}\"", namespace_name, name, key));
    }
    return *decoded;
  };
  if (provider.bearer_token) {
    auto token = secret_value(provider.bearer_token->name, provider.bearer_token->key);
    if (!token)
      return std::unexpected(token.error());
    config.bearer_token = std::move(*token);
  }
  if (!provider.basic_auth_secret.empty()) {
    auto user = secret_value(provider.basic_auth_secret, "username");
    auto password = secret_value(provider.basic_auth_secret, "password");
    if (!user || !password)
      return std::unexpected(user ? password.error() : user.error());
    config.basic_username = std::move(*user);
    config.basic_password = std::move(*password);
  }
  if (provider.ca) {
    auto ca = secret_value(provider.ca->name, provider.ca->key);
    if (!ca)
      return std::unexpected(ca.error());
    config.ca_pem = std::move(*ca);
  }
  auto client_or = analysis::PrometheusClient::connect(std::move(config));
  if (!client_or)
    return std::unexpected(client_or.error().describe());
  return std::shared_ptr<analysis::MetricsSource>(std::move(*client_or));
}

}  // namespace cutover::rollout
