#include "notify/subscriptions.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cutover::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Json = nlohmann::json;

TEST(SubscriptionsTest, TriggerServiceAndTrimmedRecipients) {
  const Json annotations = {
      {"notifications.cutover.dev/subscribe.on-rollout-aborted.email", "a@x; b@y "}};
  EXPECT_THAT(parse_subscriptions(annotations, {}),
              ElementsAre(Subscription{"on-rollout-aborted", "email", {"a@x", "b@y"}}));
}

TEST(SubscriptionsTest, TabsAndEmptyRecipientsAreDropped) {
  const Json annotations = {
      {"notifications.cutover.dev/subscribe.on-rollout-completed.github", "\tacme/web ;; ;"}};
  EXPECT_THAT(parse_subscriptions(annotations, {}),
              ElementsAre(Subscription{"on-rollout-completed", "github", {"acme/web"}}));
}

TEST(SubscriptionsTest, ArgoPrefixIsReadToo) {
  const Json annotations = {{"notifications.argoproj.io/subscribe.on-rollout-aborted.slack", ""},
                            {"notifications.cutover.dev/subscribe.on-rollout-completed.slack", ""}};
  EXPECT_THAT(parse_subscriptions(annotations, {}),
              ElementsAre(Subscription{"on-rollout-aborted", "slack", {""}},
                          Subscription{"on-rollout-completed", "slack", {""}}));
}

TEST(SubscriptionsTest, ServiceAloneTakesTheGivenDefaultTriggers) {
  const Json annotations = {{"notifications.cutover.dev/subscribe.slack", ""}};
  EXPECT_THAT(parse_subscriptions(annotations, {"on-rollout-aborted", "on-analysis-failed"}),
              ElementsAre(Subscription{"on-rollout-aborted", "slack", {""}},
                          Subscription{"on-analysis-failed", "slack", {""}}));
}

TEST(SubscriptionsTest, ServiceAloneWithoutDefaultsTakesTheFallback) {
  const Json annotations = {{"notifications.cutover.dev/subscribe.slack", ""}};
  const auto subscriptions = parse_subscriptions(annotations, {});
  const auto& fallback = fallback_default_triggers();
  ASSERT_FALSE(fallback.empty());
  ASSERT_THAT(subscriptions, SizeIs(fallback.size()));
  for (std::size_t i = 0; i < fallback.size(); ++i)
    EXPECT_EQ(subscriptions[i], (Subscription{fallback[i], "slack", {""}}));
}

TEST(SubscriptionsTest, FallbackDefaultTriggersAreTheEndsOfEachKind) {
  EXPECT_THAT(fallback_default_triggers(),
              ElementsAre("on-rollout-aborted", "on-rollout-completed", "on-migration-aborted",
                          "on-migration-completed", "on-flag-rollout-aborted",
                          "on-flag-rollout-completed", "on-analysis-failed"));
}

TEST(SubscriptionsTest, ServiceKeepsTheDotsAfterTheTrigger) {
  // The trigger ends at the first dot; the rest, dots and all, is the service. Config refuses a
  // service name with dots, so such a subscription names an unknown service (dispatch warns).
  const Json annotations = {{"notifications.cutover.dev/subscribe.on-x.webhook.ops", "r"}};
  EXPECT_THAT(parse_subscriptions(annotations, {}),
              ElementsAre(Subscription{"on-x", "webhook.ops", {"r"}}));
}

TEST(SubscriptionsTest, DottedNameWithoutTriggerIsOneService) {
  const Json annotations = {{"notifications.cutover.dev/subscribe.webhook.ops", ""}};
  EXPECT_THAT(parse_subscriptions(annotations, {"on-rollout-aborted"}),
              ElementsAre(Subscription{"on-rollout-aborted", "webhook.ops", {""}}));
}

TEST(SubscriptionsTest, ServiceStartingWithOnButNoDotIsAService) {
  const Json annotations = {{"notifications.cutover.dev/subscribe.on-call", ""}};
  EXPECT_THAT(parse_subscriptions(annotations, {"on-rollout-aborted"}),
              ElementsAre(Subscription{"on-rollout-aborted", "on-call", {""}}));
}

TEST(SubscriptionsTest, TriggerWithoutServiceOrEmptyRestIsIgnored) {
  const Json annotations = {{"notifications.cutover.dev/subscribe.on-rollout-aborted.", "a"},
                            {"notifications.cutover.dev/subscribe.", "a"},
                            {"notifications.argoproj.io/subscribe.", "a"}};
  EXPECT_THAT(parse_subscriptions(annotations, {}), IsEmpty());
}

TEST(SubscriptionsTest, NonStringValuesAreIgnored) {
  const Json annotations = {{"notifications.cutover.dev/subscribe.on-rollout-aborted.email", 3},
                            {"notifications.cutover.dev/subscribe.slack", nullptr},
                            {"notifications.cutover.dev/subscribe.teams", {{"a", "b"}}},
                            {"notifications.cutover.dev/subscribe.webhook", Json::array({"x"})}};
  EXPECT_THAT(parse_subscriptions(annotations, {}), IsEmpty());
}

TEST(SubscriptionsTest, AnnotationsThatAreNotAnObjectGiveNone) {
  for (const Json& annotations :
       {Json(nullptr), Json::array({"notifications.cutover.dev/subscribe.slack"}),
        Json("notifications.cutover.dev/subscribe.slack"), Json(1)}) {
    EXPECT_THAT(parse_subscriptions(annotations, {}), IsEmpty()) << annotations.dump();
  }
}

TEST(SubscriptionsTest, UnrelatedAnnotationsAreIgnored) {
  const Json annotations = {
      {"cutover.dev/git-sha", "abc"},
      {"notifications.cutover.dev/other", "x"},
      {"notifications.cutover.dev/subscribe", "x"},
      {"example.com/notifications.cutover.dev/subscribe.slack", "x"},
      {"notifications.cutover.dev/subscribe.on-rollout-aborted.slack", "#ops"}};
  EXPECT_THAT(parse_subscriptions(annotations, {}),
              ElementsAre(Subscription{"on-rollout-aborted", "slack", {"#ops"}}));
}

// A YAML block annotation ends in a newline, and one recipient per line is natural there: no CR
// or LF stays in a recipient (it would reach a mail header).
TEST(SubscriptionsTest, LineEndsSeparateRecipientsToo) {
  const Json annotations = {
      {"notifications.cutover.dev/subscribe.on-rollout-aborted.email", "a@x\r\nb@y\n"}};
  EXPECT_THAT(parse_subscriptions(annotations, {}),
              ElementsAre(Subscription{"on-rollout-aborted", "email", {"a@x", "b@y"}}));
}

}  // namespace
}  // namespace cutover::notify
