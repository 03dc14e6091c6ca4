// OFREP over HTTP on a loopback port: readiness, bearer tokens, CORS, ETag/304 and body limits.
#include "ofrep_http.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace cutover::flag_server {
namespace {

using flags::Json;

Json feature_flag() {
  return Json::parse(R"({"metadata": {"namespace": "shop", "name": "flags",
                                       "resourceVersion": "1"},
                          "spec": {"flagSpec": {"flags": {"color": {"state": "ENABLED",
                            "variants": {"red": "red"}, "defaultVariant": "red"}}}}})");
}

class OfrepHttp : public ::testing::Test {
 protected:
  void start(OfrepHttpOptions options) {
    catalog_.upsert(feature_flag());
    mount_ofrep(server_, catalog_, std::move(options), metrics_, [this] { return ready_.load(); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable())
      thread_.join();
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", port_); }

  flags::FlagCatalog catalog_;
  FlagsMetrics metrics_;
  httplib::Server server_;
  std::atomic<bool> ready_{true};
  int port_ = 0;
  std::thread thread_;
};

TEST_F(OfrepHttp, EvaluatesOneFlagAndAll) {
  start({});
  auto http = client();
  const auto one = http.Post("/ofrep/v1/evaluate/flags/color", "{}", "application/json");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(Json::parse(one->body)["value"], "red");
  EXPECT_EQ(one->get_header_value("Content-Type"), "application/json");
  const auto all = http.Post("/ofrep/v1/evaluate/flags", "{}", "application/json");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_FALSE(all->get_header_value("ETag").empty());
  // flagd accepts the bulk path with a trailing slash too.
  const auto slash = http.Post("/ofrep/v1/evaluate/flags/", "{}", "application/json");
  ASSERT_TRUE(slash);
  EXPECT_EQ(slash->status, 200);
}

TEST_F(OfrepHttp, UnchangedBulkRefetchIs304) {
  start({});
  auto http = client();
  const auto first = http.Post("/ofrep/v1/evaluate/flags", "{}", "application/json");
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  const auto again =
      http.Post("/ofrep/v1/evaluate/flags", {{"If-None-Match", etag}}, "{}", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304) << etag << " / " << again->get_header_value("ETag");
  EXPECT_EQ(again->get_header_value("ETag"), etag);
}

TEST_F(OfrepHttp, NotReadyIs503WithRetryAfter) {
  ready_ = false;
  start({});
  auto http = client();
  const auto response = http.Post("/ofrep/v1/evaluate/flags/color", "{}", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->get_header_value("Retry-After"), "1");
}

TEST_F(OfrepHttp, TokensAreRequiredWhenConfigured) {
  start({.tokens = {"s3cret", "other"}});
  auto http = client();
  const auto none = http.Post("/ofrep/v1/evaluate/flags/color", "{}", "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer realm=\"deploy-flags\"");
  EXPECT_EQ(none->body.find("s3cret"), std::string::npos);
  const auto wrong = http.Post("/ofrep/v1/evaluate/flags/color",
                               {{"Authorization", "Bearer s3cre"}}, "{}", "application/json");
  EXPECT_EQ(wrong->status, 401);
  const auto right = http.Post("/ofrep/v1/evaluate/flags/color",
                               {{"Authorization", "bearer other"}}, "{}", "application/json");
  EXPECT_EQ(right->status, 200);
}

TEST_F(OfrepHttp, CorsPreflightNeedsNoTokenAndAllowedOriginsAreEchoed) {
  start({.tokens = {"s3cret"}, .cors_allowed_origins = {"https://shop.example"}});
  auto http = client();
  const auto preflight =
      http.Options("/ofrep/v1/evaluate/flags",
                   {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  const auto post =
      http.Post("/ofrep/v1/evaluate/flags",
                {{"Origin", "https://shop.example"}, {"Authorization", "Bearer s3cret"}}, "{}",
                "application/json");
  EXPECT_EQ(post->get_header_value("Access-Control-Expose-Headers"), "ETag");
  const auto stranger =
      http.Post("/ofrep/v1/evaluate/flags",
                {{"Origin", "https://evil.example"}, {"Authorization", "Bearer s3cret"}}, "{}",
                "application/json");
  EXPECT_FALSE(stranger->has_header("Access-Control-Allow-Origin"));
}

TEST_F(OfrepHttp, OtherMethodsAre405NamingPost) {
  start({});
  auto http = client();
  const auto response = http.Get("/ofrep/v1/evaluate/flags/color");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->get_header_value("Allow"), "POST, OPTIONS");
}

TEST_F(OfrepHttp, BodiesOverOneMebibyteAre413) {
  start({});
  auto http = client();
  const std::string big(1024 * 1024 + 1, ' ');
  const auto response = http.Post("/ofrep/v1/evaluate/flags/color", big, "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST(ReadTokens, SkipsBlanksAndCommentsAndRefusesAnEmptyFile) {
  const auto dir = std::filesystem::temp_directory_path() / "cutover-read-tokens";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "tokens") << "# comment\n\n  first \r\nsecond\n";
    std::ofstream(dir / "empty") << "# nothing\n\n";
  }
  const auto tokens = read_tokens((dir / "tokens").string());
  ASSERT_TRUE(tokens) << tokens.error();
  EXPECT_EQ(*tokens, (std::vector<std::string>{"first", "second"}));
  const auto empty = read_tokens((dir / "empty").string());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().find("holds no token"), std::string::npos);
  EXPECT_FALSE(read_tokens((dir / "absent").string()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cutover::flag_server
