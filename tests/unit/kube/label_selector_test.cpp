// LabelSelector: the equality-based selectors a cached list answers in memory.
#include "kube/label_selector.hpp"

#include <gtest/gtest.h>

namespace cutover::kube {
namespace {

const Json kLabels = {{"app", "web"}, {"cutover.dev/rollout", "web"}, {"cutover.dev/slot", "a"}};

bool selects(const std::string& text, const Json& labels = kLabels) {
  const auto selector = LabelSelector::parse(text);
  EXPECT_TRUE(selector.has_value()) << text;
  return selector && selector->matches(labels);
}

TEST(LabelSelector, MatchesEqualityTerms) {
  EXPECT_TRUE(selects(""));
  EXPECT_TRUE(selects("app=web"));
  EXPECT_TRUE(selects("app==web"));
  EXPECT_TRUE(selects("cutover.dev/rollout=web,cutover.dev/slot=a"));
  EXPECT_FALSE(selects("cutover.dev/rollout=web,cutover.dev/slot=b"));
  EXPECT_TRUE(selects("app!=pay"));
  EXPECT_FALSE(selects("app!=web"));
  EXPECT_TRUE(selects("tier!=db")) << "!= holds for a missing label";
  EXPECT_TRUE(selects("cutover.dev/rollout"));
  EXPECT_FALSE(selects("cutover.dev/instance-id"));
  EXPECT_TRUE(selects("!cutover.dev/instance-id"));
  EXPECT_FALSE(selects("!app"));
  EXPECT_TRUE(selects(" app = web , cutover.dev/slot=a "));
  EXPECT_FALSE(selects("app=web", Json())) << "no labels at all";
  EXPECT_TRUE(selects("!app", Json()));
}

TEST(LabelSelector, RefusesWhatItCannotMatch) {
  for (const char* text : {"app in (web,pay)", "app notin (db)", "=web", "app=web=x", ",",
                           "app=web,", "!", "a b=c", "app=(web)"}) {
    EXPECT_FALSE(LabelSelector::parse(text).has_value()) << text;
  }
}

TEST(LabelSelector, SaysWhichValueAnIndexCanLookUp) {
  const auto selector = LabelSelector::parse("cutover.dev/rollout=web,cutover.dev/slot!=b");
  ASSERT_TRUE(selector);
  EXPECT_EQ(selector->required("cutover.dev/rollout"), "web");
  EXPECT_EQ(selector->required("cutover.dev/slot"), std::nullopt);
}

}  // namespace
}  // namespace cutover::kube
