// OFREP over HTTP on a loopback port: readiness, bearer tokens, CORS, ETag/304 and body limits.
#include "ofrep_http.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>

#include "ofrep_listener.hpp"

namespace cutover::flag_server {
namespace {

using flags::Json;

Json feature_flag() {
  return Json::parse(R"({"metadata": {"namespace": "shop", "name": "flags",
                                       "resourceVersion": "1"},
                          "spec": {"flagSpec": {"flags": {"color": {"state": "ENABLED",
                            "variants": {"red": "red"}, "defaultVariant": "red"}}}}})");
}

class OfrepHttpTest : public ::testing::Test {
 protected:
  void start(OfrepHttpOptions options) {
    // cpp-httplib's client writes without MSG_NOSIGNAL: a request the server refuses before it
    // has read it all (431) would kill the test with SIGPIPE. Our binaries ignore it too
    // (httplib_transport.cpp).
    std::signal(SIGPIPE, SIG_IGN);
    catalog_.upsert(feature_flag());
    http_.emplace(catalog_, std::move(options), metrics_, [this] { return ready_.load(); });
    auto listener = OfrepListener::start(*http_, "127.0.0.1:0", "--bind-address", 2);
    ASSERT_TRUE(listener) << listener.error();
    listener_ = std::move(*listener);
    ASSERT_GT(listener_->port(), 0);
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", listener_->port()); }

  flags::FlagCatalog catalog_;
  FlagsMetrics metrics_;
  std::atomic<bool> ready_{true};
  std::optional<OfrepHttp> http_;
  std::unique_ptr<OfrepListener> listener_;
};

TEST_F(OfrepHttpTest, EvaluatesOneFlagAndAll) {
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

TEST_F(OfrepHttpTest, UnchangedBulkRefetchIs304) {
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

TEST_F(OfrepHttpTest, NotReadyIs503WithRetryAfter) {
  ready_ = false;
  start({});
  auto http = client();
  const auto response = http.Post("/ofrep/v1/evaluate/flags/color", "{}", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->get_header_value("Retry-After"), "1");
}

TEST_F(OfrepHttpTest, TokensAreRequiredWhenConfigured) {
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

TEST_F(OfrepHttpTest, CorsPreflightNeedsNoTokenAndAllowedOriginsAreEchoed) {
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

TEST_F(OfrepHttpTest, OtherMethodsAre405NamingPost) {
  start({});
  auto http = client();
  const auto response = http.Get("/ofrep/v1/evaluate/flags/color");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->get_header_value("Allow"), "POST, OPTIONS");
}

TEST_F(OfrepHttpTest, BodiesOverOneMebibyteAre413) {
  start({});
  auto http = client();
  const std::string big(1024 * 1024 + 1, ' ');
  const auto response = http.Post("/ofrep/v1/evaluate/flags/color", big, "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST_F(OfrepHttpTest, ABodyOfExactlyOneMebibyteIsRead) {
  start({});
  auto http = client();
  std::string body = R"({"context": {"targetingKey": "k"}})";
  body.resize(kMaxOfrepBody, ' ');
  const auto response = http.Post("/ofrep/v1/evaluate/flags/color", body, "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
}

TEST_F(OfrepHttpTest, OneKeepAliveConnectionServesManyRequests) {
  start({});
  auto http = client();
  http.set_keep_alive(true);
  // One write per request, as Go's and Node's clients send it (cpp-httplib's client writes the
  // body apart, and Nagle would hold it for the server's delayed ACK).
  http.set_tcp_nodelay(true);
  for (int i = 0; i < 300; ++i) {
    const auto response = http.Post("/ofrep/v1/evaluate/flags/color",
                                    R"({"context": {"targetingKey": "u"}})", "application/json");
    ASSERT_TRUE(response) << "request " << i;
    ASSERT_EQ(response->status, 200) << "request " << i;
  }
}

// libmicrohttpd's default limit is 1020 connections: the 1021st client waited in the accept
// queue until an idle one timed out (30 s). 1,100 open connections are all answered at once.
TEST_F(OfrepHttpTest, MoreThanATousandOpenConnectionsAreAllServed) {
  constexpr int kConnections = 1100;
  rlimit files{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
  if (files.rlim_max < 2 * kConnections + 200)
    GTEST_SKIP() << "the hard limit on open files (" << files.rlim_max << ") is too low";
  start({});  // raises the soft limit to the hard one
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(listener_->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string body = R"({"context": {"targetingKey": "u"}})";
  const std::string request =
      "POST /ofrep/v1/evaluate/flags/color HTTP/1.1\r\nHost: t\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  std::vector<int> sockets;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0) << "socket " << i;
    sockets.push_back(fd);
    ASSERT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
        << "connect " << i;
  }
  int answered = 0;
  for (const int fd : sockets) {
    ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 2000) == 1) {
      char head[16] = {};
      if (recv(fd, head, sizeof head - 1, 0) > 0 &&
          std::string_view(head).starts_with("HTTP/1.1 200"))
        ++answered;
    }
  }
  for (const int fd : sockets)
    close(fd);
  EXPECT_EQ(answered, kConnections);
}

// A connection's memory holds a header block of several KiB (a long bearer token, a browser's
// headers); a much longer one is refused. libmicrohttpd answers 431 and closes at once: a client
// still writing the rest may see the connection reset instead of the answer (a race in TCP, not
// in us), so the refusal is what is asserted, and 431 whenever the answer arrives.
TEST_F(OfrepHttpTest, LongHeadersFitAndTooLongOnesAreRefused) {
  start({});
  auto http = client();
  const auto fits =
      http.Post("/ofrep/v1/evaluate/flags/color", {{"X-Padding", std::string(8 * 1024, 'a')}}, "{}",
                "application/json");
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);

  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(listener_->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  const std::string request =
      "POST /ofrep/v1/evaluate/flags/color HTTP/1.1\r\nHost: t\r\n"
      "X-Padding: " +
      std::string(64 * 1024, 'a') + "\r\nContent-Length: 2\r\n\r\n{}";
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      break;  // refused before the end: the server closed
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  pollfd ready{fd, POLLIN, 0};
  while (poll(&ready, 1, 5000) == 1) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0)
      break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  EXPECT_FALSE(answer.starts_with("HTTP/1.1 200")) << answer.substr(0, 200);
  if (!answer.empty()) {
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 431")) << answer.substr(0, 200);
  }
}

TEST_F(OfrepHttpTest, PathsOutsideTheTwoEndpointsAre404) {
  start({});
  auto http = client();
  for (const char* path : {"/", "/healthz", "/ofrep/v1/evaluate", "/ofrep/v1/evaluate/flagsx"}) {
    const auto response = http.Post(path, "{}", "application/json");
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
  }
  const auto unknown = http.Post("/ofrep/v1/evaluate/flags/nope", "{}", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(Json::parse(unknown->body)["errorCode"], "FLAG_NOT_FOUND");
}

TEST_F(OfrepHttpTest, ABusyOrMalformedAddressIsAnErrorNamingTheFlag) {
  start({});
  const std::string taken = "127.0.0.1:" + std::to_string(listener_->port());
  const auto busy = OfrepListener::start(*http_, taken, "--bind-address", 1);
  ASSERT_FALSE(busy);
  EXPECT_NE(busy.error().find("cannot listen on " + taken + " (--bind-address)"), std::string::npos)
      << busy.error();
  EXPECT_NE(busy.error().find("in use"), std::string::npos) << busy.error();
  const auto malformed = OfrepListener::start(*http_, "8016", "--bind-address", 1);
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().find("--bind-address"), std::string::npos) << malformed.error();
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
