#include "kube/rest_client.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_process_runner.hpp"
#include "fakes/fake_transport.hpp"

namespace cutover::kube {
namespace {

using testing::FakeClock;
using testing::FakeProcessRunner;
using testing::FakeTransport;

const char* kCoreDiscovery = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
  {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list"]},
  {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get"]},
  {"name":"namespaces/status","namespaced":false,"kind":"Namespace","verbs":["get"]}]})";
const char* kAppsDiscovery = R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
  {"name":"deployments","namespaced":true,"kind":"Deployment"},
  {"name":"deployments/scale","namespaced":true,"kind":"Scale","group":"autoscaling"}]})";

HttpResponse ok(std::string body) {
  return {200, std::move(body), "", "application/json"};
}

struct Harness {
  explicit Harness(FakeTransport::Responder responder, RestConfig config = token_config()) {
    auto transport_ptr = std::make_unique<FakeTransport>(std::move(responder));
    transport = transport_ptr.get();
    client = std::make_unique<RestClient>(std::move(config), std::move(transport_ptr),
                                          ClientOptions{}, clock, runner);
  }
  static RestConfig token_config() {
    RestConfig config;
    config.server = "https://127.0.0.1:6443";
    config.namespace_name = "team-a";
    config.auth.method = AuthMethod::token;
    config.auth.token = "s3cr3t";
    return config;
  }
  FakeClock clock;
  FakeProcessRunner runner;
  FakeTransport* transport = nullptr;
  std::unique_ptr<RestClient> client;
};

HttpResponse discovery_or(const HttpRequest& request, HttpResponse other) {
  if (request.target == "/api/v1")
    return ok(kCoreDiscovery);
  if (request.target == "/apis/apps/v1")
    return ok(kAppsDiscovery);
  return other;
}

TEST(RestClient, BuildsNamespacedAndClusterPathsFromDiscovery) {
  Harness h([](const HttpRequest& r) { return discovery_or(r, ok(R"({"kind":"X"})")); });
  ASSERT_TRUE(h.client->get({"v1", "ConfigMap", ""}, "settings"));
  ASSERT_TRUE(h.client->get({"v1", "ConfigMap", "other"}, "x", "status"));
  ASSERT_TRUE(h.client->get({"v1", "Namespace", "ignored"}, "prod"));
  ASSERT_TRUE(h.client->get({"apps/v1", "Deployment", ""}, "web", kScale));
  std::vector<std::string> targets;
  for (const auto& r : h.transport->requests)
    targets.push_back(r.target);
  // Discovery is fetched once per group-version and then cached.
  EXPECT_EQ(targets,
            (std::vector<std::string>{"/api/v1", "/api/v1/namespaces/team-a/configmaps/settings",
                                      "/api/v1/namespaces/other/configmaps/x/status",
                                      "/api/v1/namespaces/prod", "/apis/apps/v1",
                                      "/apis/apps/v1/namespaces/team-a/deployments/web/scale"}));
}

TEST(RestClient, UnknownKindNamesTheFix) {
  Harness h([](const HttpRequest& r) {
    return discovery_or(r, HttpResponse{404, R"({"kind":"Status","reason":"NotFound"})", "", ""});
  });
  auto missing_kind = h.client->get({"v1", "Rollout", ""}, "x");
  ASSERT_FALSE(missing_kind);
  EXPECT_EQ(missing_kind.error().reason, ErrorReason::not_found);
  EXPECT_NE(missing_kind.error().message.find("install the CRD"), std::string::npos);
  auto missing_group = h.client->get({"cutover.dev/v1alpha1", "Rollout", ""}, "x");
  ASSERT_FALSE(missing_group);
  EXPECT_NE(missing_group.error().message.find("does not serve cutover.dev/v1alpha1"),
            std::string::npos);
}

TEST(RestClient, SendsAuthUserAgentAndDecodesErrors) {
  Harness h([](const HttpRequest& r) {
    return discovery_or(r, HttpResponse{409, R"({"kind":"Status","reason":"Conflict",
      "message":"the object has been modified"})",
                                        "", ""});
  });
  auto result = h.client->update({"v1", "ConfigMap", ""},
                                 {{"metadata", {{"name", "a"}, {"resourceVersion", "1"}}}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().reason, ErrorReason::conflict);
  const auto& put = h.transport->requests.back();
  EXPECT_EQ(put.method, "PUT");
  auto header = [&](const std::string& name) {
    for (const auto& [k, v] : put.headers) {
      if (k == name)
        return v;
    }
    return std::string{};
  };
  EXPECT_EQ(header("Authorization"), "Bearer s3cr3t");
  EXPECT_TRUE(header("User-Agent").starts_with("cutover/"));
  EXPECT_EQ(header("Accept"), "application/json");
}

TEST(RestClient, ApplyUsesFieldManagerForceAndApplyContentType) {
  Harness h([](const HttpRequest& r) { return discovery_or(r, ok("{}")); });
  ASSERT_TRUE(h.client->apply({"v1", "ConfigMap", ""}, {{"metadata", {{"name", "a b"}}}},
                              {"my manager", Force::yes}));
  const auto& patch = h.transport->requests.back();
  EXPECT_EQ(patch.method, "PATCH");
  EXPECT_EQ(patch.target,
            "/api/v1/namespaces/team-a/configmaps/a%20b?fieldManager=my%20manager&force=true");
  EXPECT_EQ(patch.content_type, "application/apply-patch+yaml");
}

TEST(RestClient, PatchTypesMapToContentTypes) {
  Harness h([](const HttpRequest& r) { return discovery_or(r, ok("{}")); });
  const ResourceRef cm{"v1", "ConfigMap", ""};
  ASSERT_TRUE(h.client->patch(cm, "a", PatchType::json_merge, Json::object()));
  EXPECT_EQ(h.transport->requests.back().content_type, "application/merge-patch+json");
  ASSERT_TRUE(h.client->patch(cm, "a", PatchType::strategic_merge, Json::object()));
  EXPECT_EQ(h.transport->requests.back().content_type, "application/strategic-merge-patch+json");
  ASSERT_TRUE(h.client->patch(cm, "a", PatchType::json_patch, Json::array()));
  EXPECT_EQ(h.transport->requests.back().content_type, "application/json-patch+json");
}

TEST(RestClient, DeleteSendsPropagationAndPrecondition) {
  Harness h([](const HttpRequest& r) { return discovery_or(r, ok("{}")); });
  ASSERT_TRUE(h.client->remove({"v1", "ConfigMap", ""}, "a", {Propagation::foreground, "42"}));
  const auto body = Json::parse(h.transport->requests.back().body);
  EXPECT_EQ(body["propagationPolicy"], "Foreground");
  EXPECT_EQ(body["preconditions"]["resourceVersion"], "42");
}

TEST(RestClient, ListAllFollowsContinueTokens) {
  Harness h([](const HttpRequest& r) {
    if (r.target.find("continue=page2") != std::string::npos) {
      return ok(R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"9"},
                    "items":[{"metadata":{"name":"c"}}]})");
    }
    if (r.target.starts_with("/api/v1/namespaces/team-a/configmaps")) {
      return ok(R"({"kind":"ConfigMapList","metadata":{"continue":"page2","resourceVersion":"9"},
                    "items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})");
    }
    return discovery_or(r, HttpResponse{404, "", "", ""});
  });
  auto list = h.client->list_all({"v1", "ConfigMap", ""}, {.label_selector = "app=web"});
  ASSERT_TRUE(list) << list.error().describe();
  EXPECT_EQ((*list)["items"].size(), 3U);
  EXPECT_FALSE((*list)["metadata"].contains("continue"));
  EXPECT_EQ(h.transport->requests[1].target,
            "/api/v1/namespaces/team-a/configmaps?labelSelector=app%3Dweb&limit=500");
}

TEST(RestClient, RetriesA429AfterRetryAfter) {
  int calls = 0;
  Harness h([&calls](const HttpRequest& r) {
    if (r.target == "/api/v1")
      return ok(kCoreDiscovery);
    return ++calls == 1 ? HttpResponse{429, "", "2", ""} : ok("{}");
  });
  ASSERT_TRUE(h.client->get({"v1", "ConfigMap", ""}, "a"));
  EXPECT_EQ(calls, 2);
  ASSERT_FALSE(h.clock.sleeps.empty());
  EXPECT_EQ(h.clock.sleeps.back(), std::chrono::seconds{2});
}

TEST(RestClient, A401ReRunsTheExecPluginOnce) {
  RestConfig config = Harness::token_config();
  config.auth.method = AuthMethod::exec;
  config.auth.exec =
      ExecConfig{"client.authentication.k8s.io/v1", "fake-plugin", {}, {}, "", false, ""};
  int calls = 0;
  Harness h(
      [&calls](const HttpRequest& r) {
        if (r.target == "/api/v1")
          return ok(kCoreDiscovery);
        ++calls;
        for (const auto& [k, v] : r.headers) {
          if (k == "Authorization" && v == "Bearer fresh")
            return ok("{}");
        }
        return HttpResponse{401, R"({"kind":"Status","reason":"Unauthorized"})", "", ""};
      },
      config);
  auto credential = [](const char* token) {
    return ProcessResult{0,
                         std::string(R"({"apiVersion":"client.authentication.k8s.io/v1",
      "kind":"ExecCredential","status":{"token":")") +
                             token + R"("}})",
                         ""};
  };
  h.runner.results = {credential("stale"), credential("fresh")};
  auto result = h.client->get({"v1", "ConfigMap", ""}, "a");
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(h.client->credentials().exec_runs(), 2);
}

TEST(RestClient, ListQueryEncodesEverything) {
  EXPECT_EQ(list_query({}), "");
  EXPECT_EQ(list_query({.label_selector = "a in (x,y)",
                        .field_selector = "metadata.name=b",
                        .limit = 5,
                        .continue_token = "t/=",
                        .resource_version = "0"}),
            "?labelSelector=a%20in%20%28x%2Cy%29&fieldSelector=metadata.name%3Db&limit=5&"
            "continue=t%2F%3D&resourceVersion=0");
}

}  // namespace
}  // namespace cutover::kube
