// Kubeconfig shapes, end to end: files on disk, flags and an injected environment go through
// `resolve_rest_config`, and each shape either resolves to the expected `RestConfig` or fails
// with an error that names the file, the context and the field, and says how to fix it.

#include "kube/kubeconfig.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/temp_dir.hpp"
#include "kube/rest_config.hpp"
#include "util/encoding.hpp"

namespace cutover::kube {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr std::string_view kCaPem =
    "-----BEGIN CERTIFICATE-----\nY2x1c3RlciBDQQ==\n-----END CERTIFICATE-----\n";
constexpr std::string_view kCertPem =
    "-----BEGIN CERTIFICATE-----\nY2xpZW50IGNlcnQ=\n-----END CERTIFICATE-----\n";
constexpr std::string_view kKeyPem =
    "-----BEGIN EC PRIVATE KEY-----\nY2xpZW50IGtleQ==\n-----END EC PRIVATE KEY-----\n";

using testing::TempDir;

// Replaces `{dir}` with the shape's folder and `{ca-data}`, `{cert-data}`, `{key-data}` with the
// base64 of the test PEMs, so the shapes below read like real kubeconfigs.
std::string expand(std::string text, const fs::path& dir) {
  const std::vector<std::pair<std::string, std::string>> placeholders = {
      {"{dir}", dir.string()},
      {"{ca-data}", base64_encode(kCaPem)},
      {"{cert-data}", base64_encode(kCertPem)},
      {"{key-data}", base64_encode(kKeyPem)},
  };
  for (const auto& [from, to] : placeholders) {
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size())) {
      text.replace(pos, from.size(), to);
    }
  }
  return text;
}

std::string indent(std::string_view fields) {
  std::string out;
  std::size_t start = 0;
  while (start < fields.size()) {
    auto end = fields.find('\n', start);
    if (end == std::string_view::npos) {
      end = fields.size();
    }
    out += "    ";
    out += fields.substr(start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

// A kubeconfig with one cluster `c`, one user `u` and the current context `ctx` that joins
// them. Each argument is that entry's YAML fields, unindented.
std::string kubeconfig(std::string_view cluster, std::string_view user,
                       std::string_view context = "") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: ctx\n"
         "clusters:\n- name: c\n  cluster:\n" +
         indent(cluster) + "users:\n- name: u\n  user:\n" + indent(user) +
         "contexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\n" + indent(context);
}

constexpr std::string_view kServer = "server: https://api.example.com:6443";
constexpr std::string_view kToken = "token: token-123";

using Check = std::function<void(const RestConfig&, const fs::path& dir)>;

struct ExpectedError {
  std::string file;     // `{dir}` is replaced
  std::string context;  // empty when no context was being resolved
  std::string field;
  std::string message;  // a part of the message; `{dir}` is replaced
};

struct Shape {
  std::string name;
  std::map<std::string, std::string> files;  // path under the shape's folder -> content
  LoadOptions options;                       // `{dir}` in options.kubeconfig is replaced
  std::map<std::string, std::string> env;    // what getenv sees; `{dir}` is replaced
  Check check;                               // set for shapes that resolve
  std::optional<ExpectedError> error;        // set for shapes that fail
};

void PrintTo(const Shape& shape, std::ostream* out) {
  *out << shape.name;
}

// The common case: one file, `config`, passed with --kubeconfig.
Shape valid(std::string name, std::string yaml, Check check, LoadOptions options = {}) {
  options.kubeconfig = "{dir}/config";
  return Shape{.name = std::move(name),
               .files = {{"config", std::move(yaml)}},
               .options = std::move(options),
               .check = std::move(check)};
}

Shape malformed(std::string name, std::string yaml, ExpectedError error, LoadOptions options = {}) {
  options.kubeconfig = "{dir}/config";
  return Shape{.name = std::move(name),
               .files = {{"config", std::move(yaml)}},
               .options = std::move(options),
               .error = std::move(error)};
}

const std::string kExecV1 = R"(exec:
  apiVersion: client.authentication.k8s.io/v1
  command: aws
  args: [eks, get-token, --cluster-name, prod]
  env:
  - name: AWS_PROFILE
    value: prod
  - name: AWS_REGION
    value: eu-west-1
  installHint: Install the AWS CLI from https://aws.amazon.com/cli/
  provideClusterInfo: true
  interactiveMode: Never)";

// Two files that define the same names differently, for the merge rules.
const std::string kMergeFirst = R"(apiVersion: v1
kind: Config
current-context: first
clusters:
- name: shared
  cluster:
    server: https://first.example.com
users:
- name: shared
  user:
    token: first-token
contexts:
- name: first
  context:
    cluster: shared
    user: shared
    namespace: from-first
)";

const std::string kMergeSecond = R"(apiVersion: v1
kind: Config
current-context: second
clusters:
- name: shared
  cluster:
    server: https://second.example.com
- name: only-second
  cluster:
    server: https://only-second.example.com:8443
users:
- name: shared
  user:
    token: second-token
contexts:
- name: first
  context:
    cluster: only-second
    user: shared
    namespace: from-second
- name: second
  context:
    cluster: only-second
    user: shared
)";

// Credentials only, as `aws eks update-kubeconfig` users sometimes keep them apart.
const std::string kMergeUsersOnly = R"(users:
- name: shared
  user:
    token: users-only-token
)";

const std::map<std::string, std::string> kServiceAccountFiles = {
    {"serviceaccount/token", "sa-token\n"},
    {"serviceaccount/ca.crt", std::string(kCaPem)},
    {"serviceaccount/namespace", "payments\n"},
};

std::map<std::string, std::string> with(std::map<std::string, std::string> files,
                                        const std::map<std::string, std::string>& more) {
  files.insert(more.begin(), more.end());
  return files;
}

std::vector<Shape> valid_shapes() {
  std::vector<Shape> shapes;
  shapes.push_back(valid("TokenUser", kubeconfig(kServer, kToken),
                         [](const RestConfig& rest, const fs::path& dir) {
                           EXPECT_EQ(rest.server, "https://api.example.com:6443");
                           EXPECT_EQ(rest.scheme, "https");
                           EXPECT_EQ(rest.host, "api.example.com");
                           EXPECT_EQ(rest.port, 6443);
                           EXPECT_EQ(rest.base_path, "");
                           EXPECT_EQ(rest.auth.method, AuthMethod::token);
                           EXPECT_EQ(rest.auth.token, "token-123");
                           EXPECT_EQ(rest.context_name, "ctx");
                           EXPECT_EQ(rest.cluster_name, "c");
                           EXPECT_EQ(rest.user_name, "u");
                           EXPECT_EQ(rest.namespace_name, "default");
                           EXPECT_EQ(rest.tls.ca_pem, "");
                           EXPECT_FALSE(rest.tls.insecure_skip_verify);
                           EXPECT_EQ(rest.source, "kubeconfig " + (dir / "config").string());
                         }));
  shapes.push_back(Shape{
      .name = "TokenFileRelativeToTheKubeconfigFolder",
      .files = {{"kube/config", kubeconfig(kServer, "tokenFile: secrets/token")},
                {"kube/secrets/token", "file-token\n"}},
      .options = {.kubeconfig = "{dir}/kube/config"},
      .check =
          [](const RestConfig& rest, const fs::path& dir) {
            EXPECT_EQ(rest.auth.method, AuthMethod::token_file);
            EXPECT_EQ(rest.auth.token_file, (dir / "kube/secrets/token").string());
            EXPECT_EQ(rest.auth.token, "") << "the file is read per request, not here";
          },
  });
  shapes.push_back(valid("TokenWinsOverTokenFileAsInClientGo",
                         kubeconfig(kServer, "token: inline\ntokenFile: /nonexistent/token"),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.auth.method, AuthMethod::token);
                           EXPECT_EQ(rest.auth.token, "inline");
                         }));
  shapes.push_back(valid("ClientCertificateAndKeyData",
                         kubeconfig(kServer,
                                    "client-certificate-data: {cert-data}\n"
                                    "client-key-data: {key-data}"),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.auth.method, AuthMethod::client_certificate);
                           EXPECT_TRUE(rest.auth.has_client_certificate);
                           EXPECT_EQ(rest.tls.client_certificate_pem, kCertPem);
                           EXPECT_EQ(rest.tls.client_key_pem, kKeyPem);
                         }));
  shapes.push_back(Shape{
      .name = "ClientCertificateAndKeyFilesRelativeToTheKubeconfigFolder",
      .files = {{"team/kubeconfig.yaml",
                 kubeconfig(std::string(kServer) + "\ncertificate-authority: ../shared/ca.crt",
                            "client-certificate: pki/client.crt\nclient-key: pki/client.key")},
                {"team/pki/client.crt", std::string(kCertPem)},
                {"team/pki/client.key", std::string(kKeyPem)},
                {"shared/ca.crt", std::string(kCaPem)}},
      .options = {.kubeconfig = "{dir}/team/kubeconfig.yaml"},
      .check =
          [](const RestConfig& rest, const fs::path&) {
            EXPECT_EQ(rest.auth.method, AuthMethod::client_certificate);
            EXPECT_EQ(rest.tls.client_certificate_pem, kCertPem);
            EXPECT_EQ(rest.tls.client_key_pem, kKeyPem);
            EXPECT_EQ(rest.tls.ca_pem, kCaPem);
          },
  });
  shapes.push_back(valid("TokenTogetherWithAClientCertificate",
                         kubeconfig(kServer,
                                    "token: token-123\nclient-certificate-data: {cert-data}\n"
                                    "client-key-data: {key-data}"),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.auth.method, AuthMethod::token);
                           EXPECT_TRUE(rest.auth.has_client_certificate);
                           EXPECT_EQ(rest.tls.client_key_pem, kKeyPem);
                         }));
  shapes.push_back(
      valid("InsecureSkipTlsVerify",
            kubeconfig(std::string(kServer) + "\ninsecure-skip-tls-verify: true", kToken),
            [](const RestConfig& rest, const fs::path&) {
              EXPECT_TRUE(rest.tls.insecure_skip_verify);
              EXPECT_EQ(rest.tls.ca_pem, "");
            }));
  shapes.push_back(valid("InsecureSkipTlsVerifyFalseWithACertificateAuthority",
                         kubeconfig(std::string(kServer) + "\ninsecure-skip-tls-verify: false\n"
                                                           "certificate-authority-data: {ca-data}",
                                    kToken),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_FALSE(rest.tls.insecure_skip_verify);
                           EXPECT_EQ(rest.tls.ca_pem, kCaPem);
                         }));
  shapes.push_back(
      valid("CertificateAuthorityData",
            kubeconfig(std::string(kServer) + "\ncertificate-authority-data: {ca-data}", kToken),
            [](const RestConfig& rest, const fs::path&) { EXPECT_EQ(rest.tls.ca_pem, kCaPem); }));
  shapes.push_back(Shape{
      .name = "CertificateAuthorityFileRelativeToTheKubeconfigFolder",
      .files = {{"config",
                 kubeconfig(std::string(kServer) + "\ncertificate-authority: ca.crt", kToken)},
                {"ca.crt", std::string(kCaPem)}},
      .options = {.kubeconfig = "{dir}/config"},
      .check = [](const RestConfig& rest, const fs::path&) { EXPECT_EQ(rest.tls.ca_pem, kCaPem); },
  });
  shapes.push_back(
      valid("CertificateAuthorityDataWinsOverTheFile",
            kubeconfig(std::string(kServer) + "\ncertificate-authority: /nonexistent/ca.crt\n"
                                              "certificate-authority-data: {ca-data}",
                       kToken),
            [](const RestConfig& rest, const fs::path&) { EXPECT_EQ(rest.tls.ca_pem, kCaPem); }));
  shapes.push_back(valid("TlsServerName",
                         kubeconfig("server: https://10.0.0.1:6443\n"
                                    "certificate-authority-data: {ca-data}\n"
                                    "tls-server-name: kubernetes.default.svc",
                                    kToken),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.host, "10.0.0.1");
                           EXPECT_EQ(rest.tls.server_name, "kubernetes.default.svc");
                         }));
  shapes.push_back(valid("BasicAuth", kubeconfig(kServer, "username: admin\npassword: hunter2"),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.auth.method, AuthMethod::basic);
                           EXPECT_EQ(rest.auth.username, "admin");
                           EXPECT_EQ(rest.auth.password, "hunter2");
                         }));
  shapes.push_back(valid(
      "ExecPluginV1WithEnvArgsInstallHintAndClusterInfo", kubeconfig(kServer, kExecV1),
      [](const RestConfig& rest, const fs::path&) {
        EXPECT_EQ(rest.auth.method, AuthMethod::exec);
        ASSERT_TRUE(rest.auth.exec.has_value());
        const ExecConfig& exec = *rest.auth.exec;
        EXPECT_EQ(exec.api_version, "client.authentication.k8s.io/v1");
        EXPECT_EQ(exec.command, "aws");
        EXPECT_THAT(exec.args, ElementsAre("eks", "get-token", "--cluster-name", "prod"));
        EXPECT_THAT(exec.env,
                    ElementsAre(Pair("AWS_PROFILE", "prod"), Pair("AWS_REGION", "eu-west-1")));
        EXPECT_EQ(exec.install_hint, "Install the AWS CLI from https://aws.amazon.com/cli/");
        EXPECT_TRUE(exec.provide_cluster_info);
        EXPECT_EQ(exec.interactive_mode, "Never");
      }));
  shapes.push_back(valid("ExecPluginV1beta1WithoutArgs",
                         kubeconfig(kServer,
                                    "exec:\n"
                                    "  apiVersion: client.authentication.k8s.io/v1beta1\n"
                                    "  command: gke-gcloud-auth-plugin\n"
                                    "  installHint: gcloud components install "
                                    "gke-gcloud-auth-plugin"),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.auth.method, AuthMethod::exec);
                           ASSERT_TRUE(rest.auth.exec.has_value());
                           EXPECT_EQ(rest.auth.exec->api_version,
                                     "client.authentication.k8s.io/v1beta1");
                           EXPECT_EQ(rest.auth.exec->command, "gke-gcloud-auth-plugin");
                           EXPECT_TRUE(rest.auth.exec->args.empty());
                           EXPECT_TRUE(rest.auth.exec->env.empty());
                           EXPECT_FALSE(rest.auth.exec->provide_cluster_info);
                         }));
  shapes.push_back(valid(
      "NamespaceFromTheContext", kubeconfig(kServer, kToken, "namespace: team-a"),
      [](const RestConfig& rest, const fs::path&) { EXPECT_EQ(rest.namespace_name, "team-a"); }));
  shapes.push_back(valid(
      "NamespaceFlagOverridesTheContext", kubeconfig(kServer, kToken, "namespace: team-a"),
      [](const RestConfig& rest, const fs::path&) { EXPECT_EQ(rest.namespace_name, "team-b"); },
      {.namespace_name = "team-b"}));
  shapes.push_back(valid("ContextFlagOverridesCurrentContext",
                         R"(apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: staging
  cluster: {server: "https://staging.example.com"}
- name: prod
  cluster: {server: "https://prod.example.com"}
users:
- name: admin
  user: {token: admin-token}
contexts:
- name: staging
  context: {cluster: staging, user: admin, namespace: stage}
- name: prod
  context: {cluster: prod, user: admin, namespace: live}
)",
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.context_name, "prod");
                           EXPECT_EQ(rest.server, "https://prod.example.com");
                           EXPECT_EQ(rest.namespace_name, "live");
                         },
                         {.context = "prod"}));
  shapes.push_back(valid("ContextWithoutUserIsAnonymous",
                         "clusters:\n- name: c\n  cluster:\n    server: https://a.example.com\n"
                         "contexts:\n- name: ctx\n  context:\n    cluster: c\n"
                         "current-context: ctx\n",
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.auth.method, AuthMethod::none);
                           EXPECT_EQ(rest.user_name, "");
                         }));
  shapes.push_back(valid("ServerIpv6LoopbackWithPort",
                         kubeconfig("server: https://[::1]:6443", kToken),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.host, "::1");
                           EXPECT_EQ(rest.port, 6443);
                           EXPECT_EQ(rest.server, "https://[::1]:6443");
                         }));
  shapes.push_back(
      valid("ServerWithPathPrefix",
            kubeconfig("server: https://rancher.example.com/k8s/clusters/c-m-4x2/", kToken),
            [](const RestConfig& rest, const fs::path&) {
              EXPECT_EQ(rest.host, "rancher.example.com");
              EXPECT_EQ(rest.port, 443);
              EXPECT_EQ(rest.base_path, "/k8s/clusters/c-m-4x2");
            }));
  shapes.push_back(valid("ServerHttpsDefaultPort",
                         kubeconfig("server: https://api.example.com", kToken),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.scheme, "https");
                           EXPECT_EQ(rest.port, 443);
                         }));
  shapes.push_back(valid("ServerPlainHttpDefaultPort",
                         kubeconfig("server: http://localhost", kToken),
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.scheme, "http");
                           EXPECT_EQ(rest.host, "localhost");
                           EXPECT_EQ(rest.port, 80);
                         }));
  shapes.push_back(valid("KindAndApiVersionMissing",
                         "current-context: ctx\n"
                         "clusters:\n- name: c\n  cluster: {server: \"https://a:6443\"}\n"
                         "users:\n- name: u\n  user: {token: t}\n"
                         "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n",
                         [](const RestConfig& rest, const fs::path&) {
                           EXPECT_EQ(rest.server, "https://a:6443");
                           EXPECT_EQ(rest.auth.token, "t");
                         }));
  shapes.push_back(Shape{
      .name = "KubeconfigEnvMergesAndTheFirstFileWins",
      .files = {{"first", kMergeFirst}, {"second", kMergeSecond}},
      .env = {{"KUBECONFIG", "{dir}/first:{dir}/second"}},
      .check =
          [](const RestConfig& rest, const fs::path& dir) {
            EXPECT_EQ(rest.context_name, "first") << "current-context of the first file";
            EXPECT_EQ(rest.server, "https://first.example.com") << "cluster of the first file";
            EXPECT_EQ(rest.auth.token, "first-token") << "user of the first file";
            EXPECT_EQ(rest.namespace_name, "from-first") << "context of the first file";
            EXPECT_EQ(rest.source,
                      "kubeconfig " + (dir / "first").string() + ":" + (dir / "second").string());
          },
  });
  shapes.push_back(Shape{
      .name = "KubeconfigEnvContextFromTheSecondFileUsesTheFirstFilesUser",
      .files = {{"first", kMergeFirst}, {"second", kMergeSecond}},
      .options = {.context = "second"},
      .env = {{"KUBECONFIG", "{dir}/first:{dir}/second"}},
      .check =
          [](const RestConfig& rest, const fs::path&) {
            EXPECT_EQ(rest.server, "https://only-second.example.com:8443");
            EXPECT_EQ(rest.auth.token, "first-token");
          },
  });
  shapes.push_back(Shape{
      .name = "KubeconfigEnvCurrentContextFromTheFirstFileThatSetsIt",
      .files = {{"users", kMergeUsersOnly}, {"second", kMergeSecond}, {"first", kMergeFirst}},
      .env = {{"KUBECONFIG", "{dir}/users:{dir}/second:{dir}/first"}},
      .check =
          [](const RestConfig& rest, const fs::path&) {
            EXPECT_EQ(rest.context_name, "second");
            EXPECT_EQ(rest.server, "https://only-second.example.com:8443");
            EXPECT_EQ(rest.auth.token, "users-only-token");
          },
  });
  shapes.push_back(Shape{
      .name = "KubeconfigEnvSkipsMissingFiles",
      .files = {{"config", kubeconfig(kServer, kToken)}},
      .env = {{"KUBECONFIG", "{dir}/missing-1:{dir}/config::{dir}/missing-2"}},
      .check =
          [](const RestConfig& rest, const fs::path& dir) {
            EXPECT_EQ(rest.auth.token, "token-123");
            EXPECT_EQ(rest.source, "kubeconfig " + (dir / "config").string());
          },
  });
  shapes.push_back(Shape{
      .name = "KubeconfigFlagWinsOverKubeconfigEnv",
      .files = {{"config", kubeconfig(kServer, "token: from-flag")},
                {"other", kubeconfig(kServer, "token: from-env")}},
      .options = {.kubeconfig = "{dir}/config"},
      .env = {{"KUBECONFIG", "{dir}/other"}},
      .check = [](const RestConfig& rest,
                  const fs::path&) { EXPECT_EQ(rest.auth.token, "from-flag"); },
  });
  shapes.push_back(Shape{
      .name = "HomeKubeConfigWhenNothingElseIsGiven",
      .files = with({{"home/.kube/config", kubeconfig(kServer, "token: from-home")}},
                    kServiceAccountFiles),
      .env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
      .check =
          [](const RestConfig& rest, const fs::path& dir) {
            EXPECT_EQ(rest.auth.token, "from-home") << "~/.kube/config beats in-cluster";
            EXPECT_EQ(rest.source, "kubeconfig " + (dir / "home/.kube/config").string());
          },
  });
  shapes.push_back(Shape{
      .name = "KubeconfigEnvWinsOverHomeKubeConfig",
      .files = {{"home/.kube/config", kubeconfig(kServer, "token: from-home")},
                {"config", kubeconfig(kServer, "token: from-env")}},
      .env = {{"KUBECONFIG", "{dir}/config"}},
      .check = [](const RestConfig& rest,
                  const fs::path&) { EXPECT_EQ(rest.auth.token, "from-env"); },
  });
  shapes.push_back(Shape{
      .name = "InClusterServiceAccount",
      .files = kServiceAccountFiles,
      .env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
      .check =
          [](const RestConfig& rest, const fs::path& dir) {
            EXPECT_EQ(rest.server, "https://10.96.0.1:443");
            EXPECT_EQ(rest.host, "10.96.0.1");
            EXPECT_EQ(rest.port, 443);
            EXPECT_EQ(rest.auth.method, AuthMethod::service_account);
            EXPECT_EQ(rest.auth.token_file, (dir / "serviceaccount/token").string());
            EXPECT_EQ(rest.tls.ca_pem, kCaPem);
            EXPECT_EQ(rest.namespace_name, "payments");
            EXPECT_EQ(rest.context_name, "");
            EXPECT_EQ(rest.source, "in-cluster");
          },
  });
  shapes.push_back(Shape{
      .name = "InClusterIpv6ServiceHost",
      .files = kServiceAccountFiles,
      .env = {{"KUBERNETES_SERVICE_HOST", "fd00:10:96::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}},
      .check =
          [](const RestConfig& rest, const fs::path&) {
            EXPECT_EQ(rest.server, "https://[fd00:10:96::1]:6443");
            EXPECT_EQ(rest.host, "fd00:10:96::1");
            EXPECT_EQ(rest.port, 6443);
          },
  });
  shapes.push_back(Shape{
      .name = "InClusterNamespaceFlagOverridesTheServiceAccountNamespace",
      .files = kServiceAccountFiles,
      .options = {.namespace_name = "override"},
      .env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
      .check = [](const RestConfig& rest,
                  const fs::path&) { EXPECT_EQ(rest.namespace_name, "override"); },
  });
  return shapes;
}

std::vector<Shape> malformed_shapes() {
  const std::string file = "{dir}/config";
  std::vector<Shape> shapes;
  shapes.push_back(
      malformed("EmptyFileHasNoCurrentContext", "", {file, "", "current-context", "is not set"}));
  shapes.push_back(malformed("InvalidYaml",
                             "clusters:\n- name: c\n  cluster: {server: https://a:6443\n",
                             {file, "", "", "is not valid YAML (line"}));
  shapes.push_back(malformed("TopLevelList", "- name: c\n- name: d\n",
                             {file, "", "", "the top level must be a mapping"}));
  shapes.push_back(malformed("KindIsNotConfig", "apiVersion: v1\nkind: Pod\n",
                             {file, "", "kind", "is \"Pod\", not \"Config\""}));
  shapes.push_back(malformed("CurrentContextIsAMapping", "current-context: {name: prod}\n",
                             {file, "", "current-context", "must be a string"}));
  shapes.push_back(malformed("ClustersNotAList",
                             "clusters:\n  name: c\n  cluster:\n    server: https://a:6443\n",
                             {file, "", "clusters", "must be a list"}));
  shapes.push_back(malformed("ClusterBodyNotAMapping",
                             "clusters:\n- name: c\n  cluster: https://a:6443\n",
                             {file, "", "clusters[0].cluster", "must be a mapping"}));
  shapes.push_back(malformed("EntryWithoutName",
                             "clusters:\n- name: a\n  cluster: {server: \"https://a\"}\n"
                             "- cluster: {server: \"https://b\"}\n",
                             {file, "", "clusters[1].name", "is missing or empty"}));
  shapes.push_back(malformed(
      "BadBase64InCertificateAuthorityData",
      kubeconfig(std::string(kServer) + "\ncertificate-authority-data: not*base64!", kToken),
      {file, "", "clusters[0].cluster.certificate-authority-data", "is not valid base64"}));
  shapes.push_back(malformed("ExecWithUnknownApiVersion",
                             kubeconfig(kServer,
                                        "exec:\n"
                                        "  apiVersion: client.authentication.k8s.io/v1alpha1\n"
                                        "  command: aws"),
                             {file, "", "users[0].user.exec.apiVersion",
                              "\"client.authentication.k8s.io/v1alpha1\" is not supported"}));
  shapes.push_back(malformed(
      "ExecWithoutCommand",
      kubeconfig(kServer, "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  args: [x]"),
      {file, "", "users[0].user.exec.command", "is missing"}));
  shapes.push_back(malformed("ExecArgsNotAList",
                             kubeconfig(kServer,
                                        "exec:\n  apiVersion: client.authentication.k8s.io/v1\n"
                                        "  command: aws\n  args: eks get-token"),
                             {file, "", "users[0].user.exec.args", "must be a list"}));
  shapes.push_back(malformed(
      "CurrentContextNamesAMissingContext",
      "current-context: ghost\ncontexts:\n- name: real\n  context: {cluster: c}\n",
      {file, "ghost", "current-context", "names a context that no kubeconfig file defines"}));
  shapes.push_back(malformed("ContextFlagNamesAMissingContext", kubeconfig(kServer, kToken),
                             {file, "ghost", "--context", "no kubeconfig file defines"},
                             {.context = "ghost"}));
  shapes.push_back(malformed(
      "ContextNamesAMissingCluster",
      "current-context: ctx\ncontexts:\n- name: ctx\n  context: {cluster: ghost, user: u}\n",
      {file, "ctx", "contexts[ctx].context.cluster", "names cluster \"ghost\""}));
  shapes.push_back(
      malformed("ContextNamesAMissingUser",
                "current-context: ctx\nclusters:\n- name: c\n  cluster: {server: \"https://a\"}\n"
                "contexts:\n- name: ctx\n  context: {cluster: c, user: ghost}\n",
                {file, "ctx", "contexts[ctx].context.user", "names user \"ghost\""}));
  shapes.push_back(malformed("ServerMissing",
                             kubeconfig("certificate-authority-data: {ca-data}", kToken),
                             {file, "ctx", "clusters[c].cluster.server", "is missing"}));
  shapes.push_back(malformed(
      "ServerWithoutScheme", kubeconfig("server: api.example.com:6443", kToken),
      {file, "ctx", "clusters[c].cluster.server", "must start with https:// or http://"}));
  shapes.push_back(malformed(
      "ServerWithBadScheme", kubeconfig("server: ftp://api.example.com", kToken),
      {file, "ctx", "clusters[c].cluster.server", "scheme \"ftp\" is not http or https"}));
  shapes.push_back(malformed(
      "ServerWithPortOutOfRange", kubeconfig("server: https://api.example.com:99999", kToken),
      {file, "ctx", "clusters[c].cluster.server", "port \"99999\" is not a number"}));
  shapes.push_back(malformed(
      "ServerWithNonNumericPort", kubeconfig("server: https://api.example.com:https", kToken),
      {file, "ctx", "clusters[c].cluster.server", "port \"https\" is not a number"}));
  shapes.push_back(
      malformed("ProxyUrlIsNotSupported",
                kubeconfig(std::string(kServer) + "\nproxy-url: http://proxy:3128", kToken),
                {file, "ctx", "clusters[c].cluster.proxy-url", "not supported"}));
  shapes.push_back(malformed(
      "ClientCertificateWithoutKey", kubeconfig(kServer, "client-certificate-data: {cert-data}"),
      {file, "ctx", "users[u].user.client-key", "is missing while its pair is set"}));
  shapes.push_back(malformed(
      "ClientKeyWithoutCertificate", kubeconfig(kServer, "client-key-data: {key-data}"),
      {file, "ctx", "users[u].user.client-certificate", "is missing while its pair is set"}));
  shapes.push_back(malformed(
      "ClientCertificateFileMissing",
      kubeconfig(kServer, "client-certificate: pki/missing.crt\nclient-key-data: {key-data}"),
      {file, "ctx", "users[u].user.client-certificate", "cannot read {dir}/pki/missing.crt"}));
  shapes.push_back(malformed(
      "ClientCertificateDataIsNotPem",
      kubeconfig(kServer, "client-certificate-data: aGVsbG8=\nclient-key-data: {key-data}"),
      {file, "ctx", "users[u].user.client-certificate-data",
       "does not contain a PEM certificate"}));
  shapes.push_back(
      malformed("LegacyAuthProvider",
                kubeconfig(kServer, "auth-provider:\n  name: gcp\n  config: {cmd-path: gcloud}"),
                {file, "ctx", "users[u].user.auth-provider", "legacy \"gcp\" auth provider"}));
  shapes.push_back(malformed("TokenAndUsernameTogether",
                             kubeconfig(kServer, "token: t\nusername: admin\npassword: p"),
                             {file, "ctx", "users[u].user", "more than one of"}));
  shapes.push_back(malformed("ExecAndTokenTogether",
                             kubeconfig(kServer, std::string(kToken) + "\n" + kExecV1),
                             {file, "ctx", "users[u].user", "more than one of"}));
  shapes.push_back(
      malformed("BasicAuthOverPlainHttp",
                kubeconfig("server: http://api.example.com", "username: admin\npassword: p"),
                {file, "ctx", "users[u].user.username", "would leak the password"}));
  shapes.push_back(
      malformed("InsecureSkipTlsVerifyTogetherWithACertificateAuthority",
                kubeconfig(std::string(kServer) + "\ninsecure-skip-tls-verify: true\n"
                                                  "certificate-authority-data: {ca-data}",
                           kToken),
                {file, "ctx", "clusters[c].cluster.insecure-skip-tls-verify",
                 "together with a certificate authority"}));
  shapes.push_back(malformed("TokenIsAList", kubeconfig(kServer, "token: [1]"),
                             {file, "", "users[0].user.token", "must be a string"}));
  shapes.push_back(malformed(
      "InsecureSkipTlsVerifyIsMaybe",
      kubeconfig(std::string(kServer) + "\ninsecure-skip-tls-verify: maybe", kToken),
      {file, "", "clusters[0].cluster.insecure-skip-tls-verify", "must be true or false"}));
  shapes.push_back(Shape{
      .name = "ExplicitKubeconfigMissingIsAnErrorEvenWithKubeconfigEnv",
      .files = {{"config", kubeconfig(kServer, kToken)}},
      .options = {.kubeconfig = "{dir}/missing"},
      .env = {{"KUBECONFIG", "{dir}/config"}},
      .error = ExpectedError{"{dir}/missing", "", "", "cannot read {dir}/missing"},
  });
  shapes.push_back(Shape{
      .name = "KubeconfigEnvWithOnlyMissingFiles",
      .env = {{"KUBECONFIG", "{dir}/missing-1:{dir}/missing-2"}},
      .error = ExpectedError{"KUBECONFIG", "", "", "none of the files"},
  });
  shapes.push_back(Shape{
      .name = "KubeconfigEnvErrorNamesTheFileThatDefinedTheBrokenCluster",
      .files = {{"first",
                 "current-context: ctx\ncontexts:\n- name: ctx\n  context: {cluster: c}\n"},
                {"second", "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n"}},
      .env = {{"KUBECONFIG", "{dir}/first:{dir}/second"}},
      .error = ExpectedError{"{dir}/second", "ctx", "clusters[c].cluster.server", "is missing"},
  });
  shapes.push_back(Shape{
      .name = "KubeconfigEnvErrorInASecondFileNamesThatFile",
      .files = {{"first", kubeconfig(kServer, kToken)}, {"second", "users: {u: {token: t}}\n"}},
      .env = {{"KUBECONFIG", "{dir}/first:{dir}/second"}},
      .error = ExpectedError{"{dir}/second", "", "users", "must be a list"},
  });
  shapes.push_back(Shape{
      .name = "NoKubeconfigAndNotInAPod",
      .error = ExpectedError{"in-cluster", "", "KUBERNETES_SERVICE_HOST", "is not a pod"},
  });
  shapes.push_back(Shape{
      .name = "InClusterWithoutAServiceAccountToken",
      .files = {{"serviceaccount/ca.crt", std::string(kCaPem)}},
      .env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
      .error = ExpectedError{"in-cluster", "", "token", "cannot read {dir}/serviceaccount/token"},
  });
  return shapes;
}

std::vector<Shape> all_shapes() {
  std::vector<Shape> shapes = valid_shapes();
  for (Shape& shape : malformed_shapes()) {
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

class KubeconfigShapeTest : public ::testing::TestWithParam<Shape> {};

TEST_P(KubeconfigShapeTest, ResolvesOrExplainsWhatIsWrong) {
  const Shape& shape = GetParam();
  const TempDir dir;
  for (const auto& [relative, content] : shape.files) {
    dir.write(relative, expand(content, dir.path()));
  }
  LoadOptions options = shape.options;
  options.kubeconfig = expand(options.kubeconfig, dir.path());
  std::map<std::string, std::string> variables;
  for (const auto& [name, value] : shape.env) {
    variables[name] = expand(value, dir.path());
  }
  Environment env;
  env.getenv = [variables](const std::string& name) -> std::optional<std::string> {
    const auto it = variables.find(name);
    return it == variables.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  env.home = dir.path() / "home";
  env.service_account_dir = dir.path() / "serviceaccount";

  const auto rest = resolve_rest_config(options, env);

  if (!shape.error) {
    ASSERT_TRUE(rest.has_value()) << rest.error().describe();
    shape.check(*rest, dir.path());
    return;
  }
  ASSERT_FALSE(rest.has_value()) << "resolved to " << rest->server;
  const ConfigError& error = rest.error();
  EXPECT_EQ(error.file, expand(shape.error->file, dir.path()));
  EXPECT_EQ(error.context, shape.error->context);
  EXPECT_EQ(error.field, shape.error->field);
  EXPECT_THAT(error.message, HasSubstr(expand(shape.error->message, dir.path())));
  EXPECT_FALSE(error.fix.empty()) << "every error says how to fix it: " << error.describe();
  const std::string described = error.describe();
  EXPECT_THAT(described, HasSubstr(error.file));
  EXPECT_THAT(described, HasSubstr(error.field));
  EXPECT_THAT(described, HasSubstr("(fix: "));
  if (!error.context.empty()) {
    EXPECT_THAT(described, HasSubstr("context \"" + error.context + "\""));
  }
}

std::string shape_name(const ::testing::TestParamInfo<Shape>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(KubeconfigValid, KubeconfigShapeTest, ::testing::ValuesIn(valid_shapes()),
                         shape_name);
INSTANTIATE_TEST_SUITE_P(KubeconfigMalformed, KubeconfigShapeTest,
                         ::testing::ValuesIn(malformed_shapes()), shape_name);

TEST(KubeconfigShapes, CoverAtLeastTwentyFiveShapesWithBothOutcomes) {
  const auto shapes = all_shapes();
  EXPECT_GE(shapes.size(), 25u);
  EXPECT_GE(valid_shapes().size(), 25u);
  EXPECT_GE(malformed_shapes().size(), 25u);
}

// --- parse_kubeconfig and merge_kubeconfig on their own -----------------------------------------

TEST(KubeconfigParse, EmptyDocumentIsAnEmptyConfig) {
  for (const std::string_view text : {"", "# nothing yet\n", "---\n"}) {
    const auto config = parse_kubeconfig(text, "/k/config", "/k");
    ASSERT_TRUE(config.has_value()) << text << ": " << config.error().describe();
    EXPECT_TRUE(config->clusters.empty());
    EXPECT_TRUE(config->contexts.empty());
    EXPECT_EQ(config->current_context, "");
    EXPECT_THAT(config->files, ElementsAre("/k/config"));
  }
}

TEST(KubeconfigParse, DecodesDataFieldsToPem) {
  const auto config = parse_kubeconfig(
      expand(kubeconfig(std::string(kServer) + "\ncertificate-authority-data: {ca-data}",
                        "client-certificate-data: {cert-data}\nclient-key-data: {key-data}"),
             "/k"),
      "/k/config", "/k");
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->clusters.at("c").certificate_authority_data, kCaPem);
  EXPECT_EQ(config->users.at("u").client_certificate_data, kCertPem);
  EXPECT_EQ(config->users.at("u").client_key_data, kKeyPem);
}

TEST(KubeconfigParse, ResolvesRelativePathsAgainstBaseDirAndKeepsAbsoluteOnes) {
  const auto config =
      parse_kubeconfig(kubeconfig(std::string(kServer) + "\ncertificate-authority: ../ca/ca.crt",
                                  "tokenFile: /var/run/token\nclient-certificate: ./a.crt\n"
                                  "client-key: keys/a.key"),
                       "/home/dev/.kube/config", "/home/dev/.kube");
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->clusters.at("c").certificate_authority, "/home/dev/ca/ca.crt");
  EXPECT_EQ(config->users.at("u").token_file, "/var/run/token");
  EXPECT_EQ(config->users.at("u").client_certificate, "/home/dev/.kube/a.crt");
  EXPECT_EQ(config->users.at("u").client_key, "/home/dev/.kube/keys/a.key");
}

TEST(KubeconfigParse, RecordsTheOriginOfEveryEntry) {
  const auto config = parse_kubeconfig(kubeconfig(kServer, kToken), "/k/config", "/k");
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->clusters.at("c").origin, "/k/config");
  EXPECT_EQ(config->users.at("u").origin, "/k/config");
  EXPECT_EQ(config->contexts.at("ctx").origin, "/k/config");
  EXPECT_EQ(config->current_context_origin, "/k/config");
}

TEST(KubeconfigParse, ExecEnvEntryWithoutNameIsAnError) {
  const auto config = parse_kubeconfig(
      kubeconfig(kServer,
                 "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: aws\n"
                 "  env:\n  - value: orphan"),
      "/k/config", "/k");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().field, "users[0].user.exec.env[0].name");
}

TEST(KubeconfigParse, YamlErrorReportsTheLine) {
  const auto config =
      parse_kubeconfig("clusters:\n- name: c\n  cluster: [unclosed\n", "/k/config", "/k");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().file, "/k/config");
  EXPECT_THAT(config.error().message, HasSubstr("line "));
}

TEST(KubeconfigMerge, FirstDefinitionOfEachNameWinsAndFilesAreListedInOrder) {
  auto first = parse_kubeconfig(kMergeFirst, "/a", "/");
  auto second = parse_kubeconfig(kMergeSecond, "/b", "/");
  ASSERT_TRUE(first.has_value() && second.has_value());

  merge_kubeconfig(*first, std::move(*second));

  EXPECT_EQ(first->clusters.at("shared").server, "https://first.example.com");
  EXPECT_EQ(first->clusters.at("shared").origin, "/a");
  EXPECT_EQ(first->clusters.at("only-second").origin, "/b");
  EXPECT_EQ(first->users.at("shared").token, "first-token");
  EXPECT_EQ(first->contexts.at("first").namespace_name, "from-first");
  EXPECT_EQ(first->contexts.at("second").origin, "/b");
  EXPECT_EQ(first->current_context, "first");
  EXPECT_EQ(first->current_context_origin, "/a");
  EXPECT_THAT(first->files, ElementsAre("/a", "/b"));
}

TEST(KubeconfigMerge, CurrentContextComesFromTheFirstFileThatSetsIt) {
  auto users = parse_kubeconfig(kMergeUsersOnly, "/users", "/");
  auto second = parse_kubeconfig(kMergeSecond, "/b", "/");
  ASSERT_TRUE(users.has_value() && second.has_value());

  merge_kubeconfig(*users, std::move(*second));

  EXPECT_EQ(users->current_context, "second");
  EXPECT_EQ(users->current_context_origin, "/b");
  EXPECT_EQ(users->users.at("shared").token, "users-only-token");
}

TEST(KubeconfigLoad, MissingFileNamesThePathAndSaysHowToFixIt) {
  const auto config = load_kubeconfig_file("/nonexistent/cutover/config");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().file, "/nonexistent/cutover/config");
  EXPECT_THAT(config.error().message, HasSubstr("cannot read /nonexistent/cutover/config"));
  EXPECT_THAT(config.error().fix, HasSubstr("--kubeconfig"));
}

}  // namespace
}  // namespace cutover::kube
