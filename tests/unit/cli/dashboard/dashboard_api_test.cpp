// The dashboard's routes with fakes: the door (401 on every path without a valid token, 421 for
// another Host, security headers on every answer), RBAC per namespace and per action, sessions
// with their CSRF token, the one-time login link, read-only. The real API server's reviews are
// tests/e2e/dashboard's.
#include "dashboard/dashboard_api.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "dashboard/fake_reviewer.hpp"
#include "dashboard/web_guard.hpp"
#include "fakes/fake_kube_client.hpp"

namespace cutover::dashboard {
namespace {

using nlohmann::json;

class FakeRequest final : public net::ServerRequest {
 public:
  std::string method_ = "GET";
  std::string path_ = "/";
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> queries;
  std::map<std::string, std::string> cookies;
  std::string body_;
  bool too_large = false;

  [[nodiscard]] std::string_view method() const override { return method_; }
  [[nodiscard]] std::string_view path() const override { return path_; }
  [[nodiscard]] std::string_view header(const char* name) const override {
    std::string lower(name);
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto found = headers.find(lower);
    return found == headers.end() ? std::string_view{} : std::string_view(found->second);
  }
  [[nodiscard]] std::string_view query(const char* name) const override {
    const auto found = queries.find(name);
    return found == queries.end() ? std::string_view{} : std::string_view(found->second);
  }
  [[nodiscard]] std::string_view cookie(const char* name) const override {
    const auto found = cookies.find(name);
    return found == cookies.end() ? std::string_view{} : std::string_view(found->second);
  }
  [[nodiscard]] std::string_view body() const override { return body_; }
  [[nodiscard]] bool body_too_large() const override { return too_large; }
};

json rollout(const std::string& ns) {
  return json::parse(R"({
    "apiVersion": "cutover.dev/v1alpha1", "kind": "Rollout",
    "metadata": {"name": "web", "namespace": ")" +
                     ns + R"(", "uid": "uid-secret-1"},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "web:2"}]}},
             "strategy": {"canary": {"stableService": "web-stable",
                                     "steps": [{"setWeight": 50}, {"pause": {}}]}}},
    "status": {"phase": "Paused", "currentRevision": "r2", "stableRevision": "r1",
               "currentStepIndex": 1, "pauseConditions": [{"reason": "PausedStep",
               "startTime": "2026-12-05T09:00:00Z"}]}})");
}

class Releases final : public ReleaseSource {
 public:
  [[nodiscard]] std::vector<json> list(const ReleaseKind& kind) const override {
    if (std::string_view(kind.api_kind) != "Rollout")
      return {};
    return {rollout("shop"), rollout("other")};
  }
};

class DashboardApiTest : public ::testing::Test {
 protected:
  DashboardApiTest() {
    own->users = {{"alice-token", {.username = "alice", .groups = {"releasers"}}},
                  {"bob-token", {.username = "bob", .groups = {"viewers"}}}};
    // alice may do anything in shop; bob may only look there; nobody may anything in other.
    own->rule = [](const UserInfo& user, const json& a) {
      if (a.value("namespace", "") != "shop")
        return false;
      const std::string verb = a.value("verb", "");
      return user.username == "alice" || verb == "get" || verb == "list";
    };
    client->seed({"cutover.dev/v1alpha1", "Rollout", "shop"}, rollout("shop"));
    api.set_port(3100);
  }

  net::ServerResponse send(FakeRequest request) {
    if (!request.headers.contains("host"))
      request.headers["host"] = "127.0.0.1:3100";
    return api.handle(request);
  }
  FakeRequest as(const std::string& token, std::string method, std::string path) {
    FakeRequest request;
    request.method_ = std::move(method);
    request.path_ = std::move(path);
    if (!token.empty())
      request.headers["authorization"] = "Bearer " + token;
    return request;
  }
  static std::string header(const net::ServerResponse& answer, const std::string& name) {
    for (const auto& [key, value] : answer.headers)
      if (key == name)
        return value;
    return "";
  }
  json stored() { return *client->get({"cutover.dev/v1alpha1", "Rollout", "shop"}, "web"); }

  std::shared_ptr<testing::FakeReviewer> own = std::make_shared<testing::FakeReviewer>();
  std::shared_ptr<cutover::testing::FakeKubeClient> client =
      std::make_shared<cutover::testing::FakeKubeClient>();
  AccessControl access{own, [this](const std::string&) { return client; }};
  SessionStore sessions;
  Releases releases;
  EventHub hub{access};
  DashboardApi api{access, sessions, releases, hub, {.read_only = false, .loopback_only = true}};
};

TEST_F(DashboardApiTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const auto& answer :
       {send(as("", "GET", "/healthz")), send(as("", "GET", "/api/v1/rollouts")),
        send(as("alice-token", "GET", "/api/v1/rollouts"))}) {
    EXPECT_NE(header(answer, "Content-Security-Policy").find("script-src 'self'"),
              std::string::npos);
    EXPECT_EQ(header(answer, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(answer, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header(answer, "Cache-Control"), "no-store");
    EXPECT_EQ(header(answer, "Access-Control-Allow-Origin"), "");
  }
}

TEST_F(DashboardApiTest, WithoutAValidTokenEveryPathIs401AndSaysNothing) {
  for (const std::string token : {"", "not-a-token"}) {
    for (const char* path :
         {"/", "/index.html", "/assets/app.js", "/api/v1/rollouts", "/api/v1/stream",
          "/api/v1/session", "/api/v1/namespaces/shop/rollouts/web", "/namespaces/shop/x/y"}) {
      const auto answer = send(as(token, "GET", path));
      EXPECT_EQ(answer.status, 401) << path << " token '" << token << "'";
      EXPECT_EQ(answer.body.find("shop"), std::string::npos) << answer.body;
      EXPECT_EQ(answer.body.find("uid-secret-1"), std::string::npos) << answer.body;
      EXPECT_FALSE(answer.stream) << path;
    }
    auto post = as(token, "POST", "/api/v1/namespaces/shop/rollouts/web/promote");
    post.too_large = true;  // a huge body still meets the door first
    EXPECT_EQ(send(post).status, 401);
  }
  EXPECT_EQ(stored()["status"].value("promotedBy", ""), "");
}

TEST_F(DashboardApiTest, AHostOtherThanLoopbackIsNotAnswered) {
  auto request = as("alice-token", "GET", "/api/v1/rollouts");
  request.headers["host"] = "attacker.example:3100";
  EXPECT_EQ(send(request).status, 421);
  request.headers["host"] = "localhost:3100";
  EXPECT_EQ(send(request).status, 200);
}

TEST_F(DashboardApiTest, ListsShowOnlyTheNamespacesTheUserMayList) {
  const auto answer = send(as("bob-token", "GET", "/api/v1/rollouts"));
  ASSERT_EQ(answer.status, 200);
  const json body = json::parse(answer.body);
  ASSERT_EQ(body["items"].size(), 1U);
  EXPECT_EQ(body["items"][0]["namespace"], "shop");
  EXPECT_EQ(body["items"][0]["phase"], "Paused");
  EXPECT_EQ(body["items"][0]["step"], "1/2");
}

TEST_F(DashboardApiTest, APromoteIsRecordedAsTheUserWhoMadeIt) {
  const auto answer =
      send(as("alice-token", "POST", "/api/v1/namespaces/shop/rollouts/web/promote"));
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body)["outcome"], "promoted: on to the next step");
  EXPECT_EQ(stored()["status"]["promotedBy"], "alice via the dashboard");
  EXPECT_EQ(stored()["status"]["pauseConditions"], json::array());
  // The review asked was for the status subresource of that Rollout.
  EXPECT_NE(own->last_sent().dump().find(R"("subresource":"status")"), std::string::npos);
}

TEST_F(DashboardApiTest, PromoteFullSkipsTheRemainingSteps) {
  auto request = as("alice-token", "POST", "/api/v1/namespaces/shop/rollouts/web/promote");
  request.body_ = R"({"full": true})";
  ASSERT_EQ(send(request).status, 200);
  EXPECT_EQ(stored()["status"]["promoteFull"], true);
  EXPECT_EQ(stored()["status"]["promotedBy"], "alice via the dashboard (promote full)");
  request.body_ = "[not json";
  EXPECT_EQ(send(request).status, 400);
}

TEST_F(DashboardApiTest, AUserWhoMayOnlyLookIsRefusedWithTheRuleToAsk) {
  const auto answer = send(as("bob-token", "POST", "/api/v1/namespaces/shop/rollouts/web/promote"));
  EXPECT_EQ(answer.status, 403);
  EXPECT_NE(answer.body.find(R"(verb \"patch\" on resource \"rollouts/status\")"),
            std::string::npos)
      << answer.body;
  EXPECT_EQ(stored()["status"].value("promotedBy", ""), "");
  EXPECT_EQ(send(as("bob-token", "GET", "/api/v1/namespaces/other/rollouts/web")).status, 403);
}

TEST_F(DashboardApiTest, SessionWritesNeedTheCsrfTokenAndASameOriginRequest) {
  auto login = as("", "POST", "/login");
  login.body_ = "token=alice-token%0A";  // a pasted token often ends with a newline
  const auto logged = send(login);
  ASSERT_EQ(logged.status, 303);
  const std::string cookie = header(logged, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string id =
      cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);

  auto session = as("", "GET", "/api/v1/session");
  session.cookies[kSessionCookie] = id;
  const auto who = send(session);
  ASSERT_EQ(who.status, 200);
  const std::string csrf = json::parse(who.body)["csrfToken"];

  auto pause = as("", "POST", "/api/v1/namespaces/shop/rollouts/web/pause");
  pause.cookies[kSessionCookie] = id;
  EXPECT_EQ(send(pause).status, 403);  // no CSRF token
  pause.headers["x-csrf-token"] = "wrong";
  EXPECT_EQ(send(pause).status, 403);
  pause.headers["x-csrf-token"] = csrf;
  pause.headers["sec-fetch-site"] = "cross-site";
  EXPECT_EQ(send(pause).status, 403);
  EXPECT_FALSE(stored()["spec"].value("paused", false));
  pause.headers["sec-fetch-site"] = "same-origin";
  EXPECT_EQ(send(pause).status, 200);
  EXPECT_TRUE(stored()["spec"]["paused"]);
  EXPECT_EQ(stored()["metadata"]["annotations"]["cutover.dev/pause-changed-by"],
            "paused by alice via the dashboard");
}

TEST_F(DashboardApiTest, TheLoginLinkWorksOnce) {
  auto bad = as("", "GET", "/login");
  bad.queries["token"] = "guess";
  EXPECT_EQ(send(bad).status, 401);
  api.set_link_caller({{.username = "cutover-admin"}, client});
  auto link = as("", "GET", "/login");
  link.queries["token"] = sessions.add_login_link();
  const auto first = send(link);
  EXPECT_EQ(first.status, 303);
  EXPECT_EQ(header(first, "Location"), "/");
  EXPECT_EQ(send(link).status, 401);
}

TEST_F(DashboardApiTest, ReadOnlyRefusesEveryAction) {
  DashboardApi read_only{access, sessions, releases, hub, {.read_only = true}};
  read_only.set_port(3100);
  auto request = as("alice-token", "POST", "/api/v1/namespaces/shop/rollouts/web/promote");
  request.headers["host"] = "127.0.0.1:3100";
  const auto answer = read_only.handle(request);
  EXPECT_EQ(answer.status, 403);
  EXPECT_EQ(json::parse(answer.body)["error"], "read_only");
}

TEST_F(DashboardApiTest, UnknownActionsAndPathsAre404) {
  EXPECT_EQ(send(as("alice-token", "POST", "/api/v1/namespaces/shop/rollouts/web/explode")).status,
            404);
  EXPECT_EQ(send(as("alice-token", "POST", "/api/v1/namespaces/shop/migrations/web/pause")).status,
            404);
  EXPECT_EQ(send(as("alice-token", "GET", "/api/v2/rollouts")).status, 404);
  EXPECT_EQ(send(as("alice-token", "GET", "/api/v1/nothing")).status, 404);
}

}  // namespace
}  // namespace cutover::dashboard
