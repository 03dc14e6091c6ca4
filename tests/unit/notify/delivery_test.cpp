#include "notify/delivery.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "util/encoding.hpp"

namespace cutover::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Records every call and answers with `answers` in order (the last one again when they run out).
class RecordingTransport final : public Transport {
 public:
  explicit RecordingTransport(std::vector<TransportAnswer> answers = {{.status = 200}})
      : answers_(std::move(answers)) {}

  TransportAnswer http(const HttpCall& call) override {
    http_calls.push_back(call);
    return next();
  }
  TransportAnswer mail(const MailCall& call) override {
    mail_calls.push_back(call);
    return next();
  }

  std::vector<HttpCall> http_calls;
  std::vector<MailCall> mail_calls;

 private:
  TransportAnswer next() {
    const std::size_t at = std::min(served_++, answers_.size() - 1);
    return answers_[at];
  }
  std::vector<TransportAnswer> answers_;
  std::size_t served_ = 0;
};

std::optional<std::string> header(const HttpCall& call, const std::string& name) {
  for (const auto& [key, value] : call.headers)
    if (key == name)
      return value;
  return std::nullopt;
}

constexpr const char* kSlackUrl = "https://hooks.slack.com/services/T0001/B0002/Zx9secretTokenQ7";

Message message(const std::string& trigger = "on-rollout-aborted") {
  Message m;
  m.service = "svc";
  m.trigger = trigger;
  m.subject = "[cutover] Rollout shop/web: " + trigger;
  m.text = "Rollout shop/web was rolled back: error rate too high.";
  m.context = Json::parse(R"({
    "kind": "Rollout", "namespace": "shop", "name": "web", "phase": "Degraded",
    "revision": "7", "gitSha": "abc123",
    "rollout": {"kind": "Rollout", "spec": {"big": "object"}},
    "analysis": {"run": "web-7", "phase": "Failed", "metrics": [
      {"name": "http/error-rate", "value": "0.042", "verdict": "Failed",
       "condition": "result < 0.01"}]}
  })");
  m.context["trigger"] = trigger;
  return m;
}

ServiceConfig service(ServiceType type, Json settings, const std::string& name = "svc") {
  return {name, type, std::move(settings)};
}

bool has_fact(const Json& facts, const std::string& title, const std::string& value) {
  const Json fact = {{"title", title}, {"value", value}};
  return std::find(facts.begin(), facts.end(), fact) != facts.end();
}

bool is_hex(const std::string& text, std::size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

TEST(DeliveryTest, SlackPostsTheTextToTheWebhookUrl) {
  RecordingTransport transport;
  const DeliveryResult result =
      deliver(service(ServiceType::slack, {{"webhookUrl", kSlackUrl}}), message(), transport);
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.reason, "");
  ASSERT_THAT(transport.http_calls, SizeIs(1));
  const HttpCall& call = transport.http_calls[0];
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.url, kSlackUrl);
  EXPECT_EQ(header(call, "Content-Type"), "application/json");
  EXPECT_EQ(Json::parse(call.body), Json({{"text", message().text}}));
}

TEST(DeliveryTest, SlackBlockOfTheTemplateIsSentAsIs) {
  Message m = message();
  m.extra = {{"blocks", Json::array({{{"type", "section"}}})}};
  EXPECT_EQ(Json::parse(slack_body(m)),
            Json({{"blocks", Json::array({{{"type", "section"}}})}, {"text", m.text}}));
  m.extra["text"] = "own text";
  EXPECT_EQ(Json::parse(slack_body(m))["text"], "own text");
  EXPECT_EQ(Json::parse(slack_body(message())), Json({{"text", message().text}}));
}

TEST(DeliveryTest, TeamsBodyIsAnAdaptiveCardMessage) {
  RecordingTransport transport;
  const auto teams_url = "https://prod.westeurope.logic.azure.com/workflows/abc/triggers?sig=s3";
  ASSERT_TRUE(
      deliver(service(ServiceType::teams, {{"webhookUrl", teams_url}}), message(), transport).ok);
  ASSERT_THAT(transport.http_calls, SizeIs(1));
  EXPECT_EQ(transport.http_calls[0].url, teams_url);
  const Json body = Json::parse(transport.http_calls[0].body);
  EXPECT_EQ(body, Json::parse(teams_body(message())));
  EXPECT_EQ(body["type"], "message");
  ASSERT_EQ(body["attachments"].size(), 1U);
  const Json& attachment = body["attachments"][0];
  EXPECT_EQ(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
  const Json& card = attachment["content"];
  EXPECT_EQ(card["type"], "AdaptiveCard");
  EXPECT_EQ(card["body"][0]["type"], "TextBlock");
  EXPECT_EQ(card["body"][0]["text"], message().text);
  EXPECT_EQ(card["body"][0]["color"], "Attention");
  EXPECT_EQ(card["body"][1]["type"], "FactSet");
  const Json& facts = card["body"][1]["facts"];
  EXPECT_TRUE(has_fact(facts, "kind", "Rollout")) << facts.dump();
  EXPECT_TRUE(has_fact(facts, "namespace", "shop")) << facts.dump();
  EXPECT_TRUE(has_fact(facts, "name", "web")) << facts.dump();
  EXPECT_TRUE(has_fact(facts, "trigger", "on-rollout-aborted")) << facts.dump();
  EXPECT_TRUE(has_fact(facts, "http/error-rate", "0.042 (Failed)")) << facts.dump();
}

TEST(DeliveryTest, TeamsGoodNewsIsGreen) {
  const Json body = Json::parse(teams_body(message("on-rollout-completed")));
  EXPECT_EQ(body["attachments"][0]["content"]["body"][0]["color"], "Good");
}

TEST(DeliveryTest, WebhookCallIsSignedWithTheSecret) {
  const ServiceConfig ops = service(
      ServiceType::webhook,
      {{"url", "https://ops.example/hook"}, {"secret", "s3cret"}, {"headers", {{"X-Team", "pay"}}}},
      "ops");
  const HttpCall call = webhook_call(ops, message());
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.url, "https://ops.example/hook");
  EXPECT_EQ(header(call, "Content-Type"), "application/json");
  EXPECT_EQ(header(call, "X-Cutover-Event"), "on-rollout-aborted");
  EXPECT_EQ(header(call, "X-Team"), "pay");
  const auto delivery = header(call, "X-Cutover-Delivery");
  ASSERT_TRUE(delivery.has_value());
  EXPECT_TRUE(is_hex(*delivery, 32)) << *delivery;
  EXPECT_EQ(header(call, "X-Cutover-Signature-256"),
            "sha256=" + hmac_sha256_hex("s3cret", call.body));
}

TEST(DeliveryTest, WebhookCallWithoutSecretIsNotSigned) {
  const HttpCall call =
      webhook_call(service(ServiceType::webhook, {{"url", "https://ops.example/hook"}}), message());
  EXPECT_EQ(header(call, "X-Cutover-Signature-256"), std::nullopt);
  EXPECT_TRUE(header(call, "X-Cutover-Delivery").has_value());
}

TEST(DeliveryTest, WebhookBodyIsTheContextWithoutTheObject) {
  const HttpCall call =
      webhook_call(service(ServiceType::webhook, {{"url", "https://ops.example/hook"}}), message());
  const Json body = Json::parse(call.body);
  EXPECT_EQ(body["trigger"], "on-rollout-aborted");
  EXPECT_EQ(body["text"], message().text);
  EXPECT_EQ(body["name"], "web");
  EXPECT_EQ(body["analysis"]["metrics"][0]["value"], "0.042");
  EXPECT_FALSE(body.contains("rollout"));
}

TEST(DeliveryTest, WebhookTemplateBlockSetsMethodPathAndBody) {
  Message m = message();
  m.extra = {{"method", "PUT"}, {"path", "/releases/web"}, {"body", R"({"rev":"7"})"}};
  const HttpCall call = webhook_call(
      service(ServiceType::webhook, {{"url", "https://ops.example"}, {"secret", "k"}}), m);
  EXPECT_EQ(call.method, "PUT");
  EXPECT_EQ(call.url, "https://ops.example/releases/web");
  EXPECT_EQ(call.body, R"({"rev":"7"})");
  EXPECT_EQ(header(call, "X-Cutover-Signature-256"), "sha256=" + hmac_sha256_hex("k", call.body));
}

TEST(DeliveryTest, WebhookDeliveryIdsDiffer) {
  const ServiceConfig ops = service(ServiceType::webhook, {{"url", "https://ops.example/hook"}});
  EXPECT_NE(header(webhook_call(ops, message()), "X-Cutover-Delivery"),
            header(webhook_call(ops, message()), "X-Cutover-Delivery"));
}

TEST(DeliveryTest, HmacSha256KnownVectors) {
  EXPECT_EQ(hmac_sha256_hex("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  // RFC 4231, test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

const auto kSentAt = std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} +
                     std::chrono::hours{1} + std::chrono::minutes{2} + std::chrono::seconds{3};

// The header section's lines, the blank line and the body excluded.
std::vector<std::string> header_lines(const std::string& mail) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (true) {
    const std::size_t end = mail.find("\r\n", at);
    if (end == std::string::npos || end == at)
      break;
    lines.push_back(mail.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

TEST(DeliveryTest, EmailMessageHasHeadersAndCrlfLineEnds) {
  const std::string mail = email_message("cutover@ops.example", "a@x.example", "Rollout aborted",
                                         "line one\nline two\r\nline three", kSentAt);
  for (std::size_t i = 0; i < mail.size(); ++i) {
    if (mail[i] == '\n') {
      EXPECT_TRUE(i > 0 && mail[i - 1] == '\r') << "bare LF at " << i;
    }
    if (mail[i] == '\r') {
      EXPECT_TRUE(i + 1 < mail.size() && mail[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  const auto lines = header_lines(mail);
  ASSERT_THAT(lines, SizeIs(8));
  EXPECT_EQ(lines[0], "From: cutover@ops.example");
  EXPECT_EQ(lines[1], "To: a@x.example");
  EXPECT_EQ(lines[2], "Subject: Rollout aborted");
  EXPECT_EQ(lines[3], "Date: Sun, 22 Nov 2026 01:02:03 +0000");
  EXPECT_TRUE(std::regex_match(lines[4], std::regex("Message-ID: <[0-9a-f]{32}@ops\\.example>")))
      << lines[4];
  EXPECT_EQ(lines[5], "MIME-Version: 1.0");
  EXPECT_EQ(lines[6], "Content-Type: text/plain; charset=utf-8");
  EXPECT_EQ(lines[7], "Content-Transfer-Encoding: 8bit");
  EXPECT_TRUE(mail.ends_with("\r\n\r\nline one\r\nline two\r\nline three\r\n")) << mail;
}

TEST(DeliveryTest, EmailNonAsciiSubjectIsRfc2047Encoded) {
  const std::string subject = "Déploiement échoué ✗";
  const auto lines = header_lines(email_message("a@x", "b@y", subject, "t", kSentAt));
  ASSERT_THAT(lines, SizeIs(8));
  EXPECT_EQ(lines[2], "Subject: =?UTF-8?B?" + base64_encode(subject) + "?=");
}

TEST(DeliveryTest, EmailSubjectCannotInjectAHeader) {
  for (const std::string subject :
       {"hi\r\nBcc: evil@attacker.example", "hi\nBcc: evil@attacker.example",
        "hi\rBcc: evil@attacker.example"}) {
    const std::string mail = email_message("a@x", "b@y", subject, "body", kSentAt);
    const auto lines = header_lines(mail);
    ASSERT_THAT(lines, SizeIs(8));
    for (const auto& line : lines)
      EXPECT_FALSE(line.starts_with("Bcc")) << line;
    EXPECT_THAT(mail, Not(HasSubstr("\nBcc")));
    EXPECT_THAT(mail, Not(HasSubstr("\rBcc")));
    EXPECT_EQ(lines[2],
              "Subject: =?UTF-8?B?" + base64_encode("hiBcc: evil@attacker.example") + "?=");
  }
}

TEST(DeliveryTest, TwoxxIsDelivered) {
  for (const int status : {200, 201, 204}) {
    RecordingTransport transport({TransportAnswer{.status = status}});
    const auto result =
        deliver(service(ServiceType::slack, {{"webhookUrl", kSlackUrl}}), message(), transport);
    EXPECT_TRUE(result.ok) << status;
    EXPECT_FALSE(result.retryable) << status;
  }
}

TEST(DeliveryTest, ServerErrorsThrottlingAndTransportFailuresAreRetryable) {
  const std::vector<TransportAnswer> answers = {
      {.status = 500, .body = "oops"},
      {.status = 503},
      {.status = 429, .body = "rate_limited", .retry_after = std::chrono::seconds(30)},
      {.failure = "Couldn't connect to server"}};
  for (const TransportAnswer& answer : answers) {
    RecordingTransport transport({answer});
    const auto result =
        deliver(service(ServiceType::slack, {{"webhookUrl", kSlackUrl}}), message(), transport);
    EXPECT_FALSE(result.ok) << answer.status;
    EXPECT_TRUE(result.retryable) << answer.status;
    EXPECT_THAT(result.reason, HasSubstr("slack svc")) << answer.status;
    EXPECT_EQ(result.retry_after, answer.retry_after);
  }
}

TEST(DeliveryTest, ClientErrorsAreNotRetryable) {
  for (const int status : {400, 403, 404}) {
    RecordingTransport transport({{.status = status, .body = "invalid_payload"}});
    const auto result =
        deliver(service(ServiceType::slack, {{"webhookUrl", kSlackUrl}}), message(), transport);
    EXPECT_FALSE(result.ok);
    EXPECT_FALSE(result.retryable) << status;
    EXPECT_THAT(result.reason, HasSubstr("HTTP " + std::to_string(status)));
    EXPECT_THAT(result.reason, HasSubstr("invalid_payload"));
  }
}

TEST(DeliveryTest, ReasonNeverHasTheUrlOrTheToken) {
  const std::vector<TransportAnswer> answers = {{.status = 400, .body = "invalid_token"},
                                                {.status = 500},
                                                {.failure = "Couldn't resolve host name"}};
  const std::vector<ServiceConfig> services = {
      service(ServiceType::slack, {{"webhookUrl", kSlackUrl}}),
      service(ServiceType::teams, {{"webhookUrl", kSlackUrl}}),
      service(ServiceType::webhook, {{"url", kSlackUrl}, {"secret", "Zx9secretTokenQ7"}}),
      service(ServiceType::github, {{"token", "ghp_Zx9secretTokenQ7"}, {"apiUrl", kSlackUrl}})};
  Message m = message();
  m.recipient = "acme/web";  // github's repository; the others need none
  for (const auto& answer : answers) {
    for (const auto& destination : services) {
      RecordingTransport transport({answer});
      const auto result = deliver(destination, m, transport);
      const std::string type(to_string(destination.type));
      ASSERT_FALSE(result.ok) << type;
      EXPECT_THAT(result.reason, Not(HasSubstr("hooks.slack.com"))) << type;
      EXPECT_THAT(result.reason, Not(HasSubstr("Zx9secretTokenQ7"))) << type;
      EXPECT_THAT(result.reason, Not(IsEmpty())) << type;
    }
  }
}

TEST(DeliveryTest, ServiceWithoutUrlFails) {
  RecordingTransport transport;
  for (const ServiceType type : {ServiceType::slack, ServiceType::teams, ServiceType::webhook}) {
    const auto result = deliver(service(type, Json::object()), message(), transport);
    EXPECT_FALSE(result.ok);
    EXPECT_FALSE(result.retryable);
    EXPECT_THAT(result.reason, HasSubstr("in its service settings")) << result.reason;
  }
  EXPECT_THAT(transport.http_calls, IsEmpty());
}

TEST(DeliveryTest, EmailIsSentToTheRecipient) {
  RecordingTransport transport({TransportAnswer{.status = 250}});
  Message m = message();
  m.recipient = "oncall@shop.example";
  const auto result = deliver(service(ServiceType::email, {{"host", "smtp.example"},
                                                           {"from", "cutover@shop.example"},
                                                           {"username", "bot"},
                                                           {"password", "pw"}}),
                              m, transport);
  EXPECT_TRUE(result.ok) << result.reason;
  ASSERT_THAT(transport.mail_calls, SizeIs(1));
  const MailCall& mail = transport.mail_calls[0];
  EXPECT_EQ(mail.url, "smtp://smtp.example:587");
  EXPECT_TRUE(mail.require_tls);
  EXPECT_EQ(mail.username, "bot");
  EXPECT_EQ(mail.password, "pw");
  EXPECT_EQ(mail.from, "cutover@shop.example");
  EXPECT_THAT(mail.to, ElementsAre("oncall@shop.example"));
  EXPECT_THAT(mail.message, HasSubstr("\r\nTo: oncall@shop.example\r\n"));
  EXPECT_THAT(mail.message, HasSubstr("\r\nSubject: [cutover] Rollout shop/web: "));
  EXPECT_THAT(mail.message, HasSubstr("\r\n\r\n" + m.text + "\r\n"));
  EXPECT_THAT(transport.http_calls, IsEmpty());
}

TEST(DeliveryTest, EmailTlsSettings) {
  Message m = message();
  m.recipient = "a@x";
  RecordingTransport transport({TransportAnswer{.status = 250}});
  ASSERT_TRUE(
      deliver(service(ServiceType::email, {{"host", "h"}, {"from", "f@x"}, {"tls", "implicit"}}), m,
              transport)
          .ok);
  ASSERT_TRUE(deliver(service(ServiceType::email,
                              {{"host", "h"}, {"from", "f@x"}, {"tls", "none"}, {"port", 25}}),
                      m, transport)
                  .ok);
  ASSERT_THAT(transport.mail_calls, SizeIs(2));
  EXPECT_EQ(transport.mail_calls[0].url, "smtps://h:465");
  EXPECT_TRUE(transport.mail_calls[0].require_tls);
  EXPECT_EQ(transport.mail_calls[1].url, "smtp://h:25");
  EXPECT_FALSE(transport.mail_calls[1].require_tls);
}

TEST(DeliveryTest, EmailTransportFailureIsRetryable) {
  Message m = message();
  m.recipient = "a@x";
  RecordingTransport transport({{.failure = "Login denied"}});
  const auto result =
      deliver(service(ServiceType::email, {{"host", "h"}, {"from", "f@x"}}), m, transport);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.retryable);
  EXPECT_THAT(result.reason, HasSubstr("Login denied"));
}

TEST(DeliveryTest, EmailWithoutHostFromOrRecipientFails) {
  Message with_recipient = message();
  with_recipient.recipient = "a@x";
  const Message without_recipient = message();
  struct Case {
    Json settings;
    const Message* m;
  };
  const std::vector<Case> cases = {{{{"from", "f@x"}}, &with_recipient},
                                   {{{"host", "h"}}, &with_recipient},
                                   {{{"host", "h"}, {"from", "f@x"}}, &without_recipient}};
  for (const auto& [settings, m] : cases) {
    RecordingTransport transport;
    const auto result = deliver(service(ServiceType::email, settings), *m, transport);
    EXPECT_FALSE(result.ok) << settings.dump();
    EXPECT_FALSE(result.retryable) << settings.dump();
    EXPECT_THAT(result.reason, HasSubstr("needs host and from")) << settings.dump();
    EXPECT_THAT(transport.mail_calls, IsEmpty());
  }
}

TEST(DeliveryTest, GithubPostsAStatusToTheExistingDeployment) {
  RecordingTransport transport({{.status = 200, .body = R"([{"id": 42}, {"id": 41}])"},
                                {.status = 201, .body = R"({"id": 9})"}});
  Message m = message();
  m.recipient = "acme/web";
  const auto result = deliver(service(ServiceType::github, {{"token", "ghp_tok"}}), m, transport);
  EXPECT_TRUE(result.ok) << result.reason;
  ASSERT_THAT(transport.http_calls, SizeIs(2));
  const HttpCall& list = transport.http_calls[0];
  EXPECT_EQ(list.method, "GET");
  EXPECT_EQ(list.url,
            "https://api.github.com/repos/acme/web/deployments?sha=abc123&environment=shop%2Fweb");
  EXPECT_EQ(header(list, "Authorization"), "Bearer ghp_tok");
  EXPECT_EQ(header(list, "Accept"), "application/vnd.github+json");
  const HttpCall& status = transport.http_calls[1];
  EXPECT_EQ(status.method, "POST");
  EXPECT_EQ(status.url, "https://api.github.com/repos/acme/web/deployments/42/statuses");
  EXPECT_EQ(header(status, "Authorization"), "Bearer ghp_tok");
  const Json body = Json::parse(status.body);
  EXPECT_EQ(body["state"], "failure");
  EXPECT_EQ(body["environment"], "shop/web");
  EXPECT_EQ(body["description"], m.text);
}

TEST(DeliveryTest, GithubCreatesTheDeploymentWhenThereIsNone) {
  RecordingTransport transport({{.status = 200, .body = "[]"},
                                {.status = 201, .body = R"({"id": 77})"},
                                {.status = 201, .body = "{}"}});
  Message m = message("on-rollout-completed");
  const auto result =
      deliver(service(ServiceType::github, {{"token", "t"},
                                            {"repository", "acme/web"},
                                            {"apiUrl", "https://ghe.example/api/v3"},
                                            {"environment", "production"}}),
              m, transport);
  EXPECT_TRUE(result.ok) << result.reason;
  ASSERT_THAT(transport.http_calls, SizeIs(3));
  EXPECT_EQ(
      transport.http_calls[0].url,
      "https://ghe.example/api/v3/repos/acme/web/deployments?sha=abc123&environment=production");
  const HttpCall& create = transport.http_calls[1];
  EXPECT_EQ(create.method, "POST");
  EXPECT_EQ(create.url, "https://ghe.example/api/v3/repos/acme/web/deployments");
  const Json deployment = Json::parse(create.body);
  EXPECT_EQ(deployment["ref"], "abc123");
  EXPECT_EQ(deployment["environment"], "production");
  EXPECT_EQ(deployment["auto_merge"], false);
  EXPECT_EQ(deployment["required_contexts"], Json::array());
  const HttpCall& status = transport.http_calls[2];
  EXPECT_EQ(status.url, "https://ghe.example/api/v3/repos/acme/web/deployments/77/statuses");
  EXPECT_EQ(Json::parse(status.body)["state"], "success");
}

TEST(DeliveryTest, GithubTemplateBlockSetsStateAndDescription) {
  RecordingTransport transport({{.status = 200, .body = R"([{"id": 5}])"}, {.status = 201}});
  Message m = message();
  m.recipient = "acme/web";
  m.extra = {{"state", "error"}, {"description", "custom"}, {"logUrl", "https://ci/1"}};
  ASSERT_TRUE(deliver(service(ServiceType::github, {{"token", "t"}}), m, transport).ok);
  ASSERT_THAT(transport.http_calls, SizeIs(2));
  const Json body = Json::parse(transport.http_calls[1].body);
  EXPECT_EQ(body["state"], "error");
  EXPECT_EQ(body["description"], "custom");
  EXPECT_EQ(body["log_url"], "https://ci/1");
}

TEST(DeliveryTest, GithubWithoutGitShaFailsNamingTheAnnotation) {
  RecordingTransport transport;
  Message m = message();
  m.recipient = "acme/web";
  m.context.erase("gitSha");
  const auto result = deliver(service(ServiceType::github, {{"token", "t"}}), m, transport);
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.retryable);
  EXPECT_THAT(result.reason, HasSubstr("cutover.dev/git-sha"));
  EXPECT_THAT(transport.http_calls, IsEmpty());
}

TEST(DeliveryTest, GithubWithoutRepositoryFails) {
  RecordingTransport transport;
  const auto result = deliver(service(ServiceType::github, {{"token", "t"}}), message(), transport);
  EXPECT_FALSE(result.ok);
  EXPECT_THAT(result.reason, HasSubstr("repository"));
  EXPECT_THAT(transport.http_calls, IsEmpty());
}

TEST(DeliveryTest, GithubIsNotToldAboutEveryTrigger) {
  RecordingTransport transport;
  Message m = message("on-analysis-inconclusive");
  m.recipient = "acme/web";
  EXPECT_TRUE(deliver(service(ServiceType::github, {{"token", "t"}}), m, transport).ok);
  EXPECT_THAT(transport.http_calls, IsEmpty());
}

TEST(DeliveryTest, GithubListingRefusedStops) {
  RecordingTransport transport({{.status = 401, .body = R"({"message":"Bad credentials"})"}});
  Message m = message();
  m.recipient = "acme/web";
  const auto result = deliver(service(ServiceType::github, {{"token", "t"}}), m, transport);
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.retryable);
  EXPECT_THAT(result.reason, HasSubstr("listing deployments"));
  EXPECT_THAT(result.reason, HasSubstr("HTTP 401"));
  EXPECT_THAT(transport.http_calls, SizeIs(1));
}

TEST(DeliveryTest, GithubStateOfEachTrigger) {
  for (const char* kind : {"rollout", "migration", "flag-rollout"}) {
    const std::string prefix = std::string("on-") + kind + "-";
    for (const char* transition : {"updated", "step-completed", "paused", "promoted"})
      EXPECT_EQ(github_state(prefix + transition), "in_progress") << prefix << transition;
    EXPECT_EQ(github_state(prefix + "completed"), "success") << prefix;
    EXPECT_EQ(github_state(prefix + "aborted"), "failure") << prefix;
  }
  EXPECT_EQ(github_state("on-analysis-failed"), "failure");
  EXPECT_EQ(github_state("on-analysis-inconclusive"), "");
  EXPECT_EQ(github_state("on-deployed"), "");
  EXPECT_EQ(github_state(""), "");
}

// Regressions from the review of core/notify: what came from the user's data or a service's
// answer never throws in the worker (which would end the operator).

TEST(DeliveryTest, AGithubDescriptionIsCutAtACharacterBoundary) {
  RecordingTransport transport({{.status = 200, .body = R"([{"id": 5}])"}, {.status = 201}});
  Message m = message();
  m.recipient = "acme/web";
  m.text = std::string(139, 'a') + "\u00e9 and more";  // the 140th byte is inside a character
  const auto result = deliver(service(ServiceType::github, {{"token", "t"}}), m, transport);
  EXPECT_TRUE(result.ok) << result.reason;
  ASSERT_THAT(transport.http_calls, SizeIs(2));
  EXPECT_EQ(Json::parse(transport.http_calls[1].body)["description"], std::string(139, 'a'));
}

TEST(DeliveryTest, GithubTemplateValuesOfTheWrongTypeAreIgnored) {
  RecordingTransport transport({{.status = 200, .body = R"([{"id": 5}])"}, {.status = 201}});
  Message m = message();
  m.recipient = "acme/web";
  m.extra = {{"state", 1}, {"description", nullptr}, {"logUrl", 3}};
  const auto result = deliver(service(ServiceType::github, {{"token", "t"}}), m, transport);
  EXPECT_TRUE(result.ok) << result.reason;
  const Json status = Json::parse(transport.http_calls[1].body);
  EXPECT_EQ(status["state"], "failure");
  EXPECT_FALSE(status.contains("log_url"));
}

TEST(DeliveryTest, AGithubDeploymentIdThatIsNotANumberIsNotUsed) {
  RecordingTransport transport({{.status = 200, .body = R"([{"id": "42"}])"},
                                {.status = 201, .body = R"({"id": 9})"},
                                {.status = 201}});
  Message m = message();
  m.recipient = "acme/web";
  const auto result = deliver(service(ServiceType::github, {{"token", "t"}}), m, transport);
  EXPECT_TRUE(result.ok) << result.reason;
  ASSERT_THAT(transport.http_calls, SizeIs(3));  // listed, created anew, status
  EXPECT_THAT(transport.http_calls[2].url, HasSubstr("/deployments/9/statuses"));
}

TEST(DeliveryTest, AnAnswerThatQuotesTheUrlDoesNotReachTheReason) {
  RecordingTransport transport(
      {{.status = 404, .body = "<html>Cannot POST /services/T000/B000/XXXXsecret</html>"}});
  const auto result =
      deliver(service(ServiceType::slack,
                      {{"webhookUrl", "https://hooks.example/services/T000/B000/XXXXsecret"}}),
              message(), transport);
  EXPECT_FALSE(result.ok);
  EXPECT_THAT(result.reason, Not(HasSubstr("XXXXsecret")));
  EXPECT_THAT(result.reason, HasSubstr("HTTP 404"));
}

TEST(DeliveryTest, MailHeadersCannotBeInjectedThroughTheRecipient) {
  const std::string mail =
      email_message("cutover@ops.example", "a@x\r\nBcc: all@example", "s", "t", kSentAt);
  EXPECT_THAT(mail, HasSubstr("To: a@xBcc: all@example\r\n"));
  EXPECT_THAT(mail, Not(HasSubstr("\r\nBcc:")));
}

TEST(DeliveryTest, TheDateIsInUtcWhateverTheMachinesZone) {
  const char* before = std::getenv("TZ");
  const std::string saved = before == nullptr ? "" : before;
  setenv("TZ", "America/New_York", 1);
  tzset();
  const std::string mail = email_message("a@b", "c@d", "s", "t", kSentAt);
  if (before == nullptr)
    unsetenv("TZ");
  else
    setenv("TZ", saved.c_str(), 1);
  tzset();
  EXPECT_THAT(mail, HasSubstr("Date: Sun, 22 Nov 2026 01:02:03 +0000\r\n"));
}

}  // namespace
}  // namespace cutover::notify
