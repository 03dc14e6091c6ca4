// `deploy delete` against an in-memory API server that keeps finalizers as the real one does: a
// DELETE of an object with finalizers only sets deletionTimestamp, and the object goes when the
// last finalizer is removed. The e2e test (tests/e2e/cli/cli_delete.sh) runs it for real.
#include "delete_command.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "exit_code.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_kube_client.hpp"
#include "rollout/executor.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/rollout_world.hpp"

namespace cutover::cli {
namespace {

using kube::Json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

const kube::ResourceRef kRollouts{"cutover.dev/v1alpha1", "Rollout", "shop"};
const kube::ResourceRef kServices{"v1", "Service", "shop"};
const kube::ResourceRef kDeployments{"apps/v1", "Deployment", "shop"};

// FakeKubeClient plus the API server's finalizer rules for Rollouts, and `conflicts` finalizer
// writes answered with 409 (an operator writing the same Rollout at the same moment).
class FinalizingClient final : public kube::KubeClient {
 public:
  int conflicts = 0;
  int deletes = 0;  // DELETE requests (not the server's own removal after the last finalizer)
  cutover::testing::FakeKubeClient inner;

  kube::Result<Json> get(const kube::ResourceRef& ref, const std::string& name,
                         const std::string& subresource = "") override {
    return inner.get(ref, name, subresource);
  }
  kube::Result<Json> list(const kube::ResourceRef& ref, const kube::ListOptions& o) override {
    return inner.list(ref, o);
  }
  kube::Result<Json> list_all(const kube::ResourceRef& ref, kube::ListOptions o) override {
    return inner.list_all(ref, o);
  }
  kube::Result<Json> create(const kube::ResourceRef& ref, const Json& object) override {
    return inner.create(ref, object);
  }
  kube::Result<Json> update(const kube::ResourceRef& ref, const Json& object,
                            const std::string& subresource = "") override {
    return inner.update(ref, object, subresource);
  }
  kube::Result<Json> patch(const kube::ResourceRef& ref, const std::string& name,
                           kube::PatchType type, const Json& patch,
                           const std::string& subresource = "") override {
    const bool finalizers = ref.kind == "Rollout" && patch.contains("metadata") &&
                            patch["metadata"].contains("finalizers");
    if (finalizers && conflicts > 0) {
      --conflicts;
      return std::unexpected(
          kube::Error{kube::ErrorReason::conflict, 409, "conflict", {}, std::nullopt});
    }
    auto patched = inner.patch(ref, name, type, patch, subresource);
    if (patched && ref.kind == "Rollout" && (*patched)["metadata"].contains("deletionTimestamp") &&
        (*patched)["metadata"].value("finalizers", Json::array()).empty()) {
      (void)inner.remove(ref, name);
    }
    return patched;
  }
  kube::Result<Json> apply(const kube::ResourceRef& ref, const Json& object,
                           const kube::ApplyOptions& options,
                           const std::string& subresource = "") override {
    return inner.apply(ref, object, options, subresource);
  }
  kube::Result<Json> remove(const kube::ResourceRef& ref, const std::string& name,
                            const kube::DeleteOptions& options = {}) override {
    ++deletes;
    auto object = inner.get(ref, name);
    if (object && !(*object)["metadata"].value("finalizers", Json::array()).empty()) {
      inner.log.push_back("remove " + ref.kind + "/" + name + " (Terminating)");
      (*object)["metadata"]["deletionTimestamp"] = "2026-11-22T12:00:00Z";
      inner.seed(ref, *object);
      return *object;
    }
    return inner.remove(ref, name, options);
  }
};

struct DeleteRun {
  int code = -1;
  std::string out;
  std::string err;
};

DeleteRun run_delete(FinalizingClient& client, const std::string& name,
                     WaitForGone wait = WaitForGone::no) {
  cutover::testing::FakeClock clock;
  kube::RestConfig config;
  config.namespace_name = "shop";
  std::ostringstream out;
  std::ostringstream err;
  DeleteRun run;
  run.code = delete_rollout(client, config, clock, {"shop", name, wait, std::chrono::seconds{10}},
                            out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

// The canary `web` of the stand-in world, with its Services, after one real reconcile: the
// slot Deployment web-a exists and both Services are pinned to slot a.
void seed_released(FinalizingClient& client, bool with_services = true) {
  Json object =
      cutover::testing::canary_rollout_json(2, Json::array({{{"setWeight", 50}}}), "web:1");
  object["metadata"]["uid"] = "uid-1";
  if (!with_services) {
    object["spec"]["strategy"]["canary"].erase("stableService");
    object["spec"]["strategy"]["canary"].erase("canaryService");
  }
  client.inner.seed(kRollouts, object);
  for (const char* service : {"web-stable", "web-canary"}) {
    client.inner.seed(kServices, {{"apiVersion", "v1"},
                                  {"kind", "Service"},
                                  {"metadata", {{"name", service}, {"namespace", "shop"}}},
                                  {"spec", {{"selector", {{"app", "web"}}}}}});
  }
  cutover::testing::FakeClock clock;
  rollout::Reconciler reconciler(client, clock);
  ASSERT_TRUE(reconciler.reconcile("shop", "web").has_value());
  ASSERT_TRUE(client.inner.get(kDeployments, "web-a").has_value());
  client.inner.log.clear();
}

Json selector(FinalizingClient& client, const std::string& service) {
  return (*client.inner.get(kServices, service))["spec"]["selector"];
}

TEST(DeleteCommand, RestoresTheServicesAndDeletesALiveRollout) {
  FinalizingClient client;
  seed_released(client);
  ASSERT_EQ(selector(client, "web-stable").value(rollout::kSlotLabel, ""), "a");
  client.inner.log.clear();

  const DeleteRun run = run_delete(client, "web");
  EXPECT_EQ(run.code, kOk) << run.err;
  EXPECT_FALSE(client.inner.get(kRollouts, "web").has_value()) << "the Rollout is gone";
  for (const char* service : {"web-stable", "web-canary"})
    EXPECT_EQ(selector(client, service), Json({{"app", "web"}})) << service;
  EXPECT_THAT(run.out, HasSubstr("rollout shop/web: Services web-stable, web-canary restored"));
  EXPECT_THAT(run.out, HasSubstr("rollout shop/web deleted; its slot Deployments web-a and web-b "
                                 "go by garbage collection"));
  EXPECT_EQ(client.inner.log.front(), "get Rollout/web");
  EXPECT_THAT(client.inner.log, Contains("remove Rollout/web (Terminating)"));
}

TEST(DeleteCommand, FinishesARolloutStuckTerminating) {
  FinalizingClient client;
  seed_released(client);
  ASSERT_TRUE(client.remove(kRollouts, "web").has_value());  // kubectl delete, no operator
  client.inner.log.clear();

  const DeleteRun run = run_delete(client, "web");
  EXPECT_EQ(run.code, kOk) << run.err;
  EXPECT_FALSE(client.inner.get(kRollouts, "web").has_value());
  EXPECT_EQ(selector(client, "web-stable"), Json({{"app", "web"}}));
  EXPECT_EQ(client.deletes, 1) << "already Terminating: no second DELETE";
}

TEST(DeleteCommand, RetriesConflictsWithARunningOperator) {
  FinalizingClient client;
  seed_released(client);
  client.conflicts = 3;
  const DeleteRun run = run_delete(client, "web");
  EXPECT_EQ(run.code, kOk) << run.err;
  EXPECT_EQ(client.conflicts, 0);
  EXPECT_FALSE(client.inner.get(kRollouts, "web").has_value());
}

TEST(DeleteCommand, ARolloutThatPinnedNothingGoesAtOnce) {
  FinalizingClient client;
  seed_released(client, false);
  const DeleteRun run = run_delete(client, "web");
  EXPECT_EQ(run.code, kOk) << run.err;
  EXPECT_FALSE(client.inner.get(kRollouts, "web").has_value());
  EXPECT_THAT(run.out, Not(HasSubstr("restored")));
  EXPECT_THAT(client.inner.log, Not(Contains(::testing::StartsWith("patch Service/"))));
}

TEST(DeleteCommand, AMissingRolloutNamesItAndItsNamespace) {
  FinalizingClient client;
  const DeleteRun run = run_delete(client, "nope");
  EXPECT_EQ(run.code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("error: rollout shop/nope not found"));
  EXPECT_THAT(run.err, HasSubstr("deploy list -n shop"));
}

TEST(DeleteCommand, WaitWaitsForTheOwnedSlotDeployments) {
  FinalizingClient client;
  seed_released(client);
  // The fake has no garbage collector: web-a, owned by the Rollout, stays.
  DeleteRun run = run_delete(client, "web", WaitForGone::yes);
  EXPECT_EQ(run.code, kTimedOut) << run.err;
  EXPECT_THAT(run.err, HasSubstr("Deployment web-a is still there after --timeout 10s"));

  // Once it is gone (or is not this Rollout's), --wait returns.
  FinalizingClient collected;
  seed_released(collected);
  Json stranger = *collected.inner.get(kDeployments, "web-a");
  stranger["metadata"].erase("ownerReferences");
  collected.inner.seed(kDeployments, stranger);
  run = run_delete(collected, "web", WaitForGone::yes);
  EXPECT_EQ(run.code, kOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("rollout shop/web deleted, and its slot Deployments"));
}

}  // namespace
}  // namespace cutover::cli
