#include "notify/notify_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "util/encoding.hpp"

namespace cutover::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr const char* kSource = "ConfigMap ops/cutover-notifications";

// A Secret's data as the API serves it: every value base64.
Json secret_data(const std::map<std::string, std::string>& plain) {
  Json data = Json::object();
  for (const auto& [key, value] : plain)
    data[key] = base64_encode(value);
  return data;
}

NotifyConfig parse(const Json& config_data, const Json& secrets = Json::object()) {
  return parse_notify_config(config_data, secrets, kSource);
}

TEST(NotifyConfigTest, ServiceWithoutNameIsNamedAfterItsType) {
  const NotifyConfig config = parse({{"service.slack", "webhookUrl: https://hooks.example/x"}});
  EXPECT_THAT(config.warnings, IsEmpty());
  ASSERT_EQ(config.services.count("slack"), 1U);
  const ServiceConfig& slack = config.services.at("slack");
  EXPECT_EQ(slack.name, "slack");
  EXPECT_EQ(slack.type, ServiceType::slack);
  EXPECT_EQ(slack.settings, Json({{"webhookUrl", "https://hooks.example/x"}}));
}

TEST(NotifyConfigTest, ServiceWithNameIsNamedByIt) {
  const NotifyConfig config = parse({{"service.webhook.ops", "url: https://ops.example/hook"},
                                     {"service.email.oncall", "host: smtp.example\nport: 25"}});
  EXPECT_THAT(config.warnings, IsEmpty());
  ASSERT_THAT(config.services, SizeIs(2));
  EXPECT_EQ(config.services.at("ops").name, "ops");
  EXPECT_EQ(config.services.at("ops").type, ServiceType::webhook);
  EXPECT_EQ(config.services.at("oncall").type, ServiceType::email);
  EXPECT_EQ(config.services.at("oncall").settings["port"], 25);
}

TEST(NotifyConfigTest, EveryServiceTypeIsKnown) {
  for (const char* type : {"slack", "teams", "webhook", "email", "github"}) {
    const auto parsed = service_type(type);
    ASSERT_TRUE(parsed.has_value()) << type;
    EXPECT_EQ(to_string(*parsed), type);
  }
  EXPECT_FALSE(service_type("pagerduty").has_value());
  EXPECT_FALSE(service_type("").has_value());
  EXPECT_FALSE(service_type("Slack").has_value());
}

TEST(NotifyConfigTest, UnknownServiceTypeWarnsWithTheKnownTypesAndIsSkipped) {
  const NotifyConfig config = parse({{"service.pagerduty.oncall", "token: x"},
                                     {"service.slack", "webhookUrl: https://hooks.example/x"}});
  EXPECT_THAT(config.services, SizeIs(1));
  EXPECT_EQ(config.services.count("oncall"), 0U);
  ASSERT_THAT(config.warnings, SizeIs(1));
  const std::string& warning = config.warnings[0];
  EXPECT_THAT(warning, HasSubstr(kSource));
  EXPECT_THAT(warning, HasSubstr("service.pagerduty.oncall"));
  EXPECT_THAT(warning, HasSubstr("\"pagerduty\""));
  for (const char* type : {"slack", "teams", "webhook", "email", "github"})
    EXPECT_THAT(warning, HasSubstr(type));
}

TEST(NotifyConfigTest, DottedOrEmptyServiceNameIsRefused) {
  const NotifyConfig config =
      parse({{"service.webhook.ops.eu", "url: https://x"}, {"service.webhook.", "url: https://y"}});
  EXPECT_THAT(config.services, IsEmpty());
  ASSERT_THAT(config.warnings, SizeIs(2));
  EXPECT_THAT(config.warnings[0], HasSubstr("service.webhook."));
  EXPECT_THAT(config.warnings[1], HasSubstr("service.webhook.ops.eu"));
  for (const auto& warning : config.warnings)
    EXPECT_THAT(warning, HasSubstr("without dots"));
}

TEST(NotifyConfigTest, YamlThatDoesNotParseWarnsAndTheRestIsStillRead) {
  const NotifyConfig config = parse({{"service.slack", "webhookUrl: [unclosed"},
                                     {"service.teams", "webhookUrl: https://teams.example/x"},
                                     {"template.mine", "message: hi"}});
  ASSERT_THAT(config.warnings, SizeIs(1));
  EXPECT_THAT(config.warnings[0], HasSubstr("service.slack"));
  EXPECT_THAT(config.warnings[0], HasSubstr("not YAML"));
  EXPECT_EQ(config.services.count("slack"), 0U);
  EXPECT_EQ(config.services.count("teams"), 1U);
  EXPECT_EQ(config.templates.count("mine"), 1U);
}

TEST(NotifyConfigTest, ServiceThatIsNotAMappingWarns) {
  const NotifyConfig config = parse({{"service.slack", "just some text"}});
  EXPECT_THAT(config.services, IsEmpty());
  ASSERT_THAT(config.warnings, SizeIs(1));
  EXPECT_THAT(config.warnings[0], HasSubstr("service.slack"));
  EXPECT_THAT(config.warnings[0], HasSubstr("mapping"));
}

TEST(NotifyConfigTest, SecretsAreSubstitutedInNestedStringsAndLists) {
  const Json secrets = secret_data({{"hook-url", "https://hooks.example/T0/B0/s3cr3t"},
                                    {"token", "t0k3n"},
                                    {"signing.key", "k"}});
  const NotifyConfig config = parse({{"service.webhook.ops",
                                      "url: $hook-url\n"
                                      "secret: $signing.key\n"
                                      "retries: 3\n"
                                      "headers:\n"
                                      "  Authorization: Bearer $token\n"
                                      "list:\n"
                                      "  - $token\n"
                                      "  - plain\n"
                                      "  - {inner: \"x/$token/y\"}\n"}},
                                    secrets);
  EXPECT_THAT(config.warnings, IsEmpty());
  ASSERT_EQ(config.services.count("ops"), 1U);
  const Json& settings = config.services.at("ops").settings;
  EXPECT_EQ(settings["url"], "https://hooks.example/T0/B0/s3cr3t");
  EXPECT_EQ(settings["secret"], "k");
  EXPECT_EQ(settings["retries"], 3);
  EXPECT_EQ(settings["headers"]["Authorization"], "Bearer t0k3n");
  EXPECT_EQ(settings["list"], Json({"t0k3n", "plain", {{"inner", "x/t0k3n/y"}}}));
}

TEST(NotifyConfigTest, MissingSecretKeyStaysLiteralAndWarns) {
  const NotifyConfig config =
      parse({{"service.slack", "webhookUrl: https://x/$absent/y"}}, secret_data({{"other", "v"}}));
  ASSERT_EQ(config.services.count("slack"), 1U);
  EXPECT_EQ(config.services.at("slack").settings["webhookUrl"], "https://x/$absent/y");
  ASSERT_THAT(config.warnings, SizeIs(1));
  EXPECT_THAT(config.warnings[0], HasSubstr("service.slack"));
  EXPECT_THAT(config.warnings[0], HasSubstr("$absent"));
  EXPECT_THAT(config.warnings[0], HasSubstr("Secret cutover-notifications"));
}

TEST(NotifyConfigTest, SecretValueThatIsNotBase64WarnsAndIsNotUsed) {
  Json secrets = secret_data({{"good", "g"}});
  secrets["bad"] = "not base64!";
  secrets["number"] = 12;
  const NotifyConfig config = parse({{"service.webhook.ops", "url: $good\nsecret: $bad"}}, secrets);
  ASSERT_EQ(config.services.count("ops"), 1U);
  EXPECT_EQ(config.services.at("ops").settings["url"], "g");
  EXPECT_EQ(config.services.at("ops").settings["secret"], "$bad");
  // One for each undecodable value, one for the reference that could not be resolved.
  ASSERT_THAT(config.warnings, SizeIs(3));
  EXPECT_THAT(config.warnings[0], HasSubstr("key bad"));
  EXPECT_THAT(config.warnings[0], HasSubstr("not base64"));
  EXPECT_THAT(config.warnings[1], HasSubstr("key number"));
  EXPECT_THAT(config.warnings[1], HasSubstr("not base64"));
  EXPECT_THAT(config.warnings[2], HasSubstr("$bad"));
}

TEST(NotifyConfigTest, TriggerIsAListOfConditionsWithSendAndOncePer) {
  const NotifyConfig config =
      parse({{"trigger.on-rollout-completed",
              "- send: [mine, theirs]\n  oncePer: rollout.status.currentRevision\n"
              "- send: [other]\n"}});
  EXPECT_THAT(config.warnings, IsEmpty());
  ASSERT_EQ(config.triggers.count("on-rollout-completed"), 1U);
  const auto& conditions = config.triggers.at("on-rollout-completed");
  ASSERT_THAT(conditions, SizeIs(2));
  EXPECT_THAT(conditions[0].send, ElementsAre("mine", "theirs"));
  EXPECT_EQ(conditions[0].once_per, "rollout.status.currentRevision");
  EXPECT_THAT(conditions[1].send, ElementsAre("other"));
  EXPECT_EQ(conditions[1].once_per, "");
}

TEST(NotifyConfigTest, WhenWarnsButTheTriggerIsKept) {
  const NotifyConfig config = parse(
      {{"trigger.on-rollout-aborted", "- send: [mine]\n  when: app.status.phase == 'Degraded'\n"}});
  ASSERT_EQ(config.triggers.count("on-rollout-aborted"), 1U);
  EXPECT_THAT(config.triggers.at("on-rollout-aborted")[0].send, ElementsAre("mine"));
  ASSERT_THAT(config.warnings, SizeIs(1));
  EXPECT_THAT(config.warnings[0], HasSubstr("trigger.on-rollout-aborted"));
  EXPECT_THAT(config.warnings[0], HasSubstr("`when`"));
}

TEST(NotifyConfigTest, TriggerThatIsNotAListWarnsAndIsSkipped) {
  const NotifyConfig config = parse({{"trigger.on-x", "send: [mine]"},
                                     {"trigger.on-y", "- send: mine"},
                                     {"trigger.on-rollout-paused", "- send: [ok]"}});
  EXPECT_EQ(config.triggers.count("on-x"), 0U);
  EXPECT_EQ(config.triggers.count("on-y"), 0U);
  EXPECT_EQ(config.triggers.count("on-rollout-paused"), 1U);
  ASSERT_THAT(config.warnings, SizeIs(2));
  EXPECT_THAT(config.warnings[0], HasSubstr("trigger.on-x"));
  EXPECT_THAT(config.warnings[0], HasSubstr("a trigger is a YAML list"));
  EXPECT_THAT(config.warnings[1], HasSubstr("trigger.on-y"));
  EXPECT_THAT(config.warnings[1], HasSubstr("`send`"));
}

TEST(NotifyConfigTest, TemplateNeedsAMessage) {
  const NotifyConfig config =
      parse({{"template.mine", "message: \"{{name}} is done\"\nemail:\n  subject: done"},
             {"template.nomessage", "email:\n  subject: done"},
             {"template.listmessage", "message: [a]"}});
  ASSERT_EQ(config.templates.count("mine"), 1U);
  EXPECT_EQ(config.templates.at("mine")["message"], "{{name}} is done");
  EXPECT_EQ(config.templates.at("mine")["email"]["subject"], "done");
  EXPECT_EQ(config.templates.count("nomessage"), 0U);
  EXPECT_EQ(config.templates.count("listmessage"), 0U);
  ASSERT_THAT(config.warnings, SizeIs(2));
  EXPECT_THAT(config.warnings[0], HasSubstr("template.listmessage"));
  EXPECT_THAT(config.warnings[1], HasSubstr("template.nomessage"));
  for (const auto& warning : config.warnings)
    EXPECT_THAT(warning, HasSubstr("`message`"));
}

TEST(NotifyConfigTest, DefaultTriggersIsAList) {
  EXPECT_THAT(
      parse({{"defaultTriggers", "[on-rollout-aborted, on-analysis-failed]"}}).default_triggers,
      ElementsAre("on-rollout-aborted", "on-analysis-failed"));
  EXPECT_THAT(parse({{"defaultTriggers", "- on-rollout-completed\n"}}).default_triggers,
              ElementsAre("on-rollout-completed"));
  const NotifyConfig scalar = parse({{"defaultTriggers", "on-rollout-completed"}});
  EXPECT_THAT(scalar.default_triggers, IsEmpty());
  ASSERT_THAT(scalar.warnings, SizeIs(1));
  EXPECT_THAT(scalar.warnings[0], HasSubstr("defaultTriggers"));
}

TEST(NotifyConfigTest, ValueThatIsNotAStringIsReadAsYaml) {
  // A JSON list is YAML too: data written by hand through the API still works.
  const NotifyConfig config = parse({{"defaultTriggers", Json::array({"on-rollout-aborted"})}});
  EXPECT_THAT(config.warnings, IsEmpty());
  EXPECT_THAT(config.default_triggers, ElementsAre("on-rollout-aborted"));
}

TEST(NotifyConfigTest, UnknownKeyWarns) {
  const NotifyConfig config = parse({{"subscriptions", "- recipients: [a]"}});
  ASSERT_THAT(config.warnings, SizeIs(1));
  EXPECT_THAT(config.warnings[0], HasSubstr("key subscriptions"));
  EXPECT_THAT(config.warnings[0], HasSubstr("ignored"));
}

TEST(NotifyConfigTest, DataThatIsNotAnObjectGivesAnEmptyConfig) {
  for (const Json& config_data : {Json(nullptr), Json::array({"service.slack"}), Json("text")}) {
    for (const Json& secrets : {Json(nullptr), Json::array({"a"}), Json(3)}) {
      const NotifyConfig config = parse(config_data, secrets);
      EXPECT_THAT(config.services, IsEmpty());
      EXPECT_THAT(config.triggers, IsEmpty());
      EXPECT_THAT(config.templates, IsEmpty());
      EXPECT_THAT(config.default_triggers, IsEmpty());
      EXPECT_THAT(config.warnings, IsEmpty());
    }
  }
}

TEST(NotifyConfigTest, TriggerIsConfiguredElseBuiltIn) {
  const NotifyConfig config = parse({{"trigger.on-deployed", "- send: [mine]"},
                                     {"trigger.on-rollout-completed", "- send: [custom]"}});
  const auto configured = config.trigger("on-deployed");
  ASSERT_THAT(configured, SizeIs(1));
  EXPECT_THAT(configured[0].send, ElementsAre("mine"));

  const auto builtin = config.trigger("on-rollout-aborted");
  ASSERT_THAT(builtin, SizeIs(1));
  EXPECT_THAT(builtin[0].send, ElementsAre("rollout-aborted"));
  EXPECT_EQ(builtin[0].once_per, "");
  EXPECT_THAT(config.trigger("on-analysis-failed")[0].send, ElementsAre("analysis-failed"));
  EXPECT_THAT(config.trigger("on-flag-rollout-paused")[0].send, ElementsAre("flag-rollout-paused"));

  // A configured trigger with a built-in's name replaces it.
  EXPECT_THAT(config.trigger("on-rollout-completed")[0].send, ElementsAre("custom"));

  EXPECT_THAT(config.trigger("on-nothing"), IsEmpty());
  EXPECT_THAT(config.trigger(""), IsEmpty());
}

TEST(NotifyConfigTest, FindTemplateIsConfiguredElseBuiltIn) {
  const NotifyConfig config =
      parse({{"template.mine", "message: mine"}, {"template.rollout-completed", "message: done"}});
  const Json* mine = config.find_template("mine");
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ((*mine)["message"], "mine");

  const Json* aborted = config.find_template("rollout-aborted");
  ASSERT_NE(aborted, nullptr);
  EXPECT_THAT((*aborted)["message"].get<std::string>(), HasSubstr("was rolled back"));
  EXPECT_THAT((*aborted)["message"].get<std::string>(), HasSubstr("{{#analysis}}"));
  EXPECT_THAT((*aborted)["email"]["subject"].get<std::string>(), HasSubstr("{{trigger}}"));
  EXPECT_NE(config.find_template("analysis-inconclusive"), nullptr);
  EXPECT_NE(config.find_template("migration-updated"), nullptr);

  const Json* replaced = config.find_template("rollout-completed");
  ASSERT_NE(replaced, nullptr);
  EXPECT_EQ((*replaced)["message"], "done");

  EXPECT_EQ(config.find_template("unknown"), nullptr);
  EXPECT_EQ(config.find_template("on-rollout-aborted"), nullptr);
}

TEST(NotifyConfigTest, SubstituteSecretsReplacesEveryReference) {
  const std::map<std::string, std::string> secrets = {{"a", "1"}, {"b-c", "2"}, {"d_e.f", "3"}};
  std::vector<std::string> missing;
  const Json input = {{"s", "$a and $b-c and $d_e.f"},
                      {"adjacent", "$a$a"},
                      {"nested", {{"deep", {"x$a", 4, true, nullptr}}}},
                      {"number", 5},
                      {"lone", "cost: $ 5"},
                      {"unknown", "$zz/$a"}};
  const Json out = substitute_secrets(input, secrets, missing);
  EXPECT_EQ(out["s"], "1 and 2 and 3");
  EXPECT_EQ(out["adjacent"], "11");
  EXPECT_EQ(out["nested"]["deep"], Json({"x1", 4, true, nullptr}));
  EXPECT_EQ(out["number"], 5);
  EXPECT_EQ(out["lone"], "cost: $ 5");
  EXPECT_EQ(out["unknown"], "$zz/1");
  EXPECT_THAT(missing, ElementsAre("zz"));
}

TEST(NotifyConfigTest, SubstituteSecretsLeavesTextWithoutReferencesAlone) {
  std::vector<std::string> missing;
  EXPECT_EQ(substitute_secrets(Json("plain text"), {{"a", "1"}}, missing), "plain text");
  EXPECT_EQ(substitute_secrets(Json(""), {}, missing), "");
  EXPECT_EQ(substitute_secrets(Json(nullptr), {}, missing), Json(nullptr));
  EXPECT_EQ(substitute_secrets(Json::array(), {}, missing), Json::array());
  EXPECT_THAT(missing, IsEmpty());
}

// Regressions from the review of core/notify:

TEST(NotifyConfigTest, AnUnknownTriggerNameWarnsThatOnlyBuiltInOnesFire) {
  const NotifyConfig config = parse({{"trigger.on-deployed", "- send: [mine]"}});
  ASSERT_THAT(config.warnings, SizeIs(1));
  EXPECT_THAT(config.warnings[0], HasSubstr("only the built-in triggers fire"));
}

TEST(NotifyConfigTest, TwoServicesOfOneNameWarn) {
  const NotifyConfig config =
      parse({{"service.slack", "webhookUrl: a"}, {"service.webhook.slack", "url: b"}});
  ASSERT_THAT(config.warnings, SizeIs(1));
  EXPECT_THAT(config.warnings[0], HasSubstr("a second service named \"slack\""));
}

TEST(NotifyConfigTest, AVeryLongSecretReferenceIsScannedNotRecursed) {
  std::vector<std::string> missing;
  const std::string text = "$" + std::string(200'000, 'k');
  EXPECT_EQ(substitute_secrets(Json(text), {}, missing), Json(text));
  ASSERT_THAT(missing, SizeIs(1));
  EXPECT_EQ(missing[0].size(), 200'000U);
}

}  // namespace
}  // namespace cutover::notify
