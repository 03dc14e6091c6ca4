#include "kube/rest_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fakes/temp_dir.hpp"
#include "test_paths.hpp"
#include "util/file_io.hpp"

namespace cutover::kube {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kFixture = cutover::testing::testdata_dir() / "kubeconfig" / "relative-paths";

using testing::TempDir;

// An environment with exactly these variables, no home and the given service account folder.
Environment environment(std::map<std::string, std::string> variables,
                        fs::path service_account_dir = "/nonexistent/serviceaccount") {
  Environment env;
  env.getenv = [variables =
                    std::move(variables)](const std::string& name) -> std::optional<std::string> {
    const auto it = variables.find(name);
    return it == variables.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  env.service_account_dir = std::move(service_account_dir);
  return env;
}

// --- parse_server_url -------------------------------------------------------------------------

struct UrlCase {
  std::string url;
  std::string scheme;
  std::string host;
  int port;
  std::string base_path;
};

class RestConfigServerUrlTest : public ::testing::TestWithParam<UrlCase> {};

TEST_P(RestConfigServerUrlTest, SplitsIntoSchemeHostPortAndPath) {
  const UrlCase& expected = GetParam();
  RestConfig rest;
  const auto parsed = parse_server_url(expected.url, rest);
  ASSERT_TRUE(parsed.has_value()) << expected.url << ": " << parsed.error();
  EXPECT_EQ(rest.scheme, expected.scheme);
  EXPECT_EQ(rest.host, expected.host);
  EXPECT_EQ(rest.port, expected.port);
  EXPECT_EQ(rest.base_path, expected.base_path);
}

INSTANTIATE_TEST_SUITE_P(
    RestConfigUrls, RestConfigServerUrlTest,
    ::testing::Values(UrlCase{"https://api.example.com", "https", "api.example.com", 443, ""},
                      UrlCase{"https://api.example.com:6443", "https", "api.example.com", 6443, ""},
                      UrlCase{"http://localhost", "http", "localhost", 80, ""},
                      UrlCase{"http://127.0.0.1:8080", "http", "127.0.0.1", 8080, ""},
                      UrlCase{"https://[::1]:6443", "https", "::1", 6443, ""},
                      UrlCase{"https://[fd00::10]", "https", "fd00::10", 443, ""},
                      UrlCase{"https://[::1]:6443/prefix", "https", "::1", 6443, "/prefix"},
                      UrlCase{"https://rancher.example.com/k8s/clusters/c-1", "https",
                              "rancher.example.com", 443, "/k8s/clusters/c-1"},
                      UrlCase{"https://api.example.com:443/", "https", "api.example.com", 443, ""},
                      UrlCase{"https://h:1", "https", "h", 1, ""},
                      UrlCase{"https://h:65535", "https", "h", 65535, ""}));

TEST(RestConfigServerUrl, RejectsMalformedUrlsWithAReason) {
  const std::map<std::string, std::string> cases = {
      {"", "must start with https:// or http://"},
      {"api.example.com:6443", "must start with https:// or http://"},
      {"ftp://api.example.com", "scheme \"ftp\""},
      {"https://", "has no host"},
      {"https://:6443", "has no host"},
      {"https://[::1", "unterminated"},
      {"https://[::1]6443", "junk after"},
      {"https://[]:6443", "has no host"},
      {"https://h:0", "port \"0\""},
      {"https://h:65536", "port \"65536\""},
      {"https://h:-1", "port \"-1\""},
      {"https://h:64a3", "port \"64a3\""},
      {"https://h:", "no port after it"},
      {"https://[::1]:", "no port after it"},
  };
  for (const auto& [url, reason] : cases) {
    RestConfig rest;
    const auto parsed = parse_server_url(url, rest);
    ASSERT_FALSE(parsed.has_value()) << url;
    EXPECT_THAT(parsed.error(), HasSubstr(reason)) << url;
  }
}

// --- describe_auth ----------------------------------------------------------------------------

TEST(RestConfigDescribeAuth, NamesTheMethodButNeverASecret) {
  AuthConfig token;
  token.method = AuthMethod::token;
  token.token = "super-secret-token";
  EXPECT_EQ(describe_auth(token), "bearer token");

  AuthConfig basic;
  basic.method = AuthMethod::basic;
  basic.username = "admin";
  basic.password = "hunter2";
  EXPECT_EQ(describe_auth(basic), "basic auth as admin");
  EXPECT_THAT(describe_auth(basic), Not(HasSubstr("hunter2")));

  AuthConfig exec;
  exec.method = AuthMethod::exec;
  exec.exec = ExecConfig{.api_version = "client.authentication.k8s.io/v1", .command = "aws"};
  EXPECT_EQ(describe_auth(exec), "exec plugin aws");

  AuthConfig file;
  file.method = AuthMethod::token_file;
  file.token_file = "/run/token";
  EXPECT_EQ(describe_auth(file), "token file /run/token");

  AuthConfig service_account;
  service_account.method = AuthMethod::service_account;
  service_account.token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  EXPECT_EQ(describe_auth(service_account),
            "service account token /var/run/secrets/kubernetes.io/serviceaccount/token");

  EXPECT_EQ(describe_auth(AuthConfig{}), "none (anonymous)");
}

TEST(RestConfigDescribeAuth, MentionsAClientCertificateNextToAToken) {
  AuthConfig auth;
  auth.method = AuthMethod::token;
  auth.token = "t";
  auth.has_client_certificate = true;
  EXPECT_EQ(describe_auth(auth), "bearer token + client certificate");
  auth.method = AuthMethod::client_certificate;
  EXPECT_EQ(describe_auth(auth), "client certificate");
}

// --- rest_config_from_kubeconfig --------------------------------------------------------------

Kubeconfig two_contexts() {
  Kubeconfig config;
  config.files = {"/k/config"};
  config.clusters["staging"] = {.server = "https://staging:6443", .origin = "/k/config"};
  config.clusters["prod"] = {.server = "https://prod:6443", .origin = "/k/config"};
  config.users["admin"] = {.token = "t", .origin = "/k/config"};
  config.contexts["staging"] = {.cluster = "staging", .user = "admin", .origin = "/k/config"};
  config.contexts["prod"] = {
      .cluster = "prod", .user = "admin", .namespace_name = "live", .origin = "/k/config"};
  config.current_context_origin = "/k/config";
  return config;
}

TEST(RestConfigFromKubeconfig, UnsetCurrentContextListsTheContextsToChooseFrom) {
  const auto rest = rest_config_from_kubeconfig(two_contexts(), {});
  ASSERT_FALSE(rest.has_value());
  EXPECT_EQ(rest.error().file, "/k/config");
  EXPECT_EQ(rest.error().field, "current-context");
  EXPECT_THAT(rest.error().fix, HasSubstr("contexts: prod, staging"));
}

TEST(RestConfigFromKubeconfig, UnknownContextFlagListsTheContextsToChooseFrom) {
  const auto rest = rest_config_from_kubeconfig(two_contexts(), {.context = "qa"});
  ASSERT_FALSE(rest.has_value());
  EXPECT_EQ(rest.error().context, "qa");
  EXPECT_EQ(rest.error().field, "--context");
  EXPECT_THAT(rest.error().fix, HasSubstr("choose one of: prod, staging"));
}

TEST(RestConfigFromKubeconfig, ContextFlagNeedsNoCurrentContext) {
  const auto rest = rest_config_from_kubeconfig(two_contexts(), {.context = "prod"});
  ASSERT_TRUE(rest.has_value()) << rest.error().describe();
  EXPECT_EQ(rest->context_name, "prod");
  EXPECT_EQ(rest->cluster_name, "prod");
  EXPECT_EQ(rest->user_name, "admin");
  EXPECT_EQ(rest->namespace_name, "live");
  EXPECT_EQ(rest->source, "kubeconfig /k/config");
}

TEST(RestConfigFromKubeconfig, NamespaceFlagWinsAndDefaultIsDefault) {
  auto config = two_contexts();
  config.current_context = "staging";
  const auto defaulted = rest_config_from_kubeconfig(config, {});
  ASSERT_TRUE(defaulted.has_value()) << defaulted.error().describe();
  EXPECT_EQ(defaulted->namespace_name, "default");
  const auto flagged = rest_config_from_kubeconfig(config, {.namespace_name = "ops"});
  ASSERT_TRUE(flagged.has_value()) << flagged.error().describe();
  EXPECT_EQ(flagged->namespace_name, "ops");
}

TEST(RestConfigFromKubeconfig, MissingClusterErrorListsTheClustersThatExist) {
  auto config = two_contexts();
  config.contexts["broken"] = {.cluster = "qa", .user = "admin", .origin = "/k/other"};
  const auto rest = rest_config_from_kubeconfig(config, {.context = "broken"});
  ASSERT_FALSE(rest.has_value());
  EXPECT_EQ(rest.error().file, "/k/other");
  EXPECT_THAT(rest.error().fix, HasSubstr("prod, staging"));
}

TEST(RestConfigFromKubeconfig, UnreadableCertificateAuthorityFileNamesTheField) {
  auto config = two_contexts();
  config.clusters["prod"].certificate_authority = "/nonexistent/ca.crt";
  const auto rest = rest_config_from_kubeconfig(config, {.context = "prod"});
  ASSERT_FALSE(rest.has_value());
  EXPECT_EQ(rest.error().field, "clusters[prod].cluster.certificate-authority");
  EXPECT_THAT(rest.error().message, HasSubstr("/nonexistent/ca.crt"));
  EXPECT_THAT(rest.error().fix, HasSubstr("certificate-authority-data"));
}

// --- checked-in fixture with paths relative to its folder -------------------------------------

TEST(RestConfigFixture, CertificatesAreReadRelativeToTheKubeconfigNotTheWorkingDirectory) {
  const auto rest =
      resolve_rest_config({.kubeconfig = (kFixture / "config").string()}, environment({}));
  ASSERT_TRUE(rest.has_value()) << rest.error().describe();
  EXPECT_EQ(rest->context_name, "kind-cutover");
  EXPECT_EQ(rest->server, "https://127.0.0.1:40123");
  EXPECT_EQ(rest->namespace_name, "cutover-system");
  EXPECT_EQ(rest->auth.method, AuthMethod::client_certificate);
  EXPECT_EQ(rest->tls.ca_pem, read_file(kFixture / "pki/ca.crt"));
  EXPECT_EQ(rest->tls.client_certificate_pem, read_file(kFixture / "pki/client.crt"));
  EXPECT_EQ(rest->tls.client_key_pem, read_file(kFixture / "pki/client.key"));
}

TEST(RestConfigFixture, TokenFileIsMadeAbsoluteAgainstTheKubeconfigFolder) {
  const auto rest = resolve_rest_config(
      {.kubeconfig = (kFixture / "config").string(), .context = "kind-cutover-bot"},
      environment({}));
  ASSERT_TRUE(rest.has_value()) << rest.error().describe();
  EXPECT_EQ(rest->auth.method, AuthMethod::token_file);
  EXPECT_EQ(rest->auth.token_file, (kFixture / "bot-token").lexically_normal().string());
  EXPECT_EQ(rest->namespace_name, "default");
}

// --- in_cluster_config ------------------------------------------------------------------------

TEST(RestConfigInCluster, ReadsHostPortTokenPathCaAndNamespace) {
  const TempDir dir;
  dir.write("token", "sa-token");
  dir.write("ca.crt", "CA PEM");
  dir.write("namespace", "payments \n");
  const auto rest = in_cluster_config(environment(
      {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}, dir.path()));
  ASSERT_TRUE(rest.has_value()) << rest.error().describe();
  EXPECT_EQ(rest->server, "https://10.96.0.1:443");
  EXPECT_EQ(rest->auth.method, AuthMethod::service_account);
  EXPECT_EQ(rest->auth.token_file, (dir.path() / "token").string());
  EXPECT_EQ(rest->auth.token, "") << "re-read per request, because projected tokens rotate";
  EXPECT_EQ(rest->tls.ca_pem, "CA PEM");
  EXPECT_EQ(rest->namespace_name, "payments");
  EXPECT_EQ(rest->source, "in-cluster");
}

TEST(RestConfigInCluster, MissingNamespaceFileMeansDefault) {
  const TempDir dir;
  dir.write("token", "sa-token");
  dir.write("ca.crt", "CA PEM");
  const auto rest = in_cluster_config(environment(
      {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}, dir.path()));
  ASSERT_TRUE(rest.has_value()) << rest.error().describe();
  EXPECT_EQ(rest->namespace_name, "default");
}

TEST(RestConfigInCluster, HostWithoutPortIsNotInCluster) {
  const auto rest = in_cluster_config(environment({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}}));
  ASSERT_FALSE(rest.has_value());
  EXPECT_EQ(rest.error().file, "in-cluster");
  EXPECT_EQ(rest.error().field, "KUBERNETES_SERVICE_HOST");
  EXPECT_THAT(rest.error().fix, HasSubstr("--kubeconfig"));
}

TEST(RestConfigInCluster, NonNumericPortNamesThePortVariable) {
  const auto rest = in_cluster_config(environment(
      {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "https"}}));
  ASSERT_FALSE(rest.has_value());
  EXPECT_EQ(rest.error().field, "KUBERNETES_SERVICE_PORT");
  EXPECT_THAT(rest.error().message, HasSubstr("port \"https\""));
}

TEST(RestConfigInCluster, MissingCaNamesTheCaFile) {
  const TempDir dir;
  dir.write("token", "sa-token");
  const auto rest = in_cluster_config(environment(
      {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}, dir.path()));
  ASSERT_FALSE(rest.has_value());
  EXPECT_EQ(rest.error().file, "in-cluster");
  EXPECT_EQ(rest.error().field, "ca.crt");
  EXPECT_THAT(rest.error().fix, HasSubstr("ca.crt"));
}

// --- resolve_rest_config precedence -----------------------------------------------------------

TEST(RestConfigResolve, EmptyKubeconfigEnvFallsBackToHome) {
  const TempDir dir;
  dir.write("home/.kube/config",
            "current-context: c\nclusters: [{name: c, cluster: {server: \"https://home\"}}]\n"
            "contexts: [{name: c, context: {cluster: c}}]\n");
  Environment env = environment({{"KUBECONFIG", ""}});
  env.home = dir.path() / "home";
  const auto rest = resolve_rest_config({}, env);
  ASSERT_TRUE(rest.has_value()) << rest.error().describe();
  EXPECT_EQ(rest->server, "https://home");
}

TEST(RestConfigResolve, TheSameFileTwiceInKubeconfigEnvIsReadOnce) {
  const TempDir dir;
  dir.write("config",
            "current-context: c\nclusters: [{name: c, cluster: {server: \"https://a\"}}]\n"
            "contexts: [{name: c, context: {cluster: c}}]\n");
  const std::string file = (dir.path() / "config").string();
  const auto rest = resolve_rest_config({}, environment({{"KUBECONFIG", file + ":" + file}}));
  ASSERT_TRUE(rest.has_value()) << rest.error().describe();
  EXPECT_EQ(rest->source, "kubeconfig " + file);
}

TEST(RestConfigResolve, SystemEnvironmentReadsTheProcessEnvironment) {
  setenv("CUTOVER_REST_CONFIG_TEST_VARIABLE", "seen", 1);
  const Environment env = Environment::system();
  EXPECT_EQ(env.getenv("CUTOVER_REST_CONFIG_TEST_VARIABLE"), "seen");
  EXPECT_EQ(env.getenv("CUTOVER_REST_CONFIG_TEST_UNSET_VARIABLE"), std::nullopt);
  unsetenv("CUTOVER_REST_CONFIG_TEST_VARIABLE");
}

}  // namespace
}  // namespace cutover::kube
