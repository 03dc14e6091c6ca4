#include "kube/exec_credential.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "util/encoding.hpp"

namespace cutover::kube {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::year;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view kV1beta1 = "client.authentication.k8s.io/v1beta1";
constexpr sys_days kNov22 = sys_days{year{2026} / 11 / 22};

TEST(ExecCredentialParse, V1TokenWithExpiration) {
  const auto credential = parse_exec_credential(R"({
    "apiVersion": "client.authentication.k8s.io/v1",
    "kind": "ExecCredential",
    "status": {"token": "k8s-aws-v1.abc", "expirationTimestamp": "2026-11-22T01:15:00Z"}
  })",
                                                kV1);
  ASSERT_TRUE(credential.has_value()) << credential.error();
  EXPECT_EQ(credential->token, "k8s-aws-v1.abc");
  EXPECT_EQ(credential->expiration, kNov22 + hours{1} + minutes{15});
  EXPECT_EQ(credential->client_certificate_pem, "");
  EXPECT_EQ(credential->client_key_pem, "");
}

TEST(ExecCredentialParse, V1beta1TokenWithoutExpirationIsValidUntilA401) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
          "status": {"token": "ya29.gke"}})",
      kV1beta1);
  ASSERT_TRUE(credential.has_value()) << credential.error();
  EXPECT_EQ(credential->token, "ya29.gke");
  EXPECT_EQ(credential->expiration, std::nullopt);
}

TEST(ExecCredentialParse, ExpirationWithOffsetAndFractionIsConvertedToUtc) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"token": "t", "expirationTimestamp": "2026-11-22T03:15:00.123456+02:00"}})",
      kV1);
  ASSERT_TRUE(credential.has_value()) << credential.error();
  ASSERT_TRUE(credential->expiration.has_value());
  EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(*credential->expiration),
            kNov22 + hours{1} + minutes{15});
}

TEST(ExecCredentialParse, NullExpirationMeansNoExpiration) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"token": "t", "expirationTimestamp": null}})",
      kV1);
  ASSERT_TRUE(credential.has_value()) << credential.error();
  EXPECT_EQ(credential->expiration, std::nullopt);
}

TEST(ExecCredentialParse, UnparsableExpirationIsAnErrorThatQuotesItButNotTheToken) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"token": "secret-token", "expirationTimestamp": "tomorrow"}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("expirationTimestamp \"tomorrow\""));
  EXPECT_THAT(credential.error(), Not(HasSubstr("secret-token")));
}

TEST(ExecCredentialParse, ApiVersionMismatchNamesBothVersions) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
          "status": {"token": "secret-token"}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("apiVersion client.authentication.k8s.io/v1beta1"));
  EXPECT_THAT(credential.error(), HasSubstr("asked for client.authentication.k8s.io/v1"));
  EXPECT_THAT(credential.error(), Not(HasSubstr("secret-token")));
}

TEST(ExecCredentialParse, MissingApiVersionSaysMissing) {
  const auto credential =
      parse_exec_credential(R"({"kind": "ExecCredential", "status": {"token": "t"}})", kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("(missing)"));
}

TEST(ExecCredentialParse, WrongKindIsAnError) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "Status",
          "status": {"token": "t"}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("kind"));
}

TEST(ExecCredentialParse, MissingStatusIsAnError) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential"})", kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("no status object"));
}

TEST(ExecCredentialParse, StatusThatIsNotAnObjectIsAnError) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": "ok"})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("no status object"));
}

TEST(ExecCredentialParse, NonJsonOutputIsAnError) {
  for (const std::string_view output :
       {"", "error: you must be logged in to the server", "[1, 2]", "\"token\"",
        R"({"apiVersion": "client.authentication.k8s.io/v1",)"}) {
    const auto credential = parse_exec_credential(output, kV1);
    ASSERT_FALSE(credential.has_value()) << output;
    EXPECT_THAT(credential.error(), HasSubstr("not a JSON ExecCredential")) << output;
  }
}

TEST(ExecCredentialParse, TokenOfTheWrongTypeIsAnError) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"token": 42}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("status.token is not a string"));
}

TEST(ExecCredentialParse, EmptyStatusHasNeitherTokenNorCertificate) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("neither token nor clientCertificateData"));
}

TEST(ExecCredentialParse, CertificateAndKeyWithoutTokenAreAccepted) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"clientCertificateData": "-----BEGIN CERTIFICATE-----\n",
                     "clientKeyData": "-----BEGIN PRIVATE KEY-----\n"}})",
      kV1);
  ASSERT_TRUE(credential.has_value()) << credential.error();
  EXPECT_EQ(credential->token, "");
  EXPECT_EQ(credential->client_certificate_pem, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(credential->client_key_pem, "-----BEGIN PRIVATE KEY-----\n");
}

TEST(ExecCredentialParse, CertificateWithoutKeyIsAnError) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"clientCertificateData": "-----BEGIN CERTIFICATE-----\n"}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("only one of clientCertificateData and clientKeyData"));
}

TEST(ExecCredentialParse, KeyWithoutCertificateNextToATokenIsAnError) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"token": "t", "clientKeyData": "-----BEGIN PRIVATE KEY-----\n"}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("only one of clientCertificateData and clientKeyData"));
}

TEST(ExecCredentialParse, KeyAloneIsNotACredential) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
          "status": {"clientKeyData": "-----BEGIN PRIVATE KEY-----\n"}})",
      kV1);
  ASSERT_FALSE(credential.has_value());
  EXPECT_THAT(credential.error(), HasSubstr("neither token nor clientCertificateData"));
}

TEST(ExecCredentialExecInfo, WithoutClusterInfoCarriesOnlyTheApiVersionAndInteractivity) {
  ExecConfig exec;
  exec.api_version = std::string(kV1beta1);
  exec.command = "gke-gcloud-auth-plugin";
  const auto info = nlohmann::json::parse(exec_info_json(exec, "https://gke:443", "CA"));
  EXPECT_EQ(info["apiVersion"].get<std::string>(), kV1beta1);
  EXPECT_EQ(info["kind"].get<std::string>(), "ExecCredential");
  EXPECT_EQ(info["spec"]["interactive"].get<bool>(), false);
  EXPECT_FALSE(info["spec"].contains("cluster"));
}

TEST(ExecCredentialExecInfo, ProvideClusterInfoAddsServerAndBase64Ca) {
  ExecConfig exec;
  exec.api_version = std::string(kV1);
  exec.command = "aws";
  exec.provide_cluster_info = true;
  const std::string ca = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
  const auto info = nlohmann::json::parse(exec_info_json(exec, "https://eks.example.com:443", ca));
  EXPECT_EQ(info["apiVersion"].get<std::string>(), kV1);
  EXPECT_EQ(info["spec"]["cluster"]["server"].get<std::string>(), "https://eks.example.com:443");
  const auto encoded = info["spec"]["cluster"]["certificate-authority-data"].get<std::string>();
  EXPECT_EQ(base64_decode(encoded), ca);
}

}  // namespace
}  // namespace cutover::kube

namespace cutover::kube {
namespace {

// Found by fuzz_exec_credential: a year past 2262 overflowed system_clock's nanoseconds.
TEST(ExecCredentialFarFuture, ExpirationInYear9999IsFarFutureNotUndefined) {
  const auto credential = parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
          "status":{"token":"t","expirationTimestamp":"9999-12-31T23:59:59Z"}})",
      "client.authentication.k8s.io/v1");
  ASSERT_TRUE(credential.has_value());
  ASSERT_TRUE(credential->expiration.has_value());
  EXPECT_EQ(*credential->expiration, std::chrono::system_clock::time_point::max());
}

}  // namespace
}  // namespace cutover::kube
