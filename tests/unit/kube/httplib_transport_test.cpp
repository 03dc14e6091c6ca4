// The transport's connection pool against a real HTTP server on 127.0.0.1 that closes idle
// keep-alive connections (as kube-apiserver does): the next request after the close must
// succeed, not fail on the dead connection.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "kube/http_transport.hpp"
#include "kube/rest_config.hpp"

namespace cutover::kube {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// An HTTP or HTTPS server (a throwaway self-signed certificate for 127.0.0.1) whose idle
// keep-alive connections close after one second.
class IdleClosingServer : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      dir_ = std::filesystem::temp_directory_path() /
             ("cutover-tls-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
              "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
      std::filesystem::create_directories(dir_);
      const std::string command =
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
          "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
          (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() +
          " >/dev/null 2>&1";
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
      server_ = std::make_unique<httplib::SSLServer>((dir_ / "cert.pem").c_str(),
                                                     (dir_ / "key.pem").c_str());
    } else {
      server_ = std::make_unique<httplib::Server>();
    }
    server_->set_keep_alive_timeout(1);  // seconds: the server closes an idle connection
    server_->Get("/ping", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("pong", "text/plain");
    });
    server_->Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.body, "text/plain");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  void TearDown() override {
    if (server_)
      server_->stop();
    if (thread_.joinable())
      thread_.join();
    if (!dir_.empty())
      std::filesystem::remove_all(dir_);
  }
  RestConfig config() const {
    RestConfig c;
    c.scheme = GetParam() ? "https" : "http";
    c.host = "127.0.0.1";
    c.port = port_;
    c.server = c.scheme + "://127.0.0.1:" + std::to_string(port_);
    c.source = "kubeconfig test";
    if (GetParam())
      c.tls.ca_pem = read_file(dir_ / "cert.pem");
    return c;
  }

  std::filesystem::path dir_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

INSTANTIATE_TEST_SUITE_P(HttpAndHttps, IdleClosingServer, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "https" : "http";
                         });

TEST_P(IdleClosingServer, ARequestAfterTheServerClosedAnIdleConnectionSucceeds) {
  auto transport = make_http_transport(config());
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  for (const char* method : {"GET", "POST", "GET"}) {
    HttpRequest request;
    request.method = method;
    request.target = std::string(method) == "GET" ? "/ping" : "/echo";
    request.body = std::string(method) == "GET" ? "" : "hello";
    const auto response = (*transport)->send(request);
    ASSERT_TRUE(response.has_value()) << method << ": " << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, std::string(method) == "GET" ? "pong" : "hello");
    // Longer than the server's keep-alive timeout: the pooled connection is closed under us.
    std::this_thread::sleep_for(std::chrono::milliseconds{1200});
  }
}

}  // namespace
}  // namespace cutover::kube
