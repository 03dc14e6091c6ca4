#include "analysis/prometheus_connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::analysis {

namespace {

using Value = std::expected<std::string, std::string>;

constexpr const char* kField = "spec.provider.prometheus";

// Reads Secrets of one namespace for one provider; every error names the policy and the field.
class SecretReader {
 public:
  SecretReader(kube::KubeClient* client, const PrometheusProvider& provider,
               const std::string& namespace_name)
      : client_(client), provider_(provider), namespace_(namespace_name) {}

  // "SLOPolicy shop/errors: spec.provider.prometheus.caSecretRef"
  std::string where(const std::string& field) const {
    std::string out = fmt::format("{}.{}", kField, field);
    if (provider_.policy) {
      out = provider_.policy->cluster_scope
                ? fmt::format("ClusterSLOPolicy {}: {}", provider_.policy->name, out)
                : fmt::format("SLOPolicy {}/{}: {}", namespace_, provider_.policy->name, out);
    }
    return out;
  }

  // The decoded value of `key`; `one_line` drops a trailing newline and refuses any other.
  // `create_args` shows how to make the Secret (kubectl create secret generic NAME ...).
  Value get(const std::string& field, const std::string& name, const std::string& key,
            bool one_line, const std::string& create_args = "") const {
    const std::string secret = fmt::format("Secret {}/{}", namespace_, name);
    if (client_ == nullptr) {
      return std::unexpected(fmt::format(
          "{}: {} cannot be read without a cluster (fix: run with a kubeconfig whose context, "
          "or -n, is namespace {})",
          where(field), secret, namespace_));
    }
    auto object = client_->get({"v1", "Secret", namespace_}, name);
    if (!object) {
      if (object.error().reason == kube::ErrorReason::not_found) {
        return std::unexpected(fmt::format(
            "{}: {} not found (fix: create it in namespace {}{}, e.g. kubectl -n {} create "
            "secret generic {} {})",
            where(field), secret, namespace_,
            provider_.policy && provider_.policy->cluster_scope
                ? ", the Rollout's: a ClusterSLOPolicy's Secrets are read from there"
                : "",
            namespace_, name,
            create_args.empty() ? fmt::format("--from-file={}=FILE", key) : create_args));
      }
      return std::unexpected(
          fmt::format("{}: reading {}: {}", where(field), secret, object.error().describe()));
    }
    const Json& data = member(*object, "data");
    if (!data.is_object() || !data.contains(key)) {
      return std::unexpected(fmt::format(
          "{}: {} has no key \"{}\" (fix: add the key to the Secret, or name one it has)",
          where(field), secret, key));
    }
    auto decoded = base64_decode(string_or(data, key.c_str()));
    if (!decoded) {
      return std::unexpected(fmt::format(
          "{}: key \"{}\" of {} is not valid base64 (fix: re-create the Secret with kubectl "
          "create secret, or put the plain value under stringData)",
          where(field), key, secret));
    }
    std::string value = std::move(*decoded);
    if (one_line) {
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
        value.pop_back();
      if (value.find_first_of("\r\n") != std::string::npos) {
        return std::unexpected(fmt::format("{}: key \"{}\" of {} holds more than one line",
                                           where(field), key, secret));
      }
    }
    if (value.empty()) {
      return std::unexpected(fmt::format("{}: key \"{}\" of {} is empty (fix: put the value in it)",
                                         where(field), key, secret));
    }
    return value;
  }

 private:
  using Json = kube::Json;
  kube::KubeClient* client_;
  const PrometheusProvider& provider_;
  const std::string& namespace_;
};

// The policy a redacted header's literal value lives in.
std::expected<PrometheusProvider, std::string> policy_provider(kube::KubeClient* client,
                                                               const PrometheusProvider& provider,
                                                               const std::string& namespace_name,
                                                               const std::string& header) {
  if (!provider.policy || client == nullptr) {
    return std::unexpected(fmt::format(
        "{}.headers: the value of \"{}\" is redacted and no policy says where it is (fix: "
        "restart the analysis from its policy, e.g. deploy retry)",
        kField, header));
  }
  const auto& locator = *provider.policy;
  const std::string kind = locator.cluster_scope ? "ClusterSLOPolicy" : "SLOPolicy";
  const std::string shown = locator.cluster_scope
                                ? kind + " " + locator.name
                                : fmt::format("{} {}/{}", kind, namespace_name, locator.name);
  auto object = client->get(
      {"cutover.dev/v1alpha1", kind, locator.cluster_scope ? std::string{} : namespace_name},
      locator.name);
  if (!object) {
    return std::unexpected(fmt::format(
        "{}: reading it for the value of header \"{}\" (an AnalysisRun records only the "
        "header's name): {}",
        shown, header, object.error().describe()));
  }
  auto policy = parse_slo_policy(*object);
  if (!policy)
    return std::unexpected(policy.error().describe());
  return std::move(policy->provider);
}

}  // namespace

std::expected<PrometheusConfig, std::string> prometheus_config(kube::KubeClient* client,
                                                               const PrometheusProvider& provider,
                                                               const std::string& namespace_name,
                                                               const std::string& default_address) {
  PrometheusConfig config;
  config.address = provider.address.empty() ? default_address : provider.address;
  if (config.address.empty()) {
    return std::unexpected(
        "no Prometheus address: set spec.provider.prometheus.address in the policy or start "
        "the operator with --prometheus-url");
  }
  config.timeout = provider.timeout;
  config.insecure_skip_verify = provider.insecure_skip_verify;
  const SecretReader secrets(client, provider, namespace_name);
  std::optional<PrometheusProvider> from_policy;  // read once, for the redacted headers
  for (std::size_t i = 0; i < provider.headers.size(); ++i) {
    const auto& header = provider.headers[i];
    const std::string field = fmt::format("headers[{}]", i);
    if (header.secret) {
      auto value = secrets.get(field + ".valueFrom.secretKeyRef", header.secret->name,
                               header.secret->key, true);
      if (!value)
        return std::unexpected(value.error());
      config.headers.emplace_back(header.name, std::move(*value));
    } else if (header.redacted) {
      if (!from_policy) {
        auto read = policy_provider(client, provider, namespace_name, header.name);
        if (!read)
          return std::unexpected(read.error());
        from_policy = std::move(*read);
      }
      const auto& headers = from_policy->headers;
      const auto found = std::find_if(
          headers.begin(), headers.end(),
          [&](const PrometheusHeader& h) { return same_header_name(h.name, header.name); });
      if (found == headers.end()) {
        return std::unexpected(fmt::format(
            "{}: header \"{}\" is no longer in the policy, and the AnalysisRun records only its "
            "name (fix: add it back to the policy, or restart the analysis, e.g. deploy retry)",
            secrets.where("headers"), header.name));
      }
      if (found->secret) {
        auto value =
            secrets.get(fmt::format("headers[{}].valueFrom.secretKeyRef", found - headers.begin()),
                        found->secret->name, found->secret->key, true);
        if (!value)
          return std::unexpected(value.error());
        config.headers.emplace_back(header.name, std::move(*value));
      } else {
        config.headers.emplace_back(header.name, found->value);
      }
    } else {
      config.headers.emplace_back(header.name, header.value);
    }
  }
  if (provider.bearer_token) {
    auto token = secrets.get("bearerTokenSecretRef", provider.bearer_token->name,
                             provider.bearer_token->key, true);
    if (!token)
      return std::unexpected(token.error());
    config.bearer_token = std::move(*token);
  }
  if (!provider.basic_auth_secret.empty()) {
    const std::string create = "--from-literal=username=USER --from-literal=password=PASSWORD";
    auto user =
        secrets.get("basicAuthSecretRef", provider.basic_auth_secret, "username", true, create);
    if (!user)
      return std::unexpected(user.error());
    auto password =
        secrets.get("basicAuthSecretRef", provider.basic_auth_secret, "password", true, create);
    if (!password)
      return std::unexpected(password.error());
    config.basic_username = std::move(*user);
    config.basic_password = std::move(*password);
  }
  if (provider.ca) {
    auto ca = secrets.get("caSecretRef", provider.ca->name, provider.ca->key, false);
    if (!ca)
      return std::unexpected(ca.error());
    config.ca_pem = std::move(*ca);
  }
  return config;
}

std::expected<std::shared_ptr<MetricsSource>, std::string> connect_prometheus(
    kube::KubeClient& client, const PrometheusProvider& provider, const std::string& namespace_name,
    const std::string& default_address) {
  auto config = prometheus_config(&client, provider, namespace_name, default_address);
  if (!config)
    return std::unexpected(config.error());
  auto client_or = PrometheusClient::connect(std::move(*config));
  if (!client_or)
    return std::unexpected(client_or.error().describe());
  return std::shared_ptr<MetricsSource>(std::move(*client_or));
}

}  // namespace cutover::analysis
