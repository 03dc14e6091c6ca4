// ServiceIndex: a Service event must wake exactly the Rollouts that name that Service.
#include "service_index.hpp"

#include <gtest/gtest.h>

namespace cutover::op {
namespace {

using Json = kube::Json;

kube::WatchEvent rollout_event(kube::WatchEventType type, const std::string& ns,
                               const std::string& name, const Json& strategy) {
  return {type,
          {{"metadata", {{"namespace", ns}, {"name", name}}}, {"spec", {{"strategy", strategy}}}}};
}

TEST(ServiceIndex, MapsServicesToTheRolloutsThatNameThem) {
  ServiceIndex index;
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web",
                             {{"canary", {{"stableService", "web"}, {"canaryService", "web-c"}}}}));
  index.update(
      rollout_event(kube::WatchEventType::added, "shop", "pay",
                    {{"blueGreen", {{"activeService", "pay"}, {"previewService", "web"}}}}));
  index.update(rollout_event(kube::WatchEventType::added, "other", "web",
                             {{"canary", {{"stableService", "web"}}}}));
  EXPECT_EQ(index.rollouts_of("shop/web"), (std::vector<std::string>{"shop/pay", "shop/web"}));
  EXPECT_EQ(index.rollouts_of("shop/web-c"), std::vector<std::string>{"shop/web"});
  EXPECT_EQ(index.rollouts_of("other/web"), std::vector<std::string>{"other/web"});
  EXPECT_TRUE(index.rollouts_of("shop/nobody").empty());
}

TEST(ServiceIndex, KnowsWhichRolloutsAreThisShards) {
  ServiceIndex index;
  EXPECT_FALSE(index.has_rollout("shop/web")) << "never seen: another shard's, or not yet listed";
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web", Json::object()));
  EXPECT_TRUE(index.has_rollout("shop/web")) << "a Rollout that names no Service is ours too";
  EXPECT_FALSE(index.has_rollout("shop/pay"));
  index.update(rollout_event(kube::WatchEventType::deleted, "shop", "web", Json::object()));
  EXPECT_FALSE(index.has_rollout("shop/web"));
}

TEST(ServiceIndex, FollowsEditsAndDeletes) {
  ServiceIndex index;
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web",
                             {{"canary", {{"stableService", "old"}}}}));
  index.update(rollout_event(kube::WatchEventType::modified, "shop", "web",
                             {{"canary", {{"stableService", "new"}}}}));
  EXPECT_TRUE(index.rollouts_of("shop/old").empty());
  EXPECT_EQ(index.rollouts_of("shop/new"), std::vector<std::string>{"shop/web"});
  index.update(rollout_event(kube::WatchEventType::deleted, "shop", "web",
                             {{"canary", {{"stableService", "new"}}}}));
  EXPECT_TRUE(index.rollouts_of("shop/new").empty());
}

TEST(ServiceIndex, ToleratesMalformedRollouts) {
  ServiceIndex index;
  index.update({kube::WatchEventType::added, Json::array()});
  index.update(rollout_event(kube::WatchEventType::added, "shop", "web", "not an object"));
  EXPECT_TRUE(index.rollouts_of("shop/web").empty());
}

}  // namespace
}  // namespace cutover::op
