// `deploy install` applies operator/config as compiled in; `uninstall` detaches workloads.
#include "install_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "embedded_manifests.hpp"

namespace cutover::cli {
namespace {

std::vector<std::string> kinds(const std::vector<Json>& objects) {
  std::vector<std::string> out;
  for (const auto& object : objects) {
    const auto& metadata = object["metadata"];
    out.push_back(object["kind"].get<std::string>() + "/" + metadata.value("namespace", "") + "/" +
                  metadata["name"].get<std::string>());
  }
  return out;
}

TEST(InstallPlan, EmbedsEveryManifestButTheKustomizations) {
  std::vector<std::string> paths;
  for (const auto& manifest : embedded_manifests()) {
    paths.emplace_back(manifest.path);
    EXPECT_FALSE(manifest.text.empty()) << manifest.path;
  }
  EXPECT_NE(std::find(paths.begin(), paths.end(), "crd/rollouts.cutover.dev.yaml"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "rbac/namespaced/role.yaml"), paths.end());
  EXPECT_EQ(std::count_if(paths.begin(), paths.end(),
                          [](const std::string& p) { return p.ends_with("kustomization.yaml"); }),
            0);
}

TEST(InstallPlan, ClusterWideObjectsInOrder) {
  auto objects = install_objects({"", "1.2.3"});
  ASSERT_TRUE(objects) << objects.error();
  EXPECT_EQ(kinds(*objects), (std::vector<std::string>{
                                 "Namespace//cutover-system",
                                 "CustomResourceDefinition//analysisruns.cutover.dev",
                                 "CustomResourceDefinition//clusterslopolicies.cutover.dev",
                                 "CustomResourceDefinition//flagrollouts.cutover.dev",
                                 "CustomResourceDefinition//migrations.cutover.dev",
                                 "CustomResourceDefinition//rollouts.cutover.dev",
                                 "CustomResourceDefinition//slopolicies.cutover.dev",
                                 "ServiceAccount/cutover-system/cutover-operator",
                                 "ClusterRole//cutover-operator",
                                 "ClusterRoleBinding//cutover-operator",
                                 "Role/cutover-system/cutover-operator-leader-election",
                                 "RoleBinding/cutover-system/cutover-operator-leader-election",
                                 "Role/cutover-system/cutover-operator-notifications",
                                 "RoleBinding/cutover-system/cutover-operator-notifications",
                                 "Deployment/cutover-system/cutover-operator",
                             }));
  const auto& deployment = objects->back();
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            "cutover/deploy-operator:1.2.3");
  for (const auto& object : *objects)
    EXPECT_EQ(object["metadata"]["labels"]["app.kubernetes.io/part-of"], "cutover");
}

TEST(InstallPlan, DashboardAddsItsServiceAccountRbacDeploymentAndService) {
  auto objects = install_objects({"", "1.2.3", false, true});
  ASSERT_TRUE(objects) << objects.error();
  const auto names = kinds(*objects);
  for (const char* name :
       {"ServiceAccount/cutover-system/deploy-dashboard", "ClusterRole//deploy-dashboard",
        "ClusterRoleBinding//deploy-dashboard", "Deployment/cutover-system/deploy-dashboard",
        "Service/cutover-system/deploy-dashboard"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  const auto& deployment = objects->at(objects->size() - 2);
  const auto& container = deployment["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["image"], "cutover/deploy-operator:1.2.3");
  EXPECT_EQ(container["command"], Json::array({"/usr/local/bin/deploy"}));
  EXPECT_EQ(container["args"],
            Json::array({"dashboard", "--address=0.0.0.0:3100", "--no-login-link"}));
  // Least privilege: it writes nothing, and reads only the releases.
  const auto& role = *std::find_if(objects->begin(), objects->end(), [](const Json& o) {
    return o["kind"] == "ClusterRole" && o["metadata"]["name"] == "deploy-dashboard";
  });
  for (const auto& rule : role["rules"]) {
    for (const auto& verb : rule["verbs"])
      EXPECT_TRUE(verb == "get" || verb == "list" || verb == "watch" || verb == "create") << verb;
    if (rule["verbs"].dump().find("create") != std::string::npos) {
      EXPECT_TRUE(rule["resources"] == Json::array({"tokenreviews"}) ||
                  rule["resources"] == Json::array({"subjectaccessreviews"}))
          << rule.dump();
    }
  }
}

TEST(InstallPlan, NamespacedUsesARoleAndTheNamespaceFlags) {
  auto objects = install_objects({"team-a", "0.1.0"});
  ASSERT_TRUE(objects) << objects.error();
  const auto names = kinds(*objects);
  EXPECT_NE(std::find(names.begin(), names.end(), "Role/team-a/cutover-operator"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "RoleBinding/team-a/cutover-operator"),
            names.end());
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) { return n.starts_with("Cluster"); }),
            0);
  const auto& args = objects->back()["spec"]["template"]["spec"]["containers"][0]["args"];
  EXPECT_NE(std::find(args.begin(), args.end(), "--namespace=team-a"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "--leader-election-namespace=team-a"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "--notifications-namespace=team-a"), args.end());
}

TEST(InstallPlan, FlagsAddsDeployFlagsReadingFeatureFlagsOnly) {
  auto objects = install_objects({"", "1.2.3", /*flags=*/true});
  ASSERT_TRUE(objects) << objects.error();
  const auto names = kinds(*objects);
  const std::vector<std::string> tail(names.end() - 6, names.end());
  EXPECT_EQ(tail, (std::vector<std::string>{
                      "CustomResourceDefinition//featureflags.core.openfeature.dev",
                      "ServiceAccount/cutover-system/cutover-flags",
                      "ClusterRole//cutover-flags",
                      "ClusterRoleBinding//cutover-flags",
                      "Deployment/cutover-system/cutover-flags",
                      "Service/cutover-system/cutover-flags",
                  }));
  const Json& crd = (*objects)[objects->size() - 6];
  EXPECT_TRUE(is_borrowed(crd));
  EXPECT_EQ(crd["spec"]["versions"][0]["name"], "v1beta1");
  for (const auto& object : *objects) {
    if (&object != &crd) {
      EXPECT_FALSE(is_borrowed(object)) << object["metadata"]["name"];
    }
  }
  const Json& role = (*objects)[objects->size() - 4];
  EXPECT_EQ(role["rules"], Json::parse(R"([{"apiGroups": ["core.openfeature.dev"],
      "resources": ["featureflags"], "verbs": ["get", "list", "watch"]}])"));
  const Json& container =
      (*objects)[objects->size() - 2]["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["image"], "cutover/deploy-operator:1.2.3");
  EXPECT_EQ(container["command"], Json::array({"/usr/local/bin/deploy-flags"}));
}

TEST(InstallPlan, NamespacedFlagsServeThatNamespaceThroughARoleBinding) {
  auto objects = install_objects({"team-a", "0.1.0", /*flags=*/true});
  ASSERT_TRUE(objects) << objects.error();
  const auto names = kinds(*objects);
  EXPECT_NE(std::find(names.begin(), names.end(), "RoleBinding/team-a/cutover-flags"), names.end());
  const auto& args =
      (*objects)[objects->size() - 2]["spec"]["template"]["spec"]["containers"][0]["args"];
  EXPECT_NE(std::find(args.begin(), args.end(), "--namespace=team-a"), args.end());
  EXPECT_EQ(std::find(args.begin(), args.end(), "--leader-election-namespace=team-a"), args.end());
}

TEST(InstallPlan, DetachesOnlyRolloutOwnersAndOurFinalizer) {
  const Json owners = Json::parse(R"([
    {"apiVersion": "cutover.dev/v1alpha1", "kind": "Rollout", "name": "web", "uid": "1"},
    {"apiVersion": "example.com/v1", "kind": "Rollout", "name": "other", "uid": "2"},
    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x", "uid": "3"}])");
  const Json kept = without_rollout_owners(owners);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0]["uid"], "2");
  EXPECT_EQ(kept[1]["uid"], "3");
  EXPECT_EQ(without_rollout_owners(Json()), Json::array());
  EXPECT_EQ(without_our_finalizer(Json::array({"a", "cutover.dev/restore-services", "b"})),
            Json::array({"a", "b"}));
}

}  // namespace
}  // namespace cutover::cli
