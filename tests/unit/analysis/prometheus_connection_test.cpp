// prometheus_config: Secrets (credentials, CA, header values) read from the Rollout's namespace,
// a redacted header value read back from its policy, and errors that name the policy, the
// field, the Secret and the fix without ever showing a secret.
#include "analysis/prometheus_connection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "analysis/analysis_run.hpp"
#include "fakes/fake_kube_client.hpp"
#include "util/encoding.hpp"

namespace cutover::analysis {
namespace {

using testing::FakeKubeClient;
using ::testing::HasSubstr;
using ::testing::Not;

const kube::ResourceRef kSecrets{"v1", "Secret", "shop"};

kube::Json secret(const std::string& name, const kube::Json& data) {
  return {{"metadata", {{"name", name}, {"namespace", "shop"}}}, {"data", data}};
}

kube::Json encoded(const std::map<std::string, std::string>& plain) {
  kube::Json data = kube::Json::object();
  for (const auto& [key, value] : plain)
    data[key] = base64_encode(value);
  return data;
}

PrometheusProvider provider_of(const std::string& policy = "tenant", bool cluster = false) {
  PrometheusProvider p;
  p.address = "https://prom.monitoring:9090";
  p.policy = PolicyLocator{cluster, policy};
  return p;
}

TEST(PrometheusConnectionTest, ReadsEverySecretOfTheRolloutsNamespace) {
  FakeKubeClient client;
  client.seed(kSecrets, secret("prom-token", encoded({{"token", "t0ken\n"}})));
  client.seed(kSecrets, secret("prom-ca", encoded({{"ca.crt", "-----BEGIN CERT\nx\n"}})));
  client.seed(kSecrets, secret("prom-headers", encoded({{"api-key", "k3y"}})));
  auto p = provider_of();
  p.timeout = std::chrono::seconds{3};
  p.bearer_token = SecretKeyRef{"prom-token", "token"};
  p.ca = SecretKeyRef{"prom-ca", "ca.crt"};
  p.headers = {PrometheusHeader{"X-Scope-OrgID", "team-a", std::nullopt, false},
               PrometheusHeader{"X-Api-Key", "", SecretKeyRef{"prom-headers", "api-key"}, false}};
  const auto config = prometheus_config(&client, p, "shop", "http://default:9090");
  ASSERT_TRUE(config.has_value()) << config.error();
  EXPECT_EQ(config->address, "https://prom.monitoring:9090");
  EXPECT_EQ(config->timeout, std::chrono::seconds{3});
  EXPECT_EQ(config->bearer_token, "t0ken");           // the trailing newline of `echo` is dropped
  EXPECT_EQ(config->ca_pem, "-----BEGIN CERT\nx\n");  // a PEM keeps its newlines
  EXPECT_EQ(config->headers, (std::vector<std::pair<std::string, std::string>>{
                                 {"X-Scope-OrgID", "team-a"}, {"X-Api-Key", "k3y"}}));
}

TEST(PrometheusConnectionTest, BasicAuthReadsUsernameAndPassword) {
  FakeKubeClient client;
  client.seed(kSecrets, secret("creds", encoded({{"username", "cutover"}, {"password", "pw"}})));
  auto p = provider_of();
  p.basic_auth_secret = "creds";
  const auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_TRUE(config.has_value()) << config.error();
  EXPECT_EQ(config->basic_username, "cutover");
  EXPECT_EQ(config->basic_password, "pw");
}

TEST(PrometheusConnectionTest, DefaultAddressWhenThePolicyNamesNone) {
  FakeKubeClient client;
  auto p = provider_of();
  p.address.clear();
  const auto config = prometheus_config(&client, p, "shop", "http://default:9090");
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->address, "http://default:9090");
  const auto none = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(none.has_value());
  EXPECT_THAT(none.error(), HasSubstr("--prometheus-url"));
}

TEST(PrometheusConnectionTest, MissingSecretNamesThePolicyTheFieldAndHowToCreateIt) {
  FakeKubeClient client;
  auto p = provider_of();
  p.basic_auth_secret = "creds";
  const auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("SLOPolicy shop/tenant: "
                                        "spec.provider.prometheus.basicAuthSecretRef: Secret "
                                        "shop/creds not found"));
  EXPECT_THAT(config.error(), HasSubstr("kubectl -n shop create secret generic creds "
                                        "--from-literal=username=USER"));
}

TEST(PrometheusConnectionTest, ClusterPolicySecretsAreTheRolloutsNamespaces) {
  FakeKubeClient client;
  auto p = provider_of("tenant", true);
  p.ca = SecretKeyRef{"prom-ca", "ca.crt"};
  const auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("ClusterSLOPolicy tenant: "
                                        "spec.provider.prometheus.caSecretRef: Secret "
                                        "shop/prom-ca not found"));
  EXPECT_THAT(config.error(), HasSubstr("a ClusterSLOPolicy's Secrets are read from there"));
}

TEST(PrometheusConnectionTest, MissingKeyIsNamed) {
  FakeKubeClient client;
  client.seed(kSecrets, secret("creds", encoded({{"username", "cutover"}})));
  auto p = provider_of();
  p.basic_auth_secret = "creds";
  const auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("Secret shop/creds has no key \"password\""));
  EXPECT_THAT(config.error(), HasSubstr("fix:"));
  EXPECT_THAT(config.error(), Not(HasSubstr("cutover")));
}

TEST(PrometheusConnectionTest, BadBase64IsNamed) {
  FakeKubeClient client;
  client.seed(kSecrets, secret("prom-token", {{"token", "not*base64!"}}));
  auto p = provider_of();
  p.bearer_token = SecretKeyRef{"prom-token", "token"};
  const auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("bearerTokenSecretRef: key \"token\" of Secret "
                                        "shop/prom-token is not valid base64"));
}

TEST(PrometheusConnectionTest, EmptyOrMultiLineValuesAreRefusedWithoutShowingThem) {
  FakeKubeClient client;
  client.seed(kSecrets, secret("h", encoded({{"empty", ""}, {"two", "first\nsecond-secret"}})));
  auto p = provider_of();
  p.headers = {PrometheusHeader{"X-A", "", SecretKeyRef{"h", "empty"}, false}};
  auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("headers[0].valueFrom.secretKeyRef: key \"empty\" of "
                                        "Secret shop/h is empty"));
  p.headers = {PrometheusHeader{"X-A", "", SecretKeyRef{"h", "two"}, false}};
  config = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("more than one line"));
  EXPECT_THAT(config.error(), Not(HasSubstr("second-secret")));
}

TEST(PrometheusConnectionTest, WithoutAClusterASecretIsAnErrorNotACrash) {
  auto p = provider_of();
  p.bearer_token = SecretKeyRef{"prom-token", "token"};
  const auto config = prometheus_config(nullptr, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("cannot be read without a cluster"));
  EXPECT_THAT(config.error(), HasSubstr("kubeconfig"));
  EXPECT_TRUE(prometheus_config(nullptr, provider_of(), "shop", "").has_value());
}

// The driver's path: a policy, its AnalysisRun (the literal redacted), the run read back.
PrometheusProvider provider_from_a_run(const std::string& policy_yaml_headers) {
  const auto policy = parse_slo_policy(kube::Json::parse(R"({
      "apiVersion": "cutover.dev/v1alpha1", "kind": "SLOPolicy",
      "metadata": {"name": "tenant", "namespace": "shop"},
      "spec": {"provider": {"prometheus": {"address": "http://mimir:8080", "headers": )" +
                                                         policy_yaml_headers + R"(}},
               "metrics": [{"name": "up", "threshold": {"query": "up",
                                                         "successCondition": "result == 1"}}]}})"));
  if (!policy) {
    ADD_FAILURE() << policy.error().describe();
    return {};
  }
  RunSpec spec;
  spec.metrics.push_back({policy->name, policy->metrics[0], policy->provider});
  const auto json = run_spec_to_json(spec)["metrics"][0]["provider"];
  EXPECT_THAT(json.dump(), Not(HasSubstr("team-a-secret")));
  auto provider = parse_provider(SpecReader("AnalysisRun", "shop/run"), json, "p");
  EXPECT_TRUE(provider.has_value()) << provider.error().describe();
  return provider.value_or(PrometheusProvider{});
}

TEST(PrometheusConnectionTest, RedactedHeaderValueIsReadFromThePolicy) {
  const std::string headers = R"([{"name": "X-Scope-OrgID", "value": "team-a-secret"}])";
  const auto p = provider_from_a_run(headers);
  FakeKubeClient client;
  client.seed({"cutover.dev/v1alpha1", "SLOPolicy", "shop"},
              kube::Json::parse(R"({"apiVersion": "cutover.dev/v1alpha1", "kind": "SLOPolicy",
      "metadata": {"name": "tenant", "namespace": "shop"},
      "spec": {"provider": {"prometheus": {"headers": )" +
                                headers + R"(}},
               "metrics": [{"name": "up", "threshold": {"query": "up",
                                                         "successCondition": "result == 1"}}]}})"));
  const auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_TRUE(config.has_value()) << config.error();
  EXPECT_EQ(config->headers,
            (std::vector<std::pair<std::string, std::string>>{{"X-Scope-OrgID", "team-a-secret"}}));
}

TEST(PrometheusConnectionTest, RedactedHeaderOfADeletedPolicyIsAnError) {
  const auto p = provider_from_a_run(R"([{"name": "X-Scope-OrgID", "value": "team-a-secret"}])");
  FakeKubeClient client;
  const auto config = prometheus_config(&client, p, "shop", "");
  ASSERT_FALSE(config.has_value());
  EXPECT_THAT(config.error(), HasSubstr("SLOPolicy shop/tenant"));
  EXPECT_THAT(config.error(), HasSubstr("header \"X-Scope-OrgID\""));
  EXPECT_THAT(config.error(), HasSubstr("not_found"));
}

}  // namespace
}  // namespace cutover::analysis
