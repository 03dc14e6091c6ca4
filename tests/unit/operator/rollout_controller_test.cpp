// RolloutController::process, driven with fakes: a worker reconciles through the informer caches,
// and once the Rollout is settled a pass makes no API request at all.
#include "rollout_controller.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_kube_client.hpp"
#include "kube/cached_client.hpp"
#include "kube/informer.hpp"
#include "rollout/rollout_world.hpp"
#include "rollout/slot.hpp"

namespace cutover::op {
namespace {

using kube::Json;

const kube::ResourceRef kRollouts{"cutover.dev/v1alpha1", "Rollout", "shop"};
const kube::ResourceRef kDeployments{"apps/v1", "Deployment", "shop"};
const kube::ResourceRef kPods{"v1", "Pod", "shop"};
const kube::ResourceRef kServices{"v1", "Service", "shop"};
const kube::ResourceRef kRuns{"cutover.dev/v1alpha1", "AnalysisRun", "shop"};

Json service(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", name}, {"namespace", "shop"}}},
          {"spec", {{"selector", {{"app", "web"}}}}}};
}

class ProcessTest : public ::testing::Test {
 protected:
  testing::FakeKubeClient server;
  OperatorMetrics metrics;
  RolloutController controller{server, {.watch_namespace = "shop"}, metrics};
  const kube::Reflector::Random random = [] { return 0.5; };
  kube::Informer rollouts{server, kRollouts, {}, random};
  kube::Informer deployments{server, kDeployments, {}, random, rollout::kRolloutLabel};
  kube::Informer pods{server, kPods, {}, random, rollout::kRolloutLabel};
  kube::Informer services{server, kServices, {}, random};
  kube::Informer runs{server, kRuns, {}, random, rollout::kRolloutLabel};
  kube::CachedClient cached{server};
  rollout::Reconciler reconciler{cached, SystemClock::instance()};

  void SetUp() override {
    Json object = testing::canary_rollout_json(
        2, Json::array({{{"setWeight", 50}}, {{"pause", {{"duration", "0s"}}}}}), "web:1");
    object["metadata"]["uid"] = "uid-web";
    object["spec"]["strategy"]["canary"]["scaleDownDelaySeconds"] = 0;
    server.seed(kRollouts, object);
    server.seed(kServices, service("web-stable"));
    server.seed(kServices, service("web-canary"));
    // The informers have listed: the stores hold what the server holds.
    rollouts.prime("1", {*server.get(kRollouts, "web")});
    services.prime("1",
                   {*server.get(kServices, "web-stable"), *server.get(kServices, "web-canary")});
    deployments.prime("1", {});
    pods.prime("1", {});
    runs.prime("1", {});
    for (kube::Informer* informer : {&rollouts, &deployments, &pods, &services, &runs})
      cached.serve(*informer);
    controller.index().update({kube::WatchEventType::added, *server.get(kRollouts, "web")});
    server.log.clear();  // the set-up's own reads
  }

  // What the Deployment controller and the watch would do between passes: every slot
  // Deployment's pods are all available, and the store gets that version.
  void pods_become_ready() {
    const std::size_t logged = server.log.size();  // the harness's own calls are not counted
    for (Json d : deployments.store().list("shop")) {
      const auto replicas = d["spec"].value("replicas", 1);
      d["status"] = {{"observedGeneration", d["metadata"].value("generation", 1)},
                     {"replicas", replicas},
                     {"readyReplicas", replicas},
                     {"availableReplicas", replicas},
                     {"updatedReplicas", replicas}};
      server.seed(kDeployments, d);
      deployments.store().upsert(*server.get(kDeployments, d["metadata"]["name"]));
    }
    server.log.resize(logged);
  }

  // Processes the key until the queue holds it no more (or `passes` run out).
  void settle(int passes = 30) {
    for (int i = 0; i < passes; ++i) {
      controller.queue().add("shop/web");
      auto key = controller.queue().try_get();
      ASSERT_TRUE(key);
      controller.process(*key, reconciler, cached);
      pods_become_ready();
    }
  }
};

TEST_F(ProcessTest, ASettledRolloutCostsNoRequest) {
  settle();
  const Json status = (*cached.get(kRollouts, "web"))["status"];
  ASSERT_EQ(status.value("phase", ""), "Healthy") << status.dump();
  server.log.clear();
  const auto reads_before = cached.server_reads();
  controller.queue().add("shop/web");
  controller.process(*controller.queue().try_get(), reconciler, cached);
  EXPECT_TRUE(server.log.empty()) << "first request: " << server.log.front();
  EXPECT_EQ(cached.server_reads(), reads_before);
  EXPECT_EQ(controller.queue().depth(), 0U) << "no timer needed: nothing is requeued";
}

TEST_F(ProcessTest, AReleaseIsDrivenFromTheCaches) {
  settle();
  Json edited = *server.get(kRollouts, "web");
  edited["spec"]["template"]["spec"]["containers"][0]["image"] = "web:2";
  edited["metadata"]["generation"] = 2;
  server.seed(kRollouts, edited);
  rollouts.store().upsert(*server.get(kRollouts, "web"));  // the watch event
  controller.index().update({kube::WatchEventType::modified, *server.get(kRollouts, "web")});
  server.log.clear();
  settle();
  const Json status = (*cached.get(kRollouts, "web"))["status"];
  EXPECT_EQ(status.value("phase", ""), "Healthy");
  EXPECT_EQ(status["history"].back()["images"][0], "web:2");
  for (const auto& entry : server.log) {
    EXPECT_FALSE(entry.starts_with("get ") || entry.starts_with("list ")) << entry;
  }
}

TEST_F(ProcessTest, AnotherShardsRolloutIsNotTouched) {
  controller.queue().add("shop/other");
  controller.process(*controller.queue().try_get(), reconciler, cached);
  EXPECT_TRUE(server.log.empty());
}

}  // namespace
}  // namespace cutover::op
