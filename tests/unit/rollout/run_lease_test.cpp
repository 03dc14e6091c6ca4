#include "rollout/run_lease.hpp"

#include <gtest/gtest.h>

#include <map>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_kube_client.hpp"
#include "rollout/slot.hpp"
#include "util/encoding.hpp"

namespace cutover::rollout {
namespace {

using namespace std::chrono_literals;
using kube::Json;
using kube::WatchEventType;

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) {
    const auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
}

Json lease(const std::string& holder, const std::string& renew_time, int duration = 15,
           const std::string& rollout = "web") {
  Json labels = Json::object();
  if (!rollout.empty())
    labels[kRolloutLabel] = rollout;
  return {
      {"metadata", {{"name", run_lease_name(rollout)}, {"namespace", "shop"}, {"labels", labels}}},
      {"spec",
       {{"holderIdentity", holder},
        {"leaseDurationSeconds", duration},
        {"renewTime", renew_time}}}};
}

TEST(RunLeaseName, PrefixesTheRolloutName) {
  EXPECT_EQ(run_lease_name("web"), "cutover-run-web");
}

TEST(RunLeaseName, StaysWithinTheObjectNameLimitAndDistinct) {
  const std::string long_a = std::string(241, 'a');  // 12 + 241 = 253: fits exactly
  EXPECT_EQ(run_lease_name(long_a), "cutover-run-" + long_a);
  const std::string longer_a = std::string(253, 'a');
  const std::string longer_b = std::string(252, 'a') + "b";
  EXPECT_EQ(run_lease_name(longer_a).size(), 253U);
  EXPECT_NE(run_lease_name(longer_a), run_lease_name(longer_b));
  EXPECT_TRUE(run_lease_name(longer_a).starts_with("cutover-run-aaa"));
  // The cut never leaves "-." or "--" before the hash.
  const std::string dotted = std::string(223, 'a') + ".-" + std::string(40, 'c');
  const std::string name = run_lease_name(dotted);
  EXPECT_LE(name.size(), 253U);
  EXPECT_EQ(name.find(".-"), std::string::npos) << name;
  EXPECT_EQ(name.find("--"), std::string::npos) << name;
}

TEST(RunLeaseIdentity, HostAndPid) {
  EXPECT_EQ(run_lease_identity("laptop", 4242, env_of({})), "deploy run@laptop/4242");
  EXPECT_EQ(run_lease_identity("", 1, env_of({})), "deploy run@unknown-host/1");
}

TEST(RunLeaseIdentity, NamesTheGitHubActionsRun) {
  EXPECT_EQ(
      run_lease_identity("runner-7", 4242,
                         env_of({{"GITHUB_RUN_ID", "1234567"}, {"GITHUB_WORKFLOW", "Release"}})),
      "deploy run@runner-7/4242 (GitHub Actions \"Release\" run 1234567)");
  EXPECT_EQ(run_lease_identity("r", 1, env_of({{"GITHUB_RUN_ID", "9"}})),
            "deploy run@r/1 (GitHub Actions run 9)");
}

TEST(RunLeaseConfig, LabelledOwnedAndRenewedWellWithinTheDuration) {
  const auto config = run_lease_config("shop", "web", "uid-1", "me");
  EXPECT_EQ(config.namespace_name, "shop");
  EXPECT_EQ(config.name, "cutover-run-web");
  EXPECT_EQ(config.identity, "me");
  EXPECT_EQ(config.lease_duration, 15s);
  EXPECT_EQ(config.renew_deadline, 10s);
  EXPECT_EQ(config.retry_period, 2s);
  EXPECT_EQ(config.labels.at(kRolloutLabel), "web");
  EXPECT_EQ(config.owner_references[0]["uid"], "uid-1");
  EXPECT_EQ(config.owner_references[0]["kind"], "Rollout");
  const auto short_lease = run_lease_config("shop", "web", "", "me", 6s);
  EXPECT_EQ(short_lease.renew_deadline, 4s);
  EXPECT_EQ(short_lease.retry_period, 1s);
  EXPECT_TRUE(short_lease.owner_references.empty());
}

TEST(RunLeaseConfig, TheElectorWritesTheLabelTheOperatorWatches) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  kube::LeaderElector elector(client, run_lease_config("shop", "web", "uid-1", "me"), clock);
  ASSERT_TRUE(*elector.try_acquire_or_renew());
  auto written = client.get({"coordination.k8s.io/v1", "Lease", "shop"}, "cutover-run-web");
  ASSERT_TRUE(written);
  RunLeaseIndex index;
  EXPECT_FALSE(index.update({WatchEventType::added, *written}, clock.steady_now()));
  const auto hold = index.held("shop/web", clock.steady_now());
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->holder, "me");
  const auto view = run_lease_view(*written);
  EXPECT_EQ(view.holder, "me");
  EXPECT_EQ(view.renewed_at, clock.wall_now());
  EXPECT_TRUE(view.held_at(clock.wall_now()));
}

TEST(RunLeaseView, HeldUntilRenewTimePlusDurationByTheReadersClock) {
  const WallTime renewed = *parse_rfc3339("2026-11-22T10:00:00.000000Z");
  const auto view = run_lease_view(lease("ci", "2026-11-22T10:00:00.000000Z"));
  EXPECT_EQ(view.renewed_at, renewed);
  EXPECT_EQ(view.expires_at(), renewed + 15s);
  EXPECT_TRUE(view.held_at(renewed + 14s));
  EXPECT_FALSE(view.held_at(renewed + 15s));
  EXPECT_FALSE(run_lease_view(lease("", "2026-11-22T10:00:00.000000Z")).held_at(renewed))
      << "released";
  EXPECT_FALSE(run_lease_view(lease("ci", "garbage")).held_at(renewed));
  EXPECT_FALSE(run_lease_view(Json()).held_at(renewed));
}

TEST(RunLeaseMessages, TheRefusalNamesHolderLeaseAndExpiry) {
  const WallTime renewed = *parse_rfc3339("2026-11-22T10:00:00Z");
  const auto view = run_lease_view(lease("deploy run@runner-7/42", "2026-11-22T10:00:00Z"));
  EXPECT_EQ(describe_refusal("shop", "web", view, renewed + 2s),
            "rollout shop/web is driven by deploy run@runner-7/42 (Lease shop/cutover-run-web, "
            "renewed 2s ago, expires in 13s unless renewed); only one deploy run drives a Rollout "
            "at a time: wait for that run to finish or stop it, then run deploy run again");
}

TEST(RunLeaseMessages, StatusSaysWhoDrivesOnlyWhileHeld) {
  const WallTime renewed = *parse_rfc3339("2026-11-22T10:00:00Z");
  const auto view = run_lease_view(lease("deploy run@runner-7/42", "2026-11-22T10:00:00Z"));
  EXPECT_EQ(describe_driver(view, renewed + 2s),
            "deploy run runner-7/42 (lease renewed 2s ago); the operator will take over if it "
            "expires");
  EXPECT_EQ(describe_driver(view, renewed + 16s), "");
  EXPECT_EQ(describe_driver(run_lease_view(lease("", "2026-11-22T10:00:00Z")), renewed), "");
}

TEST(RunLeaseIndex, HeldUntilTheDurationPassesWithoutAChange) {
  testing::FakeClock clock;
  RunLeaseIndex index;
  EXPECT_FALSE(index.held("shop/web", clock.steady_now())) << "never held";
  index.update({WatchEventType::added, lease("ci", "t1", 6)}, clock.steady_now());
  clock.advance(2s);
  auto hold = index.held("shop/web", clock.steady_now());
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->holder, "ci");
  EXPECT_EQ(hold->remaining, 4s) << "the operator requeues the Rollout for this long";
  // A renewal (renewTime changes) starts the duration again.
  index.update({WatchEventType::modified, lease("ci", "t2", 6)}, clock.steady_now());
  clock.advance(5s);
  ASSERT_TRUE(index.held("shop/web", clock.steady_now()));
  // The same Lease reported again (a relist) is not a renewal.
  index.update({WatchEventType::modified, lease("ci", "t2", 6)}, clock.steady_now());
  clock.advance(1s);
  EXPECT_FALSE(index.held("shop/web", clock.steady_now())) << "6 s since the last renewal";
  EXPECT_FALSE(index.held("other/web", clock.steady_now()));
}

TEST(RunLeaseIndex, ReleaseAndDeletionWakeTheRollout) {
  testing::FakeClock clock;
  RunLeaseIndex index;
  EXPECT_FALSE(index.update({WatchEventType::added, lease("ci", "t1")}, clock.steady_now()));
  EXPECT_FALSE(index.update({WatchEventType::modified, lease("ci", "t2")}, clock.steady_now()))
      << "a renewal wakes nobody";
  EXPECT_EQ(index.update({WatchEventType::modified, lease("", "t3", 1)}, clock.steady_now()),
            "shop/web");
  EXPECT_FALSE(index.held("shop/web", clock.steady_now()));
  EXPECT_FALSE(index.update({WatchEventType::deleted, lease("", "t3", 1)}, clock.steady_now()))
      << "already free";
  index.update({WatchEventType::added, lease("ci", "t4")}, clock.steady_now());
  EXPECT_EQ(index.update({WatchEventType::deleted, lease("ci", "t4")}, clock.steady_now()),
            "shop/web");
  EXPECT_FALSE(index.held("shop/web", clock.steady_now()));
}

TEST(RunLeaseIndex, CheckReportsEachHandOverOnce) {
  testing::FakeClock clock;
  RunLeaseIndex index;
  auto check = index.check("shop/web", clock.steady_now());
  EXPECT_FALSE(check.hold);
  EXPECT_FALSE(check.hold_started);
  EXPECT_FALSE(check.ended);
  index.update({WatchEventType::added, lease("ci-1", "t1", 6)}, clock.steady_now());
  check = index.check("shop/web", clock.steady_now());
  ASSERT_TRUE(check.hold);
  EXPECT_TRUE(check.hold_started);
  check = index.check("shop/web", clock.steady_now());
  ASSERT_TRUE(check.hold);
  EXPECT_FALSE(check.hold_started) << "the same holder: not reported again";
  // Another run takes over directly (the first released, the second acquired in between).
  index.update({WatchEventType::modified, lease("ci-2", "t2", 6)}, clock.steady_now());
  check = index.check("shop/web", clock.steady_now());
  ASSERT_TRUE(check.hold);
  EXPECT_TRUE(check.hold_started);
  EXPECT_EQ(check.ended, "ci-1");
  clock.advance(6s);  // ci-2 died
  check = index.check("shop/web", clock.steady_now());
  EXPECT_FALSE(check.hold);
  EXPECT_EQ(check.ended, "ci-2");
  check = index.check("shop/web", clock.steady_now());
  EXPECT_FALSE(check.ended) << "reported once";
}

TEST(RunLeaseIndex, IgnoresLeasesWithoutTheLabelAndOtherEvents) {
  testing::FakeClock clock;
  RunLeaseIndex index;
  index.update({WatchEventType::added, lease("ci", "t1", 15, "")}, clock.steady_now());
  EXPECT_FALSE(index.held("shop/", clock.steady_now()));
  index.update({WatchEventType::error, lease("ci", "t1")}, clock.steady_now());
  EXPECT_FALSE(index.held("shop/web", clock.steady_now()));
  index.update({WatchEventType::added, Json()}, clock.steady_now());  // garbage: no crash
}

}  // namespace
}  // namespace cutover::rollout
