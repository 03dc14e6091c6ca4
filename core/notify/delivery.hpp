#pragma once
// Sending one notification to one recipient of one service: Slack (incoming webhook), Microsoft
// Teams (a Workflows webhook, an Adaptive Card), a generic webhook signed with HMAC-SHA256,
// email (SMTP) and GitHub deployment statuses. The payloads are built by pure functions (tested
// byte for byte); the bytes go through a Transport (libcurl; a fake in unit tests). TLS
// verification is always on. No secret (a webhook URL, a token, a password) is ever part of an
// error: errors name the service and what went wrong.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "notify/notify_config.hpp"

namespace cutover::notify {

/// One delivery: what the templates rendered, for whom.
struct Message {
  std::string service;    // the destination's name
  std::string recipient;  // a mail address, a repository, or "" (see subscriptions.hpp)
  std::string trigger;
  std::string subject;  // email
  std::string text;     // the rendered `message`
  Json context = Json::object();
  /// The template's own block for this service type (`webhook.<name>`, `github`), rendered.
  Json extra = Json::object();
};

struct HttpCall {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct MailCall {
  std::string url;  // smtp://host:port or smtps://host:port
  bool require_tls = true;
  std::string username;
  std::string password;
  std::string from;
  std::vector<std::string> to;
  std::string message;  // RFC 5322, CRLF line ends
};

struct TransportAnswer {
  int status = 0;  // HTTP status; 250 for a mail accepted
  std::string body;
  /// Set when the call never got an answer (refused, TLS, timeout): the reason, no secret.
  std::string failure;
  std::optional<std::chrono::seconds> retry_after;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual TransportAnswer http(const HttpCall& call) = 0;
  virtual TransportAnswer mail(const MailCall& call) = 0;
};

/// The real transport: libcurl, TLS verified, 10 s to connect and 20 s in all.
std::unique_ptr<Transport> make_curl_transport();

struct DeliveryResult {
  bool ok = false;
  /// Worth another try (a transport failure, 429, 5xx); a 4xx is not.
  bool retryable = false;
  std::string reason;  // for the log: no secret
  std::optional<std::chrono::seconds> retry_after;
};

/// Sends `message` through `service`.
DeliveryResult deliver(const ServiceConfig& service, const Message& message, Transport& transport);

// The payloads, pure (for tests):

/// Slack: `{"text": message}` (a template's `slack` block, when it has one, is sent as is).
std::string slack_body(const Message& message);
/// Teams: a message with one Adaptive Card: the text, and facts (kind, namespace, name, phase,
/// trigger; each metric's value and verdict).
std::string teams_body(const Message& message);
/// The webhook's request: the template's `webhook.<service>` {method, path, body} when given,
/// else POST of the JSON context without the whole object; headers X-Cutover-Event (the
/// trigger), X-Cutover-Delivery (a random id) and, with `secret`, X-Cutover-Signature-256:
/// sha256=<hex HMAC-SHA256 of the body>, as GitHub signs its webhooks.
HttpCall webhook_call(const ServiceConfig& service, const Message& message);
/// hex(HMAC-SHA256(secret, body)).
std::string hmac_sha256_hex(std::string_view secret, std::string_view body);
/// The mail: From, To, Subject (UTF-8, RFC 2047 when not ASCII), Date, Message-ID, MIME
/// headers, the text; CRLF line ends.
std::string email_message(const std::string& from, const std::string& to,
                          const std::string& subject, const std::string& text,
                          std::chrono::system_clock::time_point now);
/// The GitHub deployment status state of a trigger: in_progress, success, failure (or "" for
/// triggers GitHub is not told about).
std::string github_state(std::string_view trigger);

}  // namespace cutover::notify
