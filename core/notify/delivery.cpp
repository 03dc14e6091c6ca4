#include "notify/delivery.hpp"

#include <curl/curl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <mutex>

#include "util/encoding.hpp"

namespace cutover::notify {

namespace {

std::string text_of(const Json& value) {
  if (value.is_string())
    return value.get<std::string>();
  return value.is_null() ? "" : value.dump();
}

// A string field of `object`, or `fallback` when it is absent or not text (a template's values
// are the user's: a number where text belongs must not throw).
std::string text_or(const Json& object, const char* key, std::string fallback) {
  if (!object.is_object())
    return fallback;
  const auto found = object.find(key);
  return found != object.end() && found->is_string() && !found->get<std::string>().empty()
             ? found->get<std::string>()
             : fallback;
}

// The first `limit` bytes of `text`, cut at a character boundary (UTF-8).
std::string utf8_prefix(const std::string& text, std::size_t limit) {
  if (text.size() <= limit)
    return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U)
    --end;
  return text.substr(0, end);
}

// JSON text that never throws: invalid UTF-8 in the user's data is replaced, not fatal.
std::string safe_dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Without CR and LF: a header value from the user's data cannot start another header.
std::string one_line(std::string text) {
  std::erase_if(text, [](char c) { return c == '\r' || c == '\n'; });
  return text;
}

std::string setting(const ServiceConfig& service, const char* key, std::string fallback = "") {
  const auto found = service.settings.find(key);
  return found == service.settings.end() ? fallback : text_of(*found);
}

std::string random_id() {
  std::array<unsigned char, 16> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// What to say about an answer: a status and, for a refusal, the start of its body (services put
// their reason there: Slack's "invalid_payload", GitHub's message). Never the URL.
DeliveryResult judged(const TransportAnswer& answer, std::string_view what) {
  if (!answer.failure.empty())
    return {false, true, fmt::format("{}: {}", what, answer.failure), std::nullopt};
  if (answer.status >= 200 && answer.status < 300)
    return {true, false, "", std::nullopt};
  const bool retryable = answer.status == 429 || answer.status >= 500 || answer.status == 408;
  // The answer's own reason, only in a form that cannot echo the request: a JSON `message`
  // (GitHub's), or a short word (Slack's "invalid_payload"). A proxy's error page may quote the
  // URL, and a webhook URL is a secret.
  std::string why;
  const Json parsed = Json::parse(answer.body, nullptr, false);
  if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string())
    why = utf8_prefix(parsed["message"].get<std::string>(), 120);
  else if (answer.body.size() <= 40 &&
           std::all_of(answer.body.begin(), answer.body.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
                    c == ' ';
           }))
    why = answer.body;
  if (why.find('/') != std::string::npos)
    why.clear();
  return {false, retryable,
          why.empty() ? fmt::format("{}: HTTP {}", what, answer.status)
                      : fmt::format("{}: HTTP {}: {}", what, answer.status, why),
          answer.retry_after};
}

Json webhook_payload(const Message& message) {
  Json payload = message.context;
  payload.erase("rollout");  // the whole object stays home: it can be large, and it is the user's
  payload["trigger"] = message.trigger;
  payload["text"] = message.text;
  return payload;
}

DeliveryResult deliver_github(const ServiceConfig& service, const Message& message,
                              Transport& transport) {
  const std::string state = github_state(message.trigger);
  if (state.empty())
    return {true, false, "", std::nullopt};  // nothing GitHub shows for this trigger
  const std::string repository =
      !message.recipient.empty() ? message.recipient : setting(service, "repository");
  const std::string sha = text_of(message.context.value("gitSha", Json("")));
  if (repository.empty() || sha.empty())
    return {false, false,
            fmt::format("github {}: needs the repository (the recipient, owner/name) and the "
                        "revision's git SHA (annotation cutover.dev/git-sha, set by deploy set "
                        "image and the GitHub Action)",
                        service.name),
            std::nullopt};
  const std::string api = setting(service, "apiUrl", "https://api.github.com");
  const std::string environment =
      setting(service, "environment",
              text_of(message.context.value("namespace", Json(""))) + "/" +
                  text_of(message.context.value("name", Json(""))));
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Accept", "application/vnd.github+json"},
      {"X-GitHub-Api-Version", "2022-11-28"},
      {"Authorization", "Bearer " + setting(service, "token")},
      {"User-Agent", "cutover"},
      {"Content-Type", "application/json"}};
  const std::string base = api + "/repos/" + repository + "/deployments";
  // One deployment per revision and environment: found again, else created.
  auto found = transport.http(
      {"GET", base + "?sha=" + url_encode(sha) + "&environment=" + url_encode(environment), headers,
       ""});
  if (auto bad = judged(found, "github: listing deployments"); !bad.ok)
    return bad;
  long long id = 0;
  const Json listed = Json::parse(found.body, nullptr, false);
  if (listed.is_array() && !listed.empty() && listed[0].is_object() && listed[0].contains("id") &&
      listed[0]["id"].is_number_integer())
    id = listed[0]["id"].get<long long>();
  if (id == 0) {
    const Json deployment = {{"ref", sha},
                             {"environment", environment},
                             {"auto_merge", false},
                             {"required_contexts", Json::array()},
                             {"description", text_of(message.context.value("kind", Json("")))}};
    auto created = transport.http({"POST", base, headers, safe_dump(deployment)});
    if (auto bad = judged(created, "github: creating the deployment"); !bad.ok)
      return bad;
    const Json answer = Json::parse(created.body, nullptr, false);
    if (!answer.is_object() || !answer.contains("id") || !answer["id"].is_number_integer())
      return {false, false, "github: the deployment answer has no id", std::nullopt};
    id = answer["id"].get<long long>();
  }
  Json status = {{"state", text_or(message.extra, "state", state)},
                 {"environment", environment},
                 {"description", utf8_prefix(text_or(message.extra, "description", message.text),
                                             140)}};  // GitHub's limit
  if (const std::string log_url = text_or(message.extra, "logUrl", ""); !log_url.empty())
    status["log_url"] = log_url;
  auto posted =
      transport.http({"POST", fmt::format("{}/{}/statuses", base, id), headers, safe_dump(status)});
  return judged(posted, "github: posting the deployment status");
}

std::string rfc2047(const std::string& text) {
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && c != '\r' && c != '\n';
  });
  if (ascii)
    return text;
  std::string clean;
  for (const char c : text)
    if (c != '\r' && c != '\n')
      clean.push_back(c);
  return "=?UTF-8?B?" + base64_encode(clean) + "?=";
}

}  // namespace

std::string hmac_sha256_hex(std::string_view secret, std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data(), &size);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), size));
}

std::string slack_body(const Message& message) {
  if (message.extra.is_object() && !message.extra.empty()) {
    Json body = message.extra;
    if (!body.contains("text"))
      body["text"] = message.text;
    return safe_dump(body);
  }
  return safe_dump(Json{{"text", message.text}});
}

std::string teams_body(const Message& message) {
  Json facts = Json::array();
  for (const char* key : {"kind", "namespace", "name", "phase", "trigger"})
    facts.push_back({{"title", key}, {"value", text_of(message.context.value(key, Json("")))}});
  if (message.context.contains("analysis")) {
    for (const Json& metric : message.context["analysis"].value("metrics", Json::array()))
      facts.push_back({{"title", text_of(metric.value("name", Json("")))},
                       {"value", text_of(metric.value("value", Json(""))) + " (" +
                                     text_of(metric.value("verdict", Json(""))) + ")"}});
  }
  const bool bad = message.trigger.ends_with("aborted") || message.trigger.ends_with("failed");
  const Json card = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                     {"type", "AdaptiveCard"},
                     {"version", "1.4"},
                     {"body",
                      {{{"type", "TextBlock"},
                        {"text", message.text},
                        {"wrap", true},
                        {"weight", "Bolder"},
                        {"color", bad ? "Attention" : "Good"}},
                       {{"type", "FactSet"}, {"facts", facts}}}}};
  return safe_dump(Json{{"type", "message"},
                        {"attachments",
                         {{{"contentType", "application/vnd.microsoft.card.adaptive"},
                           {"contentUrl", nullptr},
                           {"content", card}}}}});
}

HttpCall webhook_call(const ServiceConfig& service, const Message& message) {
  HttpCall call;
  call.url = setting(service, "url");
  call.method = "POST";
  call.body = safe_dump(webhook_payload(message));
  if (message.extra.is_object() && !message.extra.empty()) {
    call.method = text_or(message.extra, "method", "POST");
    call.url += text_or(message.extra, "path", "");
    if (message.extra.contains("body"))
      call.body = text_of(message.extra["body"]);
  }
  call.headers = {{"Content-Type", "application/json"},
                  {"User-Agent", "cutover"},
                  {"X-Cutover-Event", message.trigger},
                  {"X-Cutover-Delivery", random_id()}};
  if (const auto headers = service.settings.find("headers");
      headers != service.settings.end() && headers->is_object()) {
    for (const auto& [name, value] : headers->items())
      call.headers.emplace_back(name, text_of(value));
  }
  if (const std::string secret = setting(service, "secret"); !secret.empty())
    call.headers.emplace_back("X-Cutover-Signature-256",
                              "sha256=" + hmac_sha256_hex(secret, call.body));
  return call;
}

std::string email_message(const std::string& from, const std::string& to,
                          const std::string& subject, const std::string& text,
                          std::chrono::system_clock::time_point now) {
  std::string body;
  // CRLF line ends; a line of a single dot is left to libcurl, which escapes it.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
      body += "\r\n";
    else
      body.push_back(text[i]);
  }
  const std::string domain =
      from.find('@') != std::string::npos ? from.substr(from.find('@') + 1) : "cutover";
  // fmt formats a time_point in local time: the Date is taken apart in UTC explicitly.
  const std::tm utc = fmt::gmtime(std::chrono::system_clock::to_time_t(now));
  return fmt::format(
      "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {:%a, %d %b %Y %H:%M:%S} +0000\r\n"
      "Message-ID: <{}@{}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
      one_line(from), one_line(to), rfc2047(subject), utc, random_id(), one_line(domain), body);
}

std::string github_state(std::string_view trigger) {
  if (trigger.ends_with("-updated") || trigger.ends_with("-step-completed") ||
      trigger.ends_with("-paused") || trigger.ends_with("-promoted"))
    return "in_progress";
  if (trigger.ends_with("-completed"))
    return "success";
  if (trigger.ends_with("-aborted") || trigger == "on-analysis-failed")
    return "failure";
  return "";
}

DeliveryResult deliver(const ServiceConfig& service, const Message& message, Transport& transport) {
  const std::string what = fmt::format("{} {}", to_string(service.type), service.name);
  switch (service.type) {
    case ServiceType::slack:
    case ServiceType::teams: {
      const std::string url = setting(service, "webhookUrl");
      if (url.empty())
        return {false, false, what + ": no webhookUrl in its service settings", std::nullopt};
      return judged(transport.http({"POST",
                                    url,
                                    {{"Content-Type", "application/json"}},
                                    service.type == ServiceType::slack ? slack_body(message)
                                                                       : teams_body(message)}),
                    what);
    }
    case ServiceType::webhook: {
      HttpCall call = webhook_call(service, message);
      if (call.url.empty())
        return {false, false, what + ": no url in its service settings", std::nullopt};
      return judged(transport.http(call), what);
    }
    case ServiceType::email: {
      const std::string host = setting(service, "host");
      const std::string from = setting(service, "from");
      if (host.empty() || from.empty() || message.recipient.empty())
        return {false, false,
                what + ": needs host and from in its settings, and a recipient address",
                std::nullopt};
      const std::string tls = setting(service, "tls", "starttls");
      const std::string port = setting(service, "port", tls == "implicit" ? "465" : "587");
      MailCall mail{
          .url = fmt::format("{}://{}:{}", tls == "implicit" ? "smtps" : "smtp", host, port),
          .require_tls = tls != "none",
          .username = setting(service, "username"),
          .password = setting(service, "password"),
          .from = from,
          .to = {message.recipient},
          .message = email_message(from, message.recipient, message.subject, message.text,
                                   std::chrono::system_clock::now())};
      auto answer = transport.mail(mail);
      if (!answer.failure.empty())
        return {false, true, what + ": " + answer.failure, std::nullopt};
      return {true, false, "", std::nullopt};
    }
    case ServiceType::github:
      return deliver_github(service, message, transport);
  }
  return {false, false, what + ": unknown service type", std::nullopt};
}

// ---- libcurl ------------------------------------------------------------------------------

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct Upload {
  const std::string* text;
  std::size_t at = 0;
};

std::size_t supply(char* buffer, std::size_t size, std::size_t count, void* in) {
  auto& upload = *static_cast<Upload*>(in);
  const std::size_t n = std::min(size * count, upload.text->size() - upload.at);
  std::copy_n(upload.text->data() + upload.at, n, buffer);
  upload.at += n;
  return n;
}

class CurlTransport final : public Transport {
 public:
  CurlTransport() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  TransportAnswer http(const HttpCall& call) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr)
      return {.failure = "libcurl could not start"};
    TransportAnswer answer;
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : call.headers)
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    if (call.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    common(curl);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
      answer.failure = curl_easy_strerror(code);  // the kind of failure, never the URL
    } else {
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      answer.status = static_cast<int>(status);
      curl_off_t retry = 0;
      if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry > 0)
        answer.retry_after = std::chrono::seconds(retry);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return answer;
  }

  TransportAnswer mail(const MailCall& call) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr)
      return {.failure = "libcurl could not start"};
    curl_slist* recipients = nullptr;
    for (const auto& to : call.to)
      recipients = curl_slist_append(recipients, ("<" + to + ">").c_str());
    Upload upload{&call.message};
    curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
    if (call.require_tls)
      curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!call.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, call.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, call.password.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + call.from + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &supply);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    common(curl);
    TransportAnswer answer;
    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK)
      answer.failure = curl_easy_strerror(code);
    else
      answer.status = 250;
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    return answer;
  }

 private:
  static void common(CURL* curl) {
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  }
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport() {
  return std::make_unique<CurlTransport>();
}

}  // namespace cutover::notify
