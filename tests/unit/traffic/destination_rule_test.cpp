// The subsets of a DestinationRule: Cutover reads and sets one label key of a named subset and
// leaves everything else of the user's object alone.
#include "traffic/destination_rule.hpp"

#include <gtest/gtest.h>

namespace cutover::traffic {
namespace {

using kube::Json;

constexpr const char* kLabel = "cutover.dev/slot";

Json user_rule() {
  return Json::parse(R"({
    "apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"host": "web", "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"}},
      "subsets": [
        {"name": "legacy", "labels": {"version": "v1"}},
        {"name": "stable", "labels": {"app": "web", "cutover.dev/slot": "a"}},
        {"name": "canary"}]}})");
}

TEST(DestinationRule, ReadsTheLabelOfEachSubset) {
  EXPECT_EQ(subset_label_values(user_rule(), kLabel),
            (std::map<std::string, std::string>{{"legacy", ""}, {"stable", "a"}, {"canary", ""}}));
  EXPECT_TRUE(subset_label_values(Json(), kLabel).empty());
  EXPECT_TRUE(subset_label_values(Json::parse(R"({"spec": {"subsets": "x"}})"), kLabel).empty());
  EXPECT_TRUE(
      subset_label_values(Json::parse(R"({"spec": {"subsets": [3, {"labels": 4}]}})"), kLabel)
          .empty());
}

TEST(DestinationRule, SetsOnlyItsKeyGuardedByTheSubsetsName) {
  const Json rule = user_rule();
  auto patch = subset_label_patch(rule, "DestinationRule shop/web", "stable", kLabel, "b");
  ASSERT_TRUE(patch.has_value()) << patch.error();
  EXPECT_EQ(*patch, Json::parse(R"([
    {"op": "test", "path": "/spec/subsets/1/name", "value": "stable"},
    {"op": "add", "path": "/spec/subsets/1/labels/cutover.dev~1slot", "value": "b"}])"));
  Json expected = rule;
  expected["spec"]["subsets"][1]["labels"][kLabel] = "b";
  EXPECT_EQ(rule.patch(*patch), expected);
  // A subset without labels gets them.
  patch = subset_label_patch(rule, "DestinationRule shop/web", "canary", kLabel, "a");
  ASSERT_TRUE(patch.has_value());
  EXPECT_EQ(rule.patch(*patch)["spec"]["subsets"][2]["labels"], Json({{kLabel, "a"}}));
  // Already so: nothing to write.
  EXPECT_TRUE(
      subset_label_patch(rule, "DestinationRule shop/web", "stable", kLabel, "a")->is_null());
}

TEST(DestinationRule, RemovesItsKeyOnDeletion) {
  const Json rule = user_rule();
  auto patch = subset_label_patch(rule, "DestinationRule shop/web", "stable", kLabel, std::nullopt);
  ASSERT_TRUE(patch.has_value());
  Json expected = rule;
  expected["spec"]["subsets"][1]["labels"].erase(kLabel);
  EXPECT_EQ(rule.patch(*patch), expected) << "the user's own labels stay";
  EXPECT_TRUE(subset_label_patch(rule, "DestinationRule shop/web", "canary", kLabel, std::nullopt)
                  ->is_null());
}

TEST(DestinationRule, AMissingSubsetIsAnErrorNamingTheFix) {
  const auto patch =
      subset_label_patch(user_rule(), "DestinationRule shop/web", "green", kLabel, "a");
  ASSERT_FALSE(patch.has_value());
  EXPECT_NE(patch.error().find("DestinationRule shop/web has no subset named green"),
            std::string::npos)
      << patch.error();
  EXPECT_NE(patch.error().find("istio.destinationRule"), std::string::npos);
  EXPECT_FALSE(subset_label_patch(Json(), "DestinationRule shop/web", "green", kLabel, "a"));
}

}  // namespace
}  // namespace cutover::traffic
