// PrometheusClient over a fake transport: what goes on the wire (form, path prefix, timeouts,
// Authorization and custom headers) and how transport failures and auth walls come back.
#include "analysis/prometheus_client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "fakes/fake_transport.hpp"

namespace cutover::analysis {
namespace {

using testing::FakeTransport;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kEmptyVector =
    R"({"status":"success","data":{"resultType":"vector","result":[]}})";

kube::HttpResponse answer(int status, std::string body) {
  return {status, std::move(body), "", "application/json"};
}

struct Harness {
  explicit Harness(
      PrometheusConfig config,
      FakeTransport::Responder responder = [](const auto&) { return answer(200, kEmptyVector); }) {
    auto fake = std::make_unique<FakeTransport>(std::move(responder));
    transport = fake.get();
    client = std::make_unique<PrometheusClient>(std::move(config), std::move(fake));
  }
  const kube::HttpRequest& sent() const { return transport->requests.at(0); }
  std::optional<std::string> header(const std::string& name) const {
    std::optional<std::string> found;
    for (const auto& [key, value] : sent().headers) {
      if (key == name) {
        EXPECT_FALSE(found.has_value()) << name << " is sent twice";
        found = value;
      }
    }
    return found;
  }
  FakeTransport* transport = nullptr;
  std::unique_ptr<PrometheusClient> client;
};

PrometheusConfig config_for(const std::string& address) {
  PrometheusConfig config;
  config.address = address;
  return config;
}

TEST(PrometheusClientTest, InstantQueryIsAFormPostWithTimeAndPrometheusTimeout) {
  Harness h(config_for("http://prom:9090"));
  ASSERT_TRUE(h.client->query(R"(sum(rate(x{a="b c"}[1m])) + 1 & 2)", 1700000000.5));
  const auto& r = h.sent();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/api/v1/query");
  EXPECT_EQ(r.content_type, "application/x-www-form-urlencoded");
  // Every reserved character is escaped, so '&', '+' and '=' cannot split the form.
  EXPECT_EQ(r.body,
            "query=sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B1m%5D%29%29%20%2B%201%20%26%202"
            "&time=1700000000.500&timeout=10s");
  EXPECT_EQ(h.header("Accept"), "application/json");
  EXPECT_FALSE(h.header("Authorization").has_value());
}

TEST(PrometheusClientTest, InstantQueryWithoutTimeSendsNone) {
  Harness h(config_for("http://prom:9090"));
  ASSERT_TRUE(h.client->query("up", std::nullopt));
  EXPECT_EQ(h.sent().body, "query=up&timeout=10s");
}

TEST(PrometheusClientTest, RangeQuerySendsStartEndAndStep) {
  Harness h(config_for("http://prom:9090"));
  ASSERT_TRUE(h.client->query_range("rate(x[1m])", 1000.25, 1060, 5));
  EXPECT_EQ(h.sent().target, "/api/v1/query_range");
  EXPECT_EQ(h.sent().body,
            "query=rate%28x%5B1m%5D%29&start=1000.250&end=1060.000&step=5.000&timeout=10s");
}

TEST(PrometheusClientTest, PolicyTimeoutBoundsPrometheusTheReadAndTheConnect) {
  auto config = config_for("http://prom:9090");
  config.timeout = std::chrono::seconds{2};
  Harness h(config);
  ASSERT_TRUE(h.client->query("up", std::nullopt));
  const auto& r = h.sent();
  EXPECT_THAT(r.body, HasSubstr("&timeout=2s"));
  // Prometheus gives up a second before we do, so its "timeout" error reaches us.
  EXPECT_EQ(r.timeout, std::chrono::seconds{3});
  // An unreachable address costs the policy's timeout, not the transport's default 10 s.
  EXPECT_EQ(r.connect_timeout, std::chrono::seconds{2});
}

TEST(PrometheusClientTest, SubSecondTimeoutStillAsksPrometheusForOneSecond) {
  auto config = config_for("http://prom:9090");
  config.timeout = std::chrono::milliseconds{1500};
  Harness h(config);
  ASSERT_TRUE(h.client->query("up", std::nullopt));
  EXPECT_THAT(h.sent().body, HasSubstr("&timeout=1s"));
  EXPECT_EQ(h.sent().connect_timeout, std::chrono::milliseconds{1500});
}

TEST(PrometheusClientTest, AddressPathPrefixIsPutBeforeTheApiPath) {
  Harness h(config_for("https://gateway.example/tenants/prom/"));
  ASSERT_TRUE(h.client->query("up", std::nullopt));
  ASSERT_TRUE(h.client->query_range("up", 0, 10, 5));
  EXPECT_EQ(h.transport->requests.at(0).target, "/tenants/prom/api/v1/query");
  EXPECT_EQ(h.transport->requests.at(1).target, "/tenants/prom/api/v1/query_range");
}

TEST(PrometheusClientTest, BearerTokenIsSentAsAuthorization) {
  auto config = config_for("https://prom:9090");
  config.bearer_token = "t0ken";
  Harness h(config);
  ASSERT_TRUE(h.client->query("up", std::nullopt));
  EXPECT_EQ(h.header("Authorization"), "Bearer t0ken");
}

TEST(PrometheusClientTest, BasicAuthIsBase64OfUserColonPassword) {
  auto config = config_for("https://prom:9090");
  config.basic_username = "cutover";
  config.basic_password = "p:ss word";
  Harness h(config);
  ASSERT_TRUE(h.client->query("up", std::nullopt));
  // base64("cutover:p:ss word")
  EXPECT_EQ(h.header("Authorization"), "Basic Y3V0b3ZlcjpwOnNzIHdvcmQ=");
}

TEST(PrometheusClientTest, CustomHeadersAreSentAsGiven) {
  auto config = config_for("https://prom:9090");
  config.headers = {{"X-Scope-OrgID", "team-a"}, {"X-Api-Key", "k3y"}};
  config.bearer_token = "t0ken";
  Harness h(config);
  ASSERT_TRUE(h.client->query("up", std::nullopt));
  EXPECT_EQ(h.header("X-Scope-OrgID"), "team-a");
  EXPECT_EQ(h.header("X-Api-Key"), "k3y");
  EXPECT_EQ(h.header("Authorization"), "Bearer t0ken");
}

class FailingTransport final : public kube::HttpTransport {
 public:
  explicit FailingTransport(kube::Error error) : error_(std::move(error)) {}
  std::expected<kube::HttpResponse, kube::Error> send(const kube::HttpRequest&) override {
    return std::unexpected(error_);
  }
  std::expected<kube::HttpResponse, kube::Error> stream(const kube::HttpRequest&,
                                                        const kube::ChunkHandler&,
                                                        std::stop_token) override {
    return std::unexpected(error_);
  }

 private:
  kube::Error error_;
};

std::expected<QueryResult, PrometheusError> query_failing(kube::ErrorReason reason,
                                                          std::string message) {
  PrometheusClient client(config_for("http://prom:9090"),
                          std::make_unique<FailingTransport>(
                              kube::Error{reason, 0, std::move(message), {}, std::nullopt}));
  return client.query("up", std::nullopt);
}

TEST(PrometheusClientTest, TransportTimeoutIsTheTimeoutKind) {
  const auto result = query_failing(kube::ErrorReason::timeout, "Read");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::timeout);
  EXPECT_THAT(result.error().describe(), HasSubstr("timed out"));
  EXPECT_THAT(result.error().message, HasSubstr("http://prom:9090"));
}

TEST(PrometheusClientTest, RefusedConnectionIsTheTransportKindNamingTheAddressOnce) {
  const auto result =
      query_failing(kube::ErrorReason::transport, "http://prom:9090 Connection (is it up?)");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::transport);
  EXPECT_EQ(result.error().message, "http://prom:9090 Connection (is it up?)");
}

TEST(PrometheusClientTest, TlsVerificationFailureSaysWhichFieldFixesIt) {
  const auto result = query_failing(
      kube::ErrorReason::transport,
      "http://prom:9090 TLS verification failed: the server's certificate is not signed by the "
      "trusted CA, or its name does not match the address");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().message,
              HasSubstr("(fix: set spec.provider.prometheus.caSecretRef to the CA that signed "
                        "Prometheus' certificate"));
}

TEST(PrometheusClientTest, Unauthorized401NamesTheStatusAndTheCredentialFields) {
  auto config = config_for("https://prom:9090");
  config.basic_username = "cutover";
  config.basic_password = "wrong-password";
  Harness h(config, [](const auto&) { return answer(401, "Unauthorized\n"); });
  const auto result = h.client->query("up", std::nullopt);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::http);
  EXPECT_EQ(result.error().http_status, 401);
  EXPECT_THAT(result.error().describe(), HasSubstr("(401): Unauthorized (fix: "));
  EXPECT_THAT(result.error().describe(), HasSubstr("basicAuthSecretRef"));
  EXPECT_THAT(result.error().describe(), HasSubstr("a header's valueFrom"));
  EXPECT_THAT(result.error().describe(), Not(HasSubstr("wrong-password")));
}

TEST(PrometheusClientTest, PrometheusTimeoutAnswerIsTheTimeoutKind) {
  Harness h(config_for("http://prom:9090"), [](const auto&) {
    return answer(503, R"({"status":"error","errorType":"timeout","error":"query timed out"})");
  });
  const auto result = h.client->query("up", std::nullopt);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::timeout);
}

}  // namespace
}  // namespace cutover::analysis
