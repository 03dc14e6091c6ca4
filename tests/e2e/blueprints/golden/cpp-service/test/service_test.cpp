// The HTTP surface through a real socket on 127.0.0.1 (a free port chosen by the kernel).
#include "service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = service_.server().bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    listener_ = std::thread([this] { service_.server().listen_after_bind(); });
    for (int i = 0; i < 500 && !service_.server().is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(service_.server().is_running());
  }

  void TearDown() override {
    service_.server().stop();
    if (listener_.joinable())
      listener_.join();
  }

  // GET path; status -1 when the request failed.
  std::pair<int, std::string> get(const std::string& path) {
    httplib::Client client("127.0.0.1", port_);
    const auto result = client.Get(path);
    if (!result)
      return {-1, httplib::to_string(result.error())};
    return {result->status, result->body};
  }

  service::Service service_{"test-service"};
  int port_ = 0;
  std::thread listener_;
};

TEST_F(ServiceTest, HealthAndReadinessAnswerOk) {
  EXPECT_EQ(get("/healthz"), std::make_pair(200, std::string("ok\n")));
  EXPECT_EQ(get("/readyz"), std::make_pair(200, std::string("ok\n")));
}

TEST_F(ServiceTest, ShuttingDownFailsReadinessButNotLiveness) {
  service_.set_ready(false);
  EXPECT_EQ(get("/readyz").first, 503);
  EXPECT_EQ(get("/healthz").first, 200);
}

TEST_F(ServiceTest, RootNamesTheService) {
  const auto [status, body] = get("/");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find(R"("service":"test-service")"), std::string::npos) << body;
}

TEST_F(ServiceTest, MetricsCountRequestsByMethodPathAndCode) {
  ASSERT_EQ(get("/healthz").first, 200);
  ASSERT_EQ(get("/no/such/path").first, 404);
  const auto [status, body] = get("/metrics");
  ASSERT_EQ(status, 200);
  // prometheus-cpp writes labels in name order.
  EXPECT_NE(body.find(R"(http_requests_total{code="200",method="GET",path="/healthz"} 1)"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"(http_requests_total{code="404",method="GET",path="unmatched"} 1)"),
            std::string::npos)
      << body;
  EXPECT_NE(
      body.find(
          R"(http_request_duration_seconds_count{code="200",method="GET",path="/healthz"} 1)"),
      std::string::npos)
      << body;
  EXPECT_NE(body.find("http_request_duration_seconds_bucket{"), std::string::npos) << body;
}

}  // namespace
