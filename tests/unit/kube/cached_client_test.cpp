// CachedClient: reads of a kind an informer serves come from its store, with no request; writes
// go to the server and what they return is read back into the store, so a stale cache cannot
// undo them.
#include "kube/cached_client.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.hpp"

namespace cutover::kube {
namespace {

const ResourceRef kPods{"v1", "Pod", "shop"};
const ResourceRef kDeployments{"apps/v1", "Deployment", "shop"};
const ResourceRef kConfigMaps{"v1", "ConfigMap", "shop"};

Json pod(const std::string& name, const std::string& rollout, const std::string& slot) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", "shop"},
            {"resourceVersion", "5"},
            {"labels", {{"cutover.dev/rollout", rollout}, {"cutover.dev/slot", slot}}}}}};
}

Json deployment(const std::string& name, int replicas, const std::string& rv) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata",
           {{"name", name}, {"namespace", "shop"}, {"resourceVersion", rv}, {"generation", 3}}},
          {"spec", {{"replicas", replicas}}}};
}

class CachedClientTest : public ::testing::Test {
 protected:
  testing::FakeKubeClient server;
  Informer pods{server, kPods, {}, [] { return 0.5; }, "cutover.dev/rollout"};
  Informer deployments{server, kDeployments, {}, [] { return 0.5; }};
  CachedClient client{server};

  void SetUp() override {
    pods.prime(
        "10", {pod("web-a-1", "web", "a"), pod("web-b-1", "web", "b"), pod("pay-a-1", "pay", "a")});
    deployments.prime("10", {deployment("web-a", 2, "7")});
    client.serve(pods);
    client.serve(deployments);
  }
};

TEST_F(CachedClientTest, ReadsOfServedKindsMakeNoRequest) {
  auto got = client.get(kDeployments, "web-a");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["spec"]["replicas"], 2);
  auto missing = client.get(kDeployments, "web-b");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, ErrorReason::not_found);
  auto listed =
      client.list(kPods, {.label_selector = "cutover.dev/rollout=web,cutover.dev/slot=b"});
  ASSERT_TRUE(listed);
  ASSERT_EQ((*listed)["items"].size(), 1U);
  EXPECT_EQ((*listed)["items"][0]["metadata"]["name"], "web-b-1");
  EXPECT_EQ((*client.list_all(kPods, {.label_selector = "cutover.dev/rollout"}))["items"].size(),
            3U);
  EXPECT_TRUE(server.log.empty()) << server.log.front();
  EXPECT_EQ(client.cache_reads(), 4U);
  EXPECT_EQ(client.server_reads(), 0U);
}

TEST_F(CachedClientTest, WhatTheCacheCannotAnswerGoesToTheServer) {
  (void)client.get(kConfigMaps, "settings");                     // no informer for the kind
  (void)client.get({"v1", "Pod", "other"}, "x");                 // a namespace it does not watch
  (void)client.get(kDeployments, "web-a", kScale);               // a subresource
  (void)client.list(kPods, {.label_selector = "app in (web)"});  // a set-based selector
  (void)client.list(kPods, {.field_selector = "metadata.name=x"});
  EXPECT_EQ(server.log.size(), 5U);
  EXPECT_EQ(client.server_reads(), 5U);
}

TEST_F(CachedClientTest, AWriteIsReadBackSoTheNextReadSeesIt) {
  server.seed(kDeployments, deployment("web-a", 2, "7"));  // the server's copy (rv 101)
  auto patched = client.patch(kDeployments, "web-a", PatchType::json_merge,
                              {{"metadata", {{"annotations", {{"x", "y"}}}}}});
  ASSERT_TRUE(patched);
  auto got = client.get(kDeployments, "web-a");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["metadata"]["annotations"]["x"], "y");
  // The watch event of the version before the write arrives late: it changes nothing.
  deployments.store().upsert(deployment("web-a", 2, "100"));
  EXPECT_EQ((*client.get(kDeployments, "web-a"))["metadata"]["annotations"]["x"], "y");
}

TEST_F(CachedClientTest, AScaleWriteMovesTheCachedReplicasAndGeneration) {
  server.seed(kDeployments, deployment("web-a", 2, "7"));
  ASSERT_TRUE(client.patch(kDeployments, "web-a", PatchType::json_merge,
                           {{"spec", {{"replicas", 5}}}}, kScale));
  const auto got = client.get(kDeployments, "web-a");
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["spec"]["replicas"], 5);
  EXPECT_EQ((*got)["metadata"]["generation"], 4) << "the controller has not seen it yet";
}

TEST_F(CachedClientTest, ADeleteLeavesTheStore) {
  server.seed(kPods, pod("web-a-1", "web", "a"));
  ASSERT_TRUE(client.remove(kPods, "web-a-1"));
  EXPECT_FALSE(client.get(kPods, "web-a-1"));
}

TEST(CachedClient, AnUnsyncedInformerIsNotTrusted) {
  testing::FakeKubeClient server;
  Informer pods{server, kPods, {}, [] { return 0.5; }};
  CachedClient client{server};
  client.serve(pods);
  (void)client.get(kPods, "web-a-1");
  EXPECT_EQ(server.log.size(), 1U) << "not listed yet: \"not in the store\" proves nothing";
}

}  // namespace
}  // namespace cutover::kube
