#include "kube/credential_source.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_process_runner.hpp"
#include "fakes/temp_dir.hpp"
#include "util/encoding.hpp"

namespace cutover::kube {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kV1 = "client.authentication.k8s.io/v1";

using testing::TempDir;

// What `aws eks get-token` prints, with a chosen token and expiry.
std::string exec_credential_json(std::string_view token, std::string_view expiration = "") {
  nlohmann::json status = {{"token", std::string(token)}};
  if (!expiration.empty()) {
    status["expirationTimestamp"] = std::string(expiration);
  }
  return nlohmann::json{
      {"apiVersion", std::string(kV1)}, {"kind", "ExecCredential"}, {"status", status}}
      .dump();
}

ProcessResult plugin_output(std::string stdout_text, int exit_code = 0,
                            std::string stderr_text = "") {
  return ProcessResult{exit_code, std::move(stdout_text), std::move(stderr_text)};
}

RestConfig exec_config(bool provide_cluster_info = false) {
  RestConfig config;
  config.server = "https://eks.example.com:443";
  config.user_name = "eks-admin";
  config.tls.ca_pem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
  config.auth.method = AuthMethod::exec;
  ExecConfig exec;
  exec.api_version = std::string(kV1);
  exec.command = "aws";
  exec.args = {"eks", "get-token", "--cluster-name", "prod"};
  exec.env = {{"AWS_PROFILE", "prod"}};
  exec.install_hint = "Install the AWS CLI: https://aws.amazon.com/cli/";
  exec.provide_cluster_info = provide_cluster_info;
  config.auth.exec = exec;
  return config;
}

std::optional<std::string> env_value(const ProcessRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.extra_env) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

// The header value, or a readable stand-in for "no header" and for errors.
std::string header(const std::expected<std::optional<std::string>, Error>& authorization) {
  if (!authorization) {
    return "error: " + authorization.error().describe();
  }
  return authorization->value_or("(no header)");
}

class CredentialSourceTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  testing::FakeProcessRunner runner_;
};

// --- static credentials -----------------------------------------------------------------------

TEST_F(CredentialSourceTest, StaticTokenBecomesABearerHeader) {
  RestConfig config;
  config.auth.method = AuthMethod::token;
  config.auth.token = "static-token";
  CredentialSource source(config, clock_, runner_);
  EXPECT_EQ(header(source.authorization()), "Bearer static-token");
  EXPECT_FALSE(source.invalidate()) << "a static token cannot get better by retrying";
  EXPECT_EQ(source.exec_runs(), 0);
}

TEST_F(CredentialSourceTest, BasicAuthIsBase64OfUserColonPassword) {
  RestConfig config;
  config.auth.method = AuthMethod::basic;
  config.auth.username = "admin";
  config.auth.password = "hunter2";
  CredentialSource source(config, clock_, runner_);
  EXPECT_EQ(header(source.authorization()), "Basic " + base64_encode("admin:hunter2"));
}

TEST_F(CredentialSourceTest, ClientCertificateAndAnonymousSendNoAuthorizationHeader) {
  RestConfig config;
  config.auth.method = AuthMethod::client_certificate;
  EXPECT_EQ(header(CredentialSource(config, clock_, runner_).authorization()), "(no header)");
  config.auth.method = AuthMethod::none;
  EXPECT_EQ(header(CredentialSource(config, clock_, runner_).authorization()), "(no header)");
}

// --- token files ------------------------------------------------------------------------------

TEST_F(CredentialSourceTest, TokenFileIsReadAndTrailingNewlineTrimmed) {
  TempDir dir;
  RestConfig config;
  config.auth.method = AuthMethod::token_file;
  config.auth.token_file = dir.write("token", "file-token\n").string();
  CredentialSource source(config, clock_, runner_);
  EXPECT_EQ(header(source.authorization()), "Bearer file-token");
}

TEST_F(CredentialSourceTest, TokenFileIsReReadAfterItChanges) {
  TempDir dir;
  const fs::path token_file = dir.write("token", "token-v1");
  const auto first_mtime = fs::last_write_time(token_file);
  RestConfig config;
  config.auth.method = AuthMethod::service_account;
  config.auth.token_file = token_file.string();
  CredentialSource source(config, clock_, runner_);
  ASSERT_EQ(header(source.authorization()), "Bearer token-v1");

  // The kubelet rotates a projected token by replacing the file; its mtime moves on.
  (void)dir.write("token", "token-v2");
  fs::last_write_time(token_file, first_mtime + std::chrono::seconds{10});
  EXPECT_EQ(header(source.authorization()), "Bearer token-v2");
}

TEST_F(CredentialSourceTest, TokenFileIsCachedWhileItsMtimeIsUnchanged) {
  TempDir dir;
  const fs::path token_file = dir.write("token", "token-v1");
  const auto mtime = fs::last_write_time(token_file);
  RestConfig config;
  config.auth.method = AuthMethod::token_file;
  config.auth.token_file = token_file.string();
  CredentialSource source(config, clock_, runner_);
  ASSERT_EQ(header(source.authorization()), "Bearer token-v1");

  (void)dir.write("token", "token-v2");
  fs::last_write_time(token_file, mtime);
  EXPECT_EQ(header(source.authorization()), "Bearer token-v1");

  // A 401 forces a re-read even when the mtime did not move.
  EXPECT_TRUE(source.invalidate());
  EXPECT_EQ(header(source.authorization()), "Bearer token-v2");
}

TEST_F(CredentialSourceTest, MissingTokenFileIsAnAuthErrorThatNamesThePath) {
  RestConfig config;
  config.auth.method = AuthMethod::token_file;
  config.auth.token_file = "/nonexistent/cutover/token";
  CredentialSource source(config, clock_, runner_);
  const auto result = source.authorization();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, ErrorReason::auth);
  EXPECT_THAT(result.error().message, HasSubstr("/nonexistent/cutover/token"));
  EXPECT_THAT(result.error().message, HasSubstr("fix:"));
}

// --- exec plugins -----------------------------------------------------------------------------

TEST_F(CredentialSourceTest, ExecPluginRunsWithArgsEnvAndExecInfo) {
  runner_.results.push_back(plugin_output(exec_credential_json("eks-token")));
  CredentialSource source(exec_config(/*provide_cluster_info=*/true), clock_, runner_);

  EXPECT_EQ(header(source.authorization()), "Bearer eks-token");
  ASSERT_EQ(runner_.requests.size(), 1u);
  const ProcessRequest& request = runner_.requests[0];
  EXPECT_EQ(request.command, "aws");
  EXPECT_THAT(request.args, ::testing::ElementsAre("eks", "get-token", "--cluster-name", "prod"));
  EXPECT_EQ(env_value(request, "AWS_PROFILE"), "prod");
  const auto exec_info = env_value(request, "KUBERNETES_EXEC_INFO");
  ASSERT_TRUE(exec_info.has_value());
  const auto info = nlohmann::json::parse(*exec_info);
  EXPECT_EQ(info["apiVersion"].get<std::string>(), kV1);
  EXPECT_EQ(info["kind"].get<std::string>(), "ExecCredential");
  EXPECT_EQ(info["spec"]["cluster"]["server"].get<std::string>(), "https://eks.example.com:443");
}

TEST_F(CredentialSourceTest, ExecCredentialIsCachedUntilItExpires) {
  runner_.results.push_back(plugin_output(exec_credential_json("token-1", "2026-11-22T00:15:00Z")));
  runner_.results.push_back(plugin_output(exec_credential_json("token-2", "2026-11-22T00:30:00Z")));
  CredentialSource source(exec_config(), clock_, runner_);  // the clock starts at 00:00Z

  EXPECT_EQ(header(source.authorization()), "Bearer token-1");
  clock_.advance(minutes{14});
  EXPECT_EQ(header(source.authorization()), "Bearer token-1");
  EXPECT_EQ(source.exec_runs(), 1);

  clock_.advance(minutes{2});  // 00:16Z, past the first expiry
  EXPECT_EQ(header(source.authorization()), "Bearer token-2");
  EXPECT_EQ(source.exec_runs(), 2);
  EXPECT_EQ(runner_.requests.size(), 2u);
}

TEST_F(CredentialSourceTest, ExecCredentialWithoutExpirationIsReusedUntilInvalidated) {
  runner_.results.push_back(plugin_output(exec_credential_json("token-1")));
  runner_.results.push_back(plugin_output(exec_credential_json("token-2")));
  CredentialSource source(exec_config(), clock_, runner_);

  EXPECT_EQ(header(source.authorization()), "Bearer token-1");
  clock_.advance(std::chrono::hours{24 * 365});
  EXPECT_EQ(header(source.authorization()), "Bearer token-1");
  EXPECT_EQ(source.exec_runs(), 1);

  EXPECT_TRUE(source.invalidate());
  EXPECT_EQ(header(source.authorization()), "Bearer token-2");
  EXPECT_EQ(source.exec_runs(), 2);
}

TEST_F(CredentialSourceTest, InvalidateAfterA401RerunsThePluginBeforeExpiry) {
  runner_.results.push_back(plugin_output(exec_credential_json("revoked", "2026-11-22T01:00:00Z")));
  runner_.results.push_back(plugin_output(exec_credential_json("fresh", "2026-11-22T01:00:00Z")));
  CredentialSource source(exec_config(), clock_, runner_);

  EXPECT_EQ(header(source.authorization()), "Bearer revoked");
  EXPECT_TRUE(source.invalidate()) << "re-running the plugin can fix a 401";
  EXPECT_EQ(header(source.authorization()), "Bearer fresh");
  EXPECT_EQ(source.exec_runs(), 2);
}

TEST_F(CredentialSourceTest, MissingPluginGivesAnAuthErrorWithTheInstallHint) {
  runner_.results.push_back(std::unexpected(std::string("aws: command not found on PATH")));
  CredentialSource source(exec_config(), clock_, runner_);

  const auto result = source.authorization();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, ErrorReason::auth);
  EXPECT_THAT(result.error().message, HasSubstr("exec plugin \"aws\" for user \"eks-admin\""));
  EXPECT_THAT(result.error().message, HasSubstr("aws: command not found on PATH"));
  EXPECT_THAT(result.error().message, HasSubstr("Install the AWS CLI"));
}

TEST_F(CredentialSourceTest, NonzeroExitGivesAnAuthErrorWithStderrButNeverTheToken) {
  // A plugin may print a partial credential before failing; it must not leak into the error.
  runner_.results.push_back(plugin_output(exec_credential_json("leaked-secret-token"), 255,
                                          "Error loading SSO Token: Token for prod is expired\n"));
  CredentialSource source(exec_config(), clock_, runner_);

  const auto result = source.authorization();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, ErrorReason::auth);
  EXPECT_THAT(result.error().message, HasSubstr("exited with code 255"));
  EXPECT_THAT(result.error().message, HasSubstr("Token for prod is expired"));
  EXPECT_THAT(result.error().message, HasSubstr("Install the AWS CLI"));
  EXPECT_THAT(result.error().message, Not(HasSubstr("leaked-secret-token")));
  EXPECT_THAT(result.error().describe(), Not(HasSubstr("leaked-secret-token")));
}

TEST_F(CredentialSourceTest, MalformedPluginOutputIsAnAuthErrorWithoutTheToken) {
  runner_.results.push_back(
      plugin_output(exec_credential_json("leaked-secret-token", "not-a-time")));
  CredentialSource source(exec_config(), clock_, runner_);

  const auto result = source.authorization();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, ErrorReason::auth);
  EXPECT_THAT(result.error().message, HasSubstr("expirationTimestamp"));
  EXPECT_THAT(result.error().message, Not(HasSubstr("leaked-secret-token")));
}

TEST_F(CredentialSourceTest, PluginApiVersionMismatchIsAnAuthError) {
  runner_.results.push_back(plugin_output(
      R"({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
          "status": {"token": "t"}})"));
  CredentialSource source(exec_config(), clock_, runner_);

  const auto result = source.authorization();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, ErrorReason::auth);
  EXPECT_THAT(result.error().message, HasSubstr("asked for client.authentication.k8s.io/v1"));
}

TEST_F(CredentialSourceTest, FailedRunIsNotCachedSoTheNextRequestRetries) {
  runner_.results.push_back(plugin_output("", 1, "network unreachable"));
  runner_.results.push_back(plugin_output(exec_credential_json("recovered")));
  CredentialSource source(exec_config(), clock_, runner_);

  EXPECT_FALSE(source.authorization().has_value());
  EXPECT_EQ(header(source.authorization()), "Bearer recovered");
  EXPECT_EQ(source.exec_runs(), 2);
}

TEST_F(CredentialSourceTest, CertificateOnlyExecCredentialIsRefusedWithAnExplanation) {
  runner_.results.push_back(plugin_output(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"clientCertificateData": "-----BEGIN CERTIFICATE-----\n",
                     "clientKeyData": "-----BEGIN PRIVATE KEY-----\n"}})"));
  CredentialSource source(exec_config(), clock_, runner_);

  const auto result = source.authorization();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, ErrorReason::auth);
  EXPECT_THAT(result.error().message, HasSubstr("client certificate"));
}

}  // namespace
}  // namespace cutover::kube
