#include "kube/leader_elector.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_kube_client.hpp"

namespace cutover::kube {
namespace {

using namespace std::chrono_literals;

LeaseConfig config_for(const std::string& identity) {
  LeaseConfig config;
  config.namespace_name = "cutover-system";
  config.identity = identity;
  return config;
}

TEST(LeaderElector, FirstCandidateCreatesTheLease) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  LeaderElector a(client, config_for("a"), clock);
  auto result = a.try_acquire_or_renew();
  ASSERT_TRUE(result);
  EXPECT_TRUE(*result);
  auto lease =
      client.get({"coordination.k8s.io/v1", "Lease", "cutover-system"}, "cutover-operator");
  ASSERT_TRUE(lease);
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "a");
  EXPECT_EQ((*lease)["spec"]["leaseDurationSeconds"], 15);
  EXPECT_EQ((*lease)["spec"]["renewTime"].get<std::string>().size(), 27U) << "MicroTime";
}

TEST(LeaderElector, OthersWaitUntilTheLeaseExpiresByTheirOwnClock) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  LeaderElector a(client, config_for("a"), clock);
  LeaderElector b(client, config_for("b"), clock);
  ASSERT_TRUE(*a.try_acquire_or_renew());
  EXPECT_FALSE(*b.try_acquire_or_renew());
  clock.advance(10s);
  ASSERT_TRUE(*a.try_acquire_or_renew());  // a renews
  clock.advance(10s);
  EXPECT_FALSE(*b.try_acquire_or_renew()) << "b saw the renewal 10 s ago: not expired";
  clock.advance(16s);  // a is gone: no renewal for longer than leaseDuration
  EXPECT_TRUE(*b.try_acquire_or_renew());
  auto lease =
      client.get({"coordination.k8s.io/v1", "Lease", "cutover-system"}, "cutover-operator");
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "b");
  EXPECT_EQ((*lease)["spec"]["leaseTransitions"], 2);
  EXPECT_FALSE(*a.try_acquire_or_renew()) << "a must notice it lost the lease";
}

TEST(LeaderElector, ReleaseLetsAnotherTakeOverAtOnce) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  LeaderElector a(client, config_for("a"), clock);
  LeaderElector b(client, config_for("b"), clock);
  ASSERT_TRUE(*a.try_acquire_or_renew());
  EXPECT_FALSE(*b.try_acquire_or_renew());
  ASSERT_TRUE(a.release());
  EXPECT_TRUE(*b.try_acquire_or_renew());
  EXPECT_TRUE(a.release()) << "releasing a Lease someone else holds is a no-op, not an error";
  auto lease =
      client.get({"coordination.k8s.io/v1", "Lease", "cutover-system"}, "cutover-operator");
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "b");
}

TEST(LeaderElector, ReleaseOfAMissingLeaseIsFine) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  LeaderElector a(client, config_for("a"), clock);
  EXPECT_TRUE(a.release());
}

TEST(LeaderElector, LabelsAndOwnerReferencesSurviveEveryRenewal) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  LeaseConfig config = config_for("a");
  config.labels = {{"cutover.dev/rollout", "web"}};
  config.owner_references = Json::array({{{"kind", "Rollout"}, {"name", "web"}, {"uid", "u1"}}});
  LeaderElector a(client, config, clock);
  const ResourceRef leases{"coordination.k8s.io/v1", "Lease", "cutover-system"};
  ASSERT_TRUE(*a.try_acquire_or_renew());  // create
  clock.advance(2s);
  ASSERT_TRUE(*a.try_acquire_or_renew());  // update: replaces the whole object
  ASSERT_TRUE(a.release());
  auto lease = client.get(leases, "cutover-operator");
  ASSERT_TRUE(lease);
  EXPECT_EQ((*lease)["metadata"]["labels"]["cutover.dev/rollout"], "web");
  EXPECT_EQ((*lease)["metadata"]["ownerReferences"][0]["uid"], "u1");
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "");
}

TEST(LeaderElector, ARenewalKeepsTheAcquireTime) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  LeaderElector a(client, config_for("a"), clock);
  const ResourceRef leases{"coordination.k8s.io/v1", "Lease", "cutover-system"};
  ASSERT_TRUE(*a.try_acquire_or_renew());
  const auto acquired = (*client.get(leases, "cutover-operator"))["spec"]["acquireTime"];
  ASSERT_TRUE(acquired.is_string());
  clock.advance(2s);
  ASSERT_TRUE(*a.try_acquire_or_renew());
  const auto lease = *client.get(leases, "cutover-operator");
  EXPECT_EQ(lease["spec"]["acquireTime"], acquired);
  EXPECT_NE(lease["spec"]["renewTime"], acquired);
}

TEST(LeaderElector, ObservedNamesTheHolderAfterLosing) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  LeaderElector a(client, config_for("a"), clock);
  LeaderElector b(client, config_for("b"), clock);
  EXPECT_FALSE(b.observed());
  ASSERT_TRUE(*a.try_acquire_or_renew());
  ASSERT_FALSE(*b.try_acquire_or_renew());
  ASSERT_TRUE(b.observed());
  EXPECT_EQ(b.observed()->holder, "a");
  EXPECT_EQ(b.observed()->lease_duration_seconds, 15);
}

TEST(LeaseRecord, ToleratesGarbage) {
  EXPECT_EQ(lease_record(Json()).holder, "");
  EXPECT_EQ(lease_record(Json{{"spec", {{"holderIdentity", 5}}}}).holder, "");
  EXPECT_EQ(lease_record(Json{{"spec", {{"leaseDurationSeconds", 9}}}}).lease_duration_seconds, 9);
}

}  // namespace
}  // namespace cutover::kube
