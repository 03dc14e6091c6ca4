// libFuzzer target: the notifications' configuration and subscriptions as users write them. The
// input is up to three parts separated by a line "----": the ConfigMap's data (a JSON object,
// else the text is every kind of key's value), the Secret's data (a JSON object, else one value,
// raw and base64), and annotations, one `key=value` a line (each key also under the subscribe
// prefix). The whole input is also a template. The parsed configuration is planned against every
// trigger it knows. Nothing may crash or throw, and the plan keeps its contract.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "notify/dispatch.hpp"
#include "notify/notification_context.hpp"
#include "notify/notify_config.hpp"
#include "notify/subscriptions.hpp"
#include "notify/trigger_events.hpp"
#include "util/encoding.hpp"

namespace {

namespace notify = cutover::notify;
using Json = nlohmann::json;

// The input's three parts: the text between lines "----" (the third takes the rest).
std::array<std::string_view, 3> parts(std::string_view input) {
  std::array<std::string_view, 3> out{};
  std::size_t index = 0;
  std::size_t start = 0;
  std::size_t at = 0;
  while (index + 1 < out.size()) {
    const std::size_t end = input.find('\n', at);
    const std::string_view line = input.substr(at, end == std::string_view::npos ? end : end - at);
    if (line == "----") {
      out[index++] = input.substr(start, at == start ? 0 : at - start - 1);  // not its last \n
      start = end == std::string_view::npos ? input.size() : end + 1;
    }
    if (end == std::string_view::npos)
      break;
    at = end + 1;
  }
  out[index] = input.substr(start);
  return out;
}

Json object_or_null(std::string_view text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() ? parsed : Json(nullptr);
}

Json config_data(std::string_view text) {
  if (Json parsed = object_or_null(text); !parsed.is_null())
    return parsed;
  const std::string value(text);
  return {{"template.x", value},
          {"trigger.on-y", value},
          {"service.webhook.z", value},
          {"service.slack", value},
          {"defaultTriggers", value}};
}

Json secret_data(std::string_view text) {
  if (Json parsed = object_or_null(text); !parsed.is_null())
    return parsed;
  return {{"raw", std::string(text)}, {"encoded", cutover::base64_encode(text)}};
}

Json annotations(std::string_view text) {
  Json out = Json::object();
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const auto equals = line.find('=');
    const std::string key(line.substr(0, equals));
    const std::string value(equals == std::string_view::npos ? "" : line.substr(equals + 1));
    out[key] = value;
    out[notify::kSubscribePrefix + key] = value;
  }
  return out;
}

constexpr const char* kRollout = R"({
  "kind": "Rollout", "metadata": {"namespace": "shop", "name": "web"},
  "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}},
  "status": {"phase": "Degraded", "currentRevision": "7", "abortReason": "errors"}})";

constexpr const char* kAnalysisRun = R"({
  "metadata": {"name": "web-7", "creationTimestamp": "2026-11-22T01:00:00Z"},
  "spec": {"revision": "7", "gate": "step-1", "metrics": [{"policy": "http", "name": "errors",
           "threshold": {"query": "q", "successCondition": "result < 1"}}]},
  "status": {"phase": "Failed", "metricResults": [{"name": "http/errors", "phase": "Failed",
             "measurements": [{"phase": "Failed", "value": "3"}]}]}})";

const Json& context() {
  static const Json kContext = notify::notification_context(
      "on-rollout-aborted", Json::parse(kRollout), {Json::parse(kAnalysisRun)});
  return kContext;
}

void check_plan(const notify::NotifyConfig& config,
                const std::vector<notify::Subscription>& subscriptions) {
  std::vector<std::string> fired = notify::builtin_triggers();
  for (const auto& [name, conditions] : config.triggers)
    fired.push_back(name);
  std::vector<std::string> warnings;
  const auto planned =
      notify::plan_notifications(config, subscriptions, fired, context(), warnings);
  std::set<std::string> once_keys;
  for (const auto& outgoing : planned) {
    // Only a configured service, for a subscription to it, and each delivery once.
    const auto service = config.services.find(outgoing.message.service);
    if (service == config.services.end() || service->second.name != outgoing.service.name)
      std::abort();
    bool subscribed = false;
    for (const auto& subscription : subscriptions)
      subscribed = subscribed || (subscription.service == outgoing.message.service &&
                                  subscription.trigger == outgoing.message.trigger);
    if (!subscribed)
      std::abort();
    if (outgoing.message.context.value("trigger", Json()) != outgoing.message.trigger)
      std::abort();
    if (!outgoing.once_key.empty() && !once_keys.insert(outgoing.once_key).second)
      std::abort();
  }
  for (const auto& warning : warnings)
    if (warning.empty())
      std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view whole(reinterpret_cast<const char*>(data), size);
  const auto [config_part, secret_part, annotation_part] = parts(whole);

  const notify::NotifyConfig config =
      notify::parse_notify_config(config_data(config_part), secret_data(secret_part), "fuzz");
  for (const auto& [name, service] : config.services)
    if (name != service.name || name.empty() || name.find('.') != std::string::npos)
      std::abort();
  for (const auto& warning : config.warnings)
    if (warning.empty())
      std::abort();

  const auto subscriptions =
      notify::parse_subscriptions(annotations(annotation_part), config.default_triggers);
  for (const auto& subscription : subscriptions)
    if (subscription.service.empty() || subscription.recipients.empty())
      std::abort();

  (void)notify::render_text(std::string(whole), context());
  (void)notify::context_value(context(), std::string(annotation_part));
  check_plan(config, subscriptions);
  return 0;
}
