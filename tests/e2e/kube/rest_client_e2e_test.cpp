// The REST client against the real kube-apiserver of tests/env.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "kube/cluster.hpp"

namespace cutover::e2e {
namespace {

using kube::ErrorReason;
using kube::Json;

class RestClientE2E : public ::testing::Test {
 protected:
  RestClientE2E() : client_(client_for(admin_config(), {.qps = 500, .burst = 500})) {}
  kube::ResourceRef cm() const { return {"v1", "ConfigMap", ns_.name()}; }

  std::unique_ptr<kube::RestClient> client_;
  TestNamespace ns_{*client_, "e2e-rest"};
};

TEST_F(RestClientE2E, ConfigMapCrud) {
  auto created = client_->create(cm(), config_map("settings", {{"mode", "blue"}}));
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_FALSE((*created)["metadata"]["uid"].get<std::string>().empty());

  auto duplicate = client_->create(cm(), config_map("settings", {{"mode", "x"}}));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().reason, ErrorReason::already_exists);

  auto got = client_->get(cm(), "settings");
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_EQ((*got)["data"]["mode"], "blue");

  (*got)["data"]["mode"] = "green";
  auto updated = client_->update(cm(), *got);
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ((*updated)["data"]["mode"], "green");

  auto merged =
      client_->patch(cm(), "settings", kube::PatchType::json_merge, {{"data", {{"extra", "1"}}}});
  ASSERT_TRUE(merged) << merged.error().describe();
  EXPECT_EQ((*merged)["data"]["extra"], "1");
  auto strategic = client_->patch(cm(), "settings", kube::PatchType::strategic_merge,
                                  {{"metadata", {{"labels", {{"tier", "web"}}}}}});
  ASSERT_TRUE(strategic) << strategic.error().describe();
  EXPECT_EQ((*strategic)["metadata"]["labels"]["tier"], "web");
  auto json_patch = client_->patch(cm(), "settings", kube::PatchType::json_patch,
                                   Json::array({{{"op", "remove"}, {"path", "/data/extra"}}}));
  ASSERT_TRUE(json_patch) << json_patch.error().describe();
  EXPECT_FALSE((*json_patch)["data"].contains("extra"));

  auto list = client_->list(cm(), {.label_selector = "tier=web"});
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ((*list)["items"].size(), 1U);

  auto removed = client_->remove(cm(), "settings");
  ASSERT_TRUE(removed) << removed.error().describe();
  auto gone = client_->get(cm(), "settings");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().reason, ErrorReason::not_found);
  EXPECT_EQ(gone.error().http_status, 404);
}

TEST_F(RestClientE2E, StaleUpdateIsATypedConflict) {
  auto created = client_->create(cm(), config_map("race", {{"v", "0"}}));
  ASSERT_TRUE(created) << created.error().describe();
  Json first = *created;
  Json second = *created;
  first["data"]["v"] = "1";
  ASSERT_TRUE(client_->update(cm(), first));
  second["data"]["v"] = "2";
  auto stale = client_->update(cm(), second);  // still carries the old resourceVersion
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().reason, ErrorReason::conflict);
  EXPECT_EQ(stale.error().http_status, 409);
  EXPECT_NE(stale.error().message.find("modified"), std::string::npos);
}

TEST_F(RestClientE2E, ServerSideApplyConflictThenForce) {
  const Json mine = config_map("owned", {{"key", "from-a"}});
  auto applied = client_->apply(cm(), mine, {"manager-a", kube::Force::no});
  ASSERT_TRUE(applied) << applied.error().describe();

  const Json theirs = config_map("owned", {{"key", "from-b"}});
  auto conflict = client_->apply(cm(), theirs, {"manager-b", kube::Force::no});
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().reason, ErrorReason::conflict);
  ASSERT_FALSE(conflict.error().causes.empty());
  EXPECT_EQ(conflict.error().causes[0].field, ".data.key");

  auto forced = client_->apply(cm(), theirs, {"manager-b", kube::Force::yes});
  ASSERT_TRUE(forced) << forced.error().describe();
  EXPECT_EQ((*forced)["data"]["key"], "from-b");
  bool b_owns = false;
  for (const auto& entry : (*forced)["metadata"]["managedFields"]) {
    if (entry["manager"] == "manager-b")
      b_owns = true;
  }
  EXPECT_TRUE(b_owns);
}

TEST_F(RestClientE2E, ListPaginatesMoreThan500Objects) {
  constexpr int kCount = 520;
  // Create in a few threads: one client is thread-safe and shares its connections.
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kCount; i += 4) {
        if (!client_->create(cm(), config_map("item-" + std::to_string(i), {{"i", "x"}}))) {
          ++failures;
        }
      }
    });
  }
  for (auto& writer : writers)
    writer.join();
  ASSERT_EQ(failures.load(), 0);

  auto first_page = client_->list(cm(), {.limit = 200});
  ASSERT_TRUE(first_page) << first_page.error().describe();
  EXPECT_EQ((*first_page)["items"].size(), 200U);
  EXPECT_FALSE((*first_page)["metadata"]["continue"].get<std::string>().empty());

  auto all = client_->list_all(cm(), {});
  ASSERT_TRUE(all) << all.error().describe();
  // The namespace also holds kube-root-ca.crt if the root CA publisher runs; count ours.
  int ours = 0;
  std::set<std::string> names;
  for (const auto& item : (*all)["items"]) {
    const std::string name = item["metadata"]["name"];
    if (name.starts_with("item-"))
      ++ours;
    names.insert(name);
  }
  EXPECT_EQ(ours, kCount);
  EXPECT_EQ(names.size(), (*all)["items"].size()) << "no object may appear twice";
}

TEST_F(RestClientE2E, StatusAndScaleSubresources) {
  const kube::ResourceRef deployments{"apps/v1", "Deployment", ns_.name()};
  const Json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "web"}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", {{"app", "web"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", Json::array({{{"name", "web"}, {"image", "web:1"}}})}}}}}}}};
  ASSERT_TRUE(client_->create(deployments, deployment));
  auto scale = client_->get(deployments, "web", kube::kScale);
  ASSERT_TRUE(scale) << scale.error().describe();
  EXPECT_EQ((*scale)["kind"], "Scale");
  // The deployment controller writes status concurrently, so patch rather than PUT a copy.
  auto scaled = client_->patch(deployments, "web", kube::PatchType::json_merge,
                               {{"spec", {{"replicas", 3}}}}, kube::kScale);
  ASSERT_TRUE(scaled) << scaled.error().describe();
  auto after = client_->get(deployments, "web");
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)["spec"]["replicas"], 3);
  auto status = client_->get(deployments, "web", kube::kStatus);
  ASSERT_TRUE(status) << status.error().describe();
  EXPECT_TRUE(status->contains("status"));
}

TEST_F(RestClientE2E, InvalidObjectNamesTheField) {
  auto invalid = client_->create(cm(), config_map("Not_A_Valid_Name", {{"a", "b"}}));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().reason, ErrorReason::invalid);
  ASSERT_FALSE(invalid.error().causes.empty());
  EXPECT_EQ(invalid.error().causes[0].field, "metadata.name");
}

}  // namespace
}  // namespace cutover::e2e
