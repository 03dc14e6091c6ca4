#include "notify/dispatch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "notify/notification_context.hpp"

namespace cutover::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Json rollout_object(const std::string& revision = "7") {
  Json object = Json::parse(R"({
    "kind": "Rollout",
    "metadata": {"namespace": "shop", "name": "web"},
    "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}},
    "status": {"phase": "Degraded", "abortReason": "error rate too high"}
  })");
  object["status"]["currentRevision"] = revision;
  return object;
}

Json failed_run() {
  return Json::parse(R"({
    "metadata": {"name": "web-7-step-2", "creationTimestamp": "2026-11-22T01:00:00Z"},
    "spec": {"revision": "7", "gate": "step-2", "metrics": [
      {"policy": "http", "name": "error-rate",
       "threshold": {"query": "errors", "successCondition": "result < 0.01"}}]},
    "status": {"phase": "Failed", "message": "error-rate failed", "metricResults": [
      {"name": "http/error-rate", "phase": "Failed", "measurements": [
        {"phase": "Failed", "value": "0.042", "startedAt": "2026-11-22T01:00:00Z",
         "finishedAt": "2026-11-22T01:00:05Z"}]}]}
  })");
}

Json context(const std::string& revision = "7") {
  return notification_context("", rollout_object(revision), {failed_run()});
}

// A configuration with an email service "mail", a webhook "ops", a template "mine" and a
// trigger "on-rollout-aborted" that sends it.
NotifyConfig base_config() {
  NotifyConfig config;
  config.services["mail"] = {"mail", ServiceType::email, {{"host", "smtp.example"}}};
  config.services["ops"] = {"ops", ServiceType::webhook, {{"url", "https://ops.example/hook"}}};
  config.templates["mine"] = {{"message", "{{name}} hit {{trigger}}"},
                              {"email", {{"subject", "[{{namespace}}] {{name}}"}}}};
  config.triggers["on-rollout-aborted"] = {{.send = {"mine"}, .once_per = ""}};
  return config;
}

std::vector<Outgoing> plan(const NotifyConfig& config, const std::vector<Subscription>& subs,
                           const std::vector<std::string>& fired,
                           std::vector<std::string>& warnings, const Json& with = context()) {
  return plan_notifications(config, subs, fired, with, warnings);
}

TEST(DispatchTest, OneDeliveryPerRecipientRendered) {
  std::vector<std::string> warnings;
  const auto out = plan(base_config(), {{"on-rollout-aborted", "mail", {"a@x", "b@y"}}},
                        {"on-rollout-aborted"}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_THAT(out, SizeIs(2));
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].service.name, "mail");
    EXPECT_EQ(out[i].service.type, ServiceType::email);
    EXPECT_EQ(out[i].service.settings["host"], "smtp.example");
    EXPECT_EQ(out[i].message.service, "mail");
    EXPECT_EQ(out[i].message.trigger, "on-rollout-aborted");
    EXPECT_EQ(out[i].message.text, "web hit on-rollout-aborted");
    EXPECT_EQ(out[i].message.subject, "[shop] web");
    EXPECT_EQ(out[i].message.context["trigger"], "on-rollout-aborted");
    EXPECT_EQ(out[i].message.context["name"], "web");
    // The template's block for the service's type, rendered.
    EXPECT_EQ(out[i].message.extra, Json({{"subject", "[shop] web"}}));
    EXPECT_EQ(out[i].once_key, "");
  }
  EXPECT_EQ(out[0].message.recipient, "a@x");
  EXPECT_EQ(out[1].message.recipient, "b@y");
}

TEST(DispatchTest, SubjectDefaultsWhenTheTemplateHasNone) {
  NotifyConfig with_plain = base_config();
  with_plain.templates["mine"] = {{"message", "m"}};
  std::vector<std::string> warnings;
  const auto out =
      plan(with_plain, {{"on-rollout-aborted", "mail", {"a@x"}}}, {"on-rollout-aborted"}, warnings);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].message.subject, "[cutover] Rollout shop/web: on-rollout-aborted");
}

TEST(DispatchTest, TriggerNotFiredSendsNothing) {
  std::vector<std::string> warnings;
  EXPECT_THAT(plan(base_config(), {{"on-rollout-aborted", "mail", {"a@x"}}},
                   {"on-rollout-completed", "on-analysis-failed"}, warnings),
              IsEmpty());
  EXPECT_THAT(plan(base_config(), {{"on-rollout-aborted", "mail", {"a@x"}}}, {}, warnings),
              IsEmpty());
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(DispatchTest, UnknownServiceWarnsWithTheFixAndIsSkipped) {
  std::vector<std::string> warnings;
  const auto out = plan(
      base_config(), {{"on-rollout-aborted", "pager", {""}}, {"on-rollout-aborted", "ops", {""}}},
      {"on-rollout-aborted"}, warnings);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].service.name, "ops");
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("\"pager\""));
  EXPECT_THAT(warnings[0], HasSubstr("on-rollout-aborted"));
  EXPECT_THAT(warnings[0], HasSubstr("service.<type>.pager"));
  EXPECT_THAT(warnings[0], HasSubstr("cutover-notifications"));
}

TEST(DispatchTest, UnknownTriggerWarns) {
  std::vector<std::string> warnings;
  EXPECT_THAT(plan(base_config(), {{"on-deployed", "ops", {""}}}, {"on-deployed"}, warnings),
              IsEmpty());
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("\"on-deployed\""));
  EXPECT_THAT(warnings[0], HasSubstr("trigger.on-deployed"));
}

TEST(DispatchTest, TriggerSendingAnUnknownTemplateWarns) {
  NotifyConfig broken = base_config();
  broken.triggers["on-rollout-aborted"] = {{.send = {"missing", "mine"}, .once_per = ""}};
  std::vector<std::string> warnings;
  const auto out =
      plan(broken, {{"on-rollout-aborted", "ops", {""}}}, {"on-rollout-aborted"}, warnings);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].message.text, "web hit on-rollout-aborted");
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("\"missing\""));
  EXPECT_THAT(warnings[0], HasSubstr("template.missing"));
  EXPECT_THAT(warnings[0], HasSubstr("on-rollout-aborted"));
}

TEST(DispatchTest, TemplateThatDoesNotRenderWarns) {
  NotifyConfig broken = base_config();
  broken.templates["mine"] = {{"message", "{{#name}} unclosed"}};
  std::vector<std::string> warnings;
  EXPECT_THAT(plan(broken, {{"on-rollout-aborted", "ops", {""}}}, {"on-rollout-aborted"}, warnings),
              IsEmpty());
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(warnings[0], HasSubstr("template mine does not render"));
}

TEST(DispatchTest, BuiltInAbortedMessageCarriesTheEvidence) {
  NotifyConfig builtin;
  builtin.services["ops"] = {"ops", ServiceType::webhook, {{"url", "https://ops.example/hook"}}};
  std::vector<std::string> warnings;
  const auto out =
      plan(builtin, {{"on-rollout-aborted", "ops", {""}}}, {"on-rollout-aborted"}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_THAT(out, SizeIs(1));
  const std::string& text = out[0].message.text;
  EXPECT_THAT(text, HasSubstr("Rollout shop/web was rolled back: error rate too high."));
  EXPECT_THAT(text, HasSubstr("Analysis web-7-step-2: Failed (error-rate failed)"));
  EXPECT_THAT(text, HasSubstr("- http/error-rate: 0.042 (Failed; success when result < 0.01)"));
  EXPECT_EQ(out[0].message.subject, "[cutover] Rollout shop/web: on-rollout-aborted");
}

TEST(DispatchTest, BuiltInMessageWithoutAnalysisHasNoEvidence) {
  NotifyConfig builtin;
  builtin.services["ops"] = {"ops", ServiceType::webhook, {{"url", "https://ops.example/hook"}}};
  std::vector<std::string> warnings;
  const auto out = plan(builtin, {{"on-rollout-completed", "ops", {""}}}, {"on-rollout-completed"},
                        warnings, notification_context("", rollout_object(), {}));
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].message.text, "Rollout shop/web: revision 7 (web=web:2) is stable.");
}

TEST(DispatchTest, OncePerGivesAKeyWithTheContextValue) {
  NotifyConfig once = base_config();
  once.triggers["on-rollout-aborted"] = {
      {.send = {"mine"}, .once_per = "rollout.status.currentRevision"}};
  std::vector<std::string> warnings;
  const std::vector<Subscription> subs = {{"on-rollout-aborted", "mail", {"a@x", "b@y"}}};
  const auto seven = plan(once, subs, {"on-rollout-aborted"}, warnings, context("7"));
  const auto eight = plan(once, subs, {"on-rollout-aborted"}, warnings, context("8"));
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_THAT(seven, SizeIs(2));
  ASSERT_THAT(eight, SizeIs(2));
  EXPECT_THAT(seven[0].once_key, HasSubstr("on-rollout-aborted"));
  EXPECT_THAT(seven[0].once_key, HasSubstr("a@x"));
  EXPECT_TRUE(seven[0].once_key.ends_with("\n7")) << seven[0].once_key;
  EXPECT_TRUE(eight[0].once_key.ends_with("\n8")) << eight[0].once_key;
  // Each recipient gets it once, and a new revision again.
  EXPECT_NE(seven[0].once_key, seven[1].once_key);
  EXPECT_NE(seven[0].once_key, eight[0].once_key);
  // The same pass planned again gives the same key.
  EXPECT_EQ(plan(once, subs, {"on-rollout-aborted"}, warnings, context("7"))[0].once_key,
            seven[0].once_key);
}

TEST(DispatchTest, SameSubscriptionTwiceIsDeliveredOnce) {
  std::vector<std::string> warnings;
  const Subscription sub = {"on-rollout-aborted", "mail", {"a@x", "a@x"}};
  const auto out = plan(base_config(), {sub, sub}, {"on-rollout-aborted"}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].message.recipient, "a@x");
}

TEST(DispatchTest, WebhookBlockOfTheServiceIsRenderedIntoExtra) {
  NotifyConfig hooks = base_config();
  hooks.services["other"] = {"other", ServiceType::webhook, {{"url", "https://other.example"}}};
  hooks.templates["mine"]["webhook"] = {
      {"ops",
       {{"method", "PUT"}, {"path", "/releases/{{name}}"}, {"body", R"({"rev":"{{revision}}"})"}}}};
  std::vector<std::string> warnings;
  const auto out =
      plan(hooks, {{"on-rollout-aborted", "ops", {""}}, {"on-rollout-aborted", "other", {""}}},
           {"on-rollout-aborted"}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_THAT(out, SizeIs(2));
  EXPECT_EQ(out[0].message.extra,
            Json({{"method", "PUT"}, {"path", "/releases/web"}, {"body", R"({"rev":"7"})"}}));
  // A webhook the template has no block for gets none.
  EXPECT_EQ(out[1].service.name, "other");
  EXPECT_EQ(out[1].message.extra, Json::object());
}

TEST(DispatchTest, BlockOfTheServiceTypeIsRenderedIntoExtra) {
  NotifyConfig github = base_config();
  github.services["gh"] = {"gh", ServiceType::github, {{"token", "t"}}};
  github.templates["mine"]["github"] = {{"description", "{{name}} {{revision}}"}, {"count", 3}};
  std::vector<std::string> warnings;
  const auto out =
      plan(github, {{"on-rollout-aborted", "gh", {"acme/web"}}}, {"on-rollout-aborted"}, warnings);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].message.extra, Json({{"description", "web 7"}, {"count", 3}}));
}

// A subject that is not text (a number, an empty YAML value) falls back to the default, not to
// an exception that would end the operator on every pass.
TEST(DispatchTest, ASubjectThatIsNotTextFallsBackToTheDefault) {
  for (const Json& subject : {Json(nullptr), Json(2024), Json::array()}) {
    NotifyConfig config = base_config();
    config.templates["mine"]["email"]["subject"] = subject;
    std::vector<std::string> warnings;
    const auto out =
        plan(config, {{"on-rollout-aborted", "mail", {"a@x"}}}, {"on-rollout-aborted"}, warnings);
    ASSERT_THAT(out, SizeIs(1)) << subject.dump();
    EXPECT_EQ(out[0].message.subject, "[cutover] Rollout shop/web: on-rollout-aborted");
  }
}

}  // namespace
}  // namespace cutover::notify
