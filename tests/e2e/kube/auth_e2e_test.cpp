// Each way of authenticating, against the real kube-apiserver: bearer token, client
// certificate, exec plugin, and a service account without RBAC.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kube/cluster.hpp"
#include "util/encoding.hpp"

namespace cutover::e2e {
namespace {

using kube::ErrorReason;
using kube::Json;

TEST(AuthE2E, TokenUserReadsTheServerVersion) {
  const auto config = admin_config();
  EXPECT_EQ(config.auth.method, kube::AuthMethod::token);
  EXPECT_FALSE(config.tls.insecure_skip_verify) << "the local cluster must verify TLS";
  auto client = client_for(config);
  auto version = client->get_path("/version");
  ASSERT_TRUE(version) << version.error().describe();
  EXPECT_TRUE((*version)["gitVersion"].get<std::string>().starts_with("v1.34."));
}

TEST(AuthE2E, ClientCertificateUser) {
  auto config = kube::resolve_rest_config({(state_dir() / "cert-user.kubeconfig").string()},
                                          kube::Environment::system());
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->auth.method, kube::AuthMethod::client_certificate);
  auto client = client_for(*config);
  auto namespaces = client->list({"v1", "Namespace", ""}, {});
  ASSERT_TRUE(namespaces) << namespaces.error().describe();
  EXPECT_FALSE((*namespaces)["items"].empty());
}

TEST(AuthE2E, WrongCertificateAuthorityIsRefused) {
  auto config = admin_config();
  // A CA that did not sign the server's certificate: the client certificate of the cert user
  // is a valid PEM certificate but not the server's issuer.
  auto cert_user = kube::resolve_rest_config({(state_dir() / "cert-user.kubeconfig").string()},
                                             kube::Environment::system());
  ASSERT_TRUE(cert_user);
  config.tls.ca_pem = cert_user->tls.client_certificate_pem;
  auto client = client_for(config);
  auto version = client->get_path("/version");
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().reason, ErrorReason::transport);
  EXPECT_NE(version.error().message.find("certificate"), std::string::npos)
      << version.error().message;
}

TEST(AuthE2E, OnlyTheKubeconfigsCertificateAuthorityIsTrusted) {
  // The system trust store (here: SSL_CERT_FILE, which OpenSSL's default paths honour) holds
  // the cluster's real CA; the kubeconfig names another. As with kubectl, only the kubeconfig's
  // CA counts: a server certificate from a CA the machine happens to trust is refused.
  auto config = admin_config();
  const auto bundle = std::filesystem::temp_directory_path() / "cutover-e2e-system-roots.pem";
  {
    std::ofstream out(bundle);
    out << config.tls.ca_pem;
  }
  ASSERT_EQ(setenv("SSL_CERT_FILE", bundle.c_str(), 1), 0);
  auto cert_user = kube::resolve_rest_config({(state_dir() / "cert-user.kubeconfig").string()},
                                             kube::Environment::system());
  ASSERT_TRUE(cert_user);
  config.tls.ca_pem = cert_user->tls.client_certificate_pem;
  auto client = client_for(config);
  auto version = client->get_path("/version");
  unsetenv("SSL_CERT_FILE");
  std::filesystem::remove(bundle);
  ASSERT_FALSE(version) << "the system trust store was consulted";
  EXPECT_EQ(version.error().reason, ErrorReason::transport);
}

TEST(AuthE2E, ExecPluginCredentialIsCachedAndUsed) {
  const auto admin = admin_config();
  const auto dir = std::filesystem::temp_directory_path() / "cutover-e2e-exec";
  std::filesystem::create_directories(dir);
  const auto plugin = dir / "fake-get-token";
  const auto runs = dir / "runs";
  std::filesystem::remove(runs);
  {
    std::ofstream script(plugin);
    script << "#!/bin/sh\n"
           << "echo run >> '" << runs.string() << "'\n"
           << "test -n \"$KUBERNETES_EXEC_INFO\" || exit 3\n"
           << "cat <<EOF\n"
           << R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
           << R"("status":{"token":")" << admin.auth.token
           << R"(","expirationTimestamp":"2099-01-01T00:00:00Z"}})"
           << "\nEOF\n";
  }
  std::filesystem::permissions(plugin, std::filesystem::perms::owner_all);
  const std::string kubeconfig = R"(apiVersion: v1
kind: Config
current-context: exec
clusters:
- name: local
  cluster:
    server: )" + admin.server + R"(
    certificate-authority-data: )" +
                                 base64_encode(admin.tls.ca_pem) + R"(
users:
- name: plugin-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: )" + plugin.string() +
                                 R"(
      interactiveMode: Never
contexts:
- name: exec
  context: {cluster: local, user: plugin-user}
)";
  const auto path = dir / "kubeconfig";
  std::ofstream(path) << kubeconfig;
  auto config = kube::resolve_rest_config({path.string()}, kube::Environment::system());
  ASSERT_TRUE(config) << config.error().describe();
  auto client = client_for(*config);
  ASSERT_TRUE(client->get_path("/version"));
  auto namespaces = client->list({"v1", "Namespace", ""}, {});
  ASSERT_TRUE(namespaces) << namespaces.error().describe();
  EXPECT_EQ(client->credentials().exec_runs(), 1) << "the credential is cached until it expires";
}

TEST(AuthE2E, MissingExecPluginSaysSo) {
  const auto admin = admin_config();
  auto config = admin;
  config.auth = {};
  config.auth.method = kube::AuthMethod::exec;
  config.auth.exec = kube::ExecConfig{"client.authentication.k8s.io/v1beta1",
                                      "definitely-not-installed-plugin",
                                      {},
                                      {},
                                      "Install it with: apt-get install example",
                                      false,
                                      ""};
  auto client = client_for(config);
  auto version = client->get_path("/version");
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().reason, ErrorReason::auth);
  EXPECT_NE(version.error().message.find("definitely-not-installed-plugin"), std::string::npos);
  EXPECT_NE(version.error().message.find("Install it with"), std::string::npos);
}

TEST(AuthE2E, ServiceAccountWithoutRbacIsForbidden) {
  auto admin = client_for(admin_config());
  TestNamespace ns(*admin, "e2e-auth");
  const kube::ResourceRef sa{"v1", "ServiceAccount", ns.name()};
  ASSERT_TRUE(admin->create(
      sa, {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "nobody"}}}}));
  auto token = admin->create_subresource(sa, "nobody", "token",
                                         {{"apiVersion", "authentication.k8s.io/v1"},
                                          {"kind", "TokenRequest"},
                                          {"spec", {{"expirationSeconds", 600}}}});
  ASSERT_TRUE(token) << token.error().describe();
  auto config = admin_config();
  config.auth.token = (*token)["status"]["token"];
  auto client = client_for(config);
  auto list = client->list({"v1", "ConfigMap", ns.name()}, {});
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().reason, ErrorReason::forbidden);
  EXPECT_EQ(list.error().http_status, 403);
  EXPECT_NE(list.error().message.find("system:serviceaccount:" + ns.name() + ":nobody"),
            std::string::npos)
      << list.error().message;
}

}  // namespace
}  // namespace cutover::e2e
