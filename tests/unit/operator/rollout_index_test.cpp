// RolloutIndex: an event on a Service, an adopted Deployment or an SLO policy must wake exactly
// the Rollouts that name it.
#include "rollout_index.hpp"

#include <gtest/gtest.h>

namespace cutover::op {
namespace {

using Json = kube::Json;

kube::WatchEvent rollout_event(kube::WatchEventType type, const std::string& ns,
                               const std::string& name, const Json& strategy) {
  return {type,
          {{"metadata", {{"namespace", ns}, {"name", name}}}, {"spec", {{"strategy", strategy}}}}};
}

TEST(RolloutIndex, MapsServicesToTheRolloutsThatNameThem) {
  RolloutIndex index;
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web",
                             {{"canary", {{"stableService", "web"}, {"canaryService", "web-c"}}}}));
  index.update(
      rollout_event(kube::WatchEventType::added, "shop", "pay",
                    {{"blueGreen", {{"activeService", "pay"}, {"previewService", "web"}}}}));
  index.update(rollout_event(kube::WatchEventType::added, "other", "web",
                             {{"canary", {{"stableService", "web"}}}}));
  EXPECT_EQ(index.rollouts_naming(Reference::service, "shop/web"),
            (std::vector<std::string>{"shop/pay", "shop/web"}));
  EXPECT_EQ(index.rollouts_naming(Reference::service, "shop/web-c"),
            std::vector<std::string>{"shop/web"});
  EXPECT_EQ(index.rollouts_naming(Reference::service, "other/web"),
            std::vector<std::string>{"other/web"});
  EXPECT_TRUE(index.rollouts_naming(Reference::service, "shop/nobody").empty());
}

TEST(RolloutIndex, KnowsWhichRolloutsAreThisShards) {
  RolloutIndex index;
  EXPECT_FALSE(index.has_rollout("shop/web")) << "never seen: another shard's, or not yet listed";
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web", Json::object()));
  EXPECT_TRUE(index.has_rollout("shop/web")) << "a Rollout that names no Service is ours too";
  EXPECT_FALSE(index.has_rollout("shop/pay"));
  index.update(rollout_event(kube::WatchEventType::deleted, "shop", "web", Json::object()));
  EXPECT_FALSE(index.has_rollout("shop/web"));
}

TEST(RolloutIndex, FollowsEditsAndDeletes) {
  RolloutIndex index;
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web",
                             {{"canary", {{"stableService", "old"}}}}));
  index.update(rollout_event(kube::WatchEventType::modified, "shop", "web",
                             {{"canary", {{"stableService", "new"}}}}));
  EXPECT_TRUE(index.rollouts_naming(Reference::service, "shop/old").empty());
  EXPECT_EQ(index.rollouts_naming(Reference::service, "shop/new"),
            std::vector<std::string>{"shop/web"});
  index.update(rollout_event(kube::WatchEventType::deleted, "shop", "web",
                             {{"canary", {{"stableService", "new"}}}}));
  EXPECT_TRUE(index.rollouts_naming(Reference::service, "shop/new").empty());
}

TEST(RolloutIndex, ToleratesMalformedRollouts) {
  RolloutIndex index;
  index.update({kube::WatchEventType::added, Json::array()});
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web", "not an object"));
  EXPECT_TRUE(index.rollouts_naming(Reference::service, "shop/web").empty());
}

}  // namespace
}  // namespace cutover::op

namespace cutover::op {
namespace {

TEST(RolloutIndex, MapsWorkloadsAndPoliciesToTheRolloutsThatNameThem) {
  RolloutIndex index;
  const Json rollout = {
      {"metadata", {{"namespace", "shop"}, {"name", "web"}}},
      {"spec",
       {{"workloadRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web-app"}}},
        {"strategy",
         {{"canary",
           {{"steps", Json::array({{{"setWeight", 20}},
                                   {{"analysis",
                                     {{"policies", Json::array({{{"name", "errors"}},
                                                                {{"name", "global"},
                                                                 {"clusterScope", true}}})}}}}})},
            {"analysis", {{"policies", Json::array({{{"name", "latency"}}})}}}}}}}}}};
  index.update({kube::WatchEventType::added, rollout});
  EXPECT_EQ(index.rollouts_naming(Reference::workload, "shop/web-app"),
            std::vector<std::string>{"shop/web"});
  EXPECT_EQ(index.rollouts_naming(Reference::policy, "shop/errors"),
            std::vector<std::string>{"shop/web"});
  EXPECT_EQ(index.rollouts_naming(Reference::policy, "shop/latency"),
            std::vector<std::string>{"shop/web"})
      << "background analysis names a policy too";
  EXPECT_EQ(index.rollouts_naming(Reference::cluster_policy, "global"),
            std::vector<std::string>{"shop/web"});
  EXPECT_TRUE(index.rollouts_naming(Reference::policy, "shop/global").empty())
      << "a cluster-scoped reference is not a namespaced one";
  EXPECT_TRUE(index.rollouts_naming(Reference::service, "shop/web-app").empty());
  index.update({kube::WatchEventType::deleted, rollout});
  EXPECT_TRUE(index.rollouts_naming(Reference::policy, "shop/errors").empty());
}

}  // namespace
}  // namespace cutover::op

namespace cutover::op {
namespace {

TEST(RolloutIndex, AGrantWakesTheRolloutsOfItsNamespaceWhoseRoutesAreElsewhere) {
  RolloutIndex index;
  const auto routed = [](const Json& http_routes) {
    return Json{{"canary", {{"trafficRouting", {{"gatewayAPI", {{"httpRoutes", http_routes}}}}}}}};
  };
  index.update(rollout_event(kube::WatchEventType::added, "shop", "edge",
                             routed(Json::array({{{"name", "web"}, {"namespace", "edge"}}}))));
  index.update(rollout_event(
      kube::WatchEventType::added, "shop", "own",
      routed(Json::array({{{"name", "web"}, {"namespace", "shop"}}, {{"name", "api"}}}))));
  index.update(rollout_event(kube::WatchEventType::added, "other", "edge",
                             routed(Json::array({{{"name", "web"}, {"namespace", "edge"}}}))));
  EXPECT_EQ(index.rollouts_naming(Reference::reference_grant, "shop/from-edge"),
            std::vector<std::string>{"shop/edge"})
      << "any grant of shop; not the Rollout whose routes are all in shop";
  EXPECT_EQ(index.rollouts_naming(Reference::reference_grant, "other/anything"),
            std::vector<std::string>{"other/edge"});
  EXPECT_TRUE(index.rollouts_naming(Reference::reference_grant, "edge/from-shop").empty())
      << "a grant in the route's namespace is not the one needed";
  EXPECT_EQ(index.rollouts_naming(Reference::http_route, "edge/web"),
            (std::vector<std::string>{"other/edge", "shop/edge"}));
  index.update(rollout_event(kube::WatchEventType::modified, "shop", "edge",
                             routed(Json::array({{{"name", "web"}}}))));
  EXPECT_TRUE(index.rollouts_naming(Reference::reference_grant, "shop/from-edge").empty())
      << "its route moved into its namespace";
}

}  // namespace
}  // namespace cutover::op
