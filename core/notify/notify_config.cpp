#include "notify/notify_config.hpp"

#include <fmt/format.h>

#include <cctype>

#include "notify/trigger_events.hpp"
#include "util/encoding.hpp"
#include "util/yaml_json.hpp"

namespace cutover::notify {

namespace {

// The evidence every built-in message ends with: the gate's run and each metric's last value,
// its condition and its verdict (what Argo's templates cannot show, argo-rollouts#3219).
constexpr const char* kEvidence =
    "{{#analysis}}\nAnalysis {{run}}: {{phase}}{{#message}} ({{message}}){{/message}}\n"
    "{{#metrics}}- {{name}}: {{value}} ({{verdict}}; success when {{condition}})\n"
    "{{/metrics}}{{/analysis}}";

std::string builtin_message(std::string_view stem) {
  std::string head = "{{kind}} {{namespace}}/{{name}}";
  if (stem.ends_with("updated"))
    head += ": revision {{revision}} ({{images}}) is rolling out";
  else if (stem.ends_with("step-completed"))
    head += ": {{message}}";
  else if (stem.ends_with("paused"))
    head += " is paused: {{message}}";
  else if (stem.ends_with("promoted"))
    head += " was promoted by {{promotedBy}}";
  else if (stem.ends_with("aborted"))
    head += " was rolled back: {{abortReason}}";
  else if (stem.ends_with("completed"))
    head += ": revision {{revision}} ({{images}}) is stable";
  else if (stem.ends_with("failed"))
    head += ": analysis failed, the release is rolled back";
  else if (stem.ends_with("inconclusive"))
    head += ": analysis inconclusive, the release waits for `deploy retry` or `deploy promote`";
  return head + "." + kEvidence;
}

Json builtin_template(std::string_view stem) {
  return {{"message", builtin_message(stem)},
          {"email", {{"subject", "[cutover] {{kind}} {{namespace}}/{{name}}: {{trigger}}"}}}};
}

std::string_view stem_of(std::string_view trigger) {
  return trigger.starts_with("on-") ? trigger.substr(3) : trigger;
}

std::string as_text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::optional<ServiceType> service_type(std::string_view name) {
  if (name == "slack")
    return ServiceType::slack;
  if (name == "teams")
    return ServiceType::teams;
  if (name == "webhook")
    return ServiceType::webhook;
  if (name == "email")
    return ServiceType::email;
  if (name == "github")
    return ServiceType::github;
  return std::nullopt;
}

std::string_view to_string(ServiceType type) {
  switch (type) {
    case ServiceType::slack:
      return "slack";
    case ServiceType::teams:
      return "teams";
    case ServiceType::webhook:
      return "webhook";
    case ServiceType::email:
      return "email";
    case ServiceType::github:
      return "github";
  }
  return "webhook";
}

std::vector<TriggerCondition> NotifyConfig::trigger(const std::string& name) const {
  if (const auto found = triggers.find(name); found != triggers.end())
    return found->second;
  if (is_builtin_trigger(name))
    return {TriggerCondition{.send = {std::string(stem_of(name))}, .once_per = {}}};
  return {};
}

const Json* NotifyConfig::find_template(const std::string& name) const {
  if (const auto found = templates.find(name); found != templates.end())
    return &found->second;
  static const std::map<std::string, Json> kBuiltins = [] {
    std::map<std::string, Json> out;
    for (const auto& trigger : builtin_triggers())
      out.emplace(std::string(stem_of(trigger)), builtin_template(stem_of(trigger)));
    return out;
  }();
  const auto found = kBuiltins.find(name);
  return found == kBuiltins.end() ? nullptr : &found->second;
}

Json substitute_secrets(const Json& value, const std::map<std::string, std::string>& secrets,
                        std::vector<std::string>& missing) {
  if (value.is_string()) {
    // `$` then a key of letters, digits, `-`, `_`, `.`: scanned by hand (std::regex recursed
    // once per character and overflowed the stack on a 50,000-character key).
    const std::string text = value.get<std::string>();
    const auto key_char = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    };
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      if (text[i] != '$' || i + 1 >= text.size() || !key_char(text[i + 1])) {
        out.push_back(text[i++]);
        continue;
      }
      std::size_t end = i + 1;
      while (end < text.size() && key_char(text[end]))
        ++end;
      const std::string key = text.substr(i + 1, end - i - 1);
      if (const auto found = secrets.find(key); found != secrets.end()) {
        out += found->second;
      } else {
        out.append(text, i, end - i);
        missing.push_back(key);
      }
      i = end;
    }
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items())
      out[key] = substitute_secrets(item, secrets, missing);
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value)
      out.push_back(substitute_secrets(item, secrets, missing));
    return out;
  }
  return value;
}

NotifyConfig parse_notify_config(const Json& config_data, const Json& secret_data,
                                 const std::string& source) {
  NotifyConfig config;
  auto warn = [&](const std::string& key, const std::string& what) {
    config.warnings.push_back(fmt::format("{}, key {}: {}", source, key, what));
  };
  std::map<std::string, std::string> secrets;
  if (secret_data.is_object()) {
    for (const auto& [key, value] : secret_data.items()) {
      auto decoded = value.is_string() ? base64_decode(value.get<std::string>())
                                       : std::expected<std::string, std::string>(
                                             std::unexpected(std::string("not a string")));
      if (decoded)
        secrets[key] = *decoded;
      else
        config.warnings.push_back(fmt::format("Secret {} key {}: not base64 ({}); it is not used",
                                              kConfigName, key, decoded.error()));
    }
  }
  if (!config_data.is_object())
    return config;
  auto yaml = [&](const std::string& key, const Json& value) -> std::optional<Json> {
    const std::string text = as_text(value);
    auto documents = parse_yaml_documents(text);
    if (!documents) {
      warn(key, fmt::format("not YAML (line {}: {}); fix the value", documents.error().line,
                            documents.error().message));
      return std::nullopt;
    }
    return documents->empty() ? Json(nullptr) : documents->front();
  };
  for (const auto& [key, value] : config_data.items()) {
    if (key.starts_with("service.")) {
      const std::string rest = key.substr(8);
      const std::size_t dot = rest.find('.');
      const std::string type_name = rest.substr(0, dot);
      const auto type = service_type(type_name);
      if (!type) {
        warn(key, fmt::format("unknown service type \"{}\"; the types are slack, teams, webhook, "
                              "email and github",
                              type_name));
        continue;
      }
      const std::string name = dot == std::string::npos ? type_name : rest.substr(dot + 1);
      if (name.empty() || name.find('.') != std::string::npos) {
        warn(key, "write service.<type> or service.<type>.<name>, the name without dots");
        continue;
      }
      auto settings = yaml(key, value);
      if (!settings)
        continue;
      if (!settings->is_object()) {
        warn(key, "a service is a YAML mapping, e.g. `webhookUrl: $slack-url`");
        continue;
      }
      std::vector<std::string> missing;
      Json substituted = substitute_secrets(*settings, secrets, missing);
      for (const auto& secret : missing)
        warn(key, fmt::format("${} is not a key of Secret {}; add it there", secret, kConfigName));
      if (config.services.contains(name))
        warn(key, fmt::format("a second service named \"{}\"; the later key replaces the earlier "
                              "(give one of them another name: service.<type>.<name>)",
                              name));
      config.services[name] = {name, *type, std::move(substituted)};
    } else if (key.starts_with("trigger.")) {
      auto conditions = yaml(key, value);
      if (!conditions)
        continue;
      if (!conditions->is_array()) {
        warn(key, "a trigger is a YAML list, e.g. `- send: [rollout-aborted]`");
        continue;
      }
      std::vector<TriggerCondition> parsed;
      bool ok = true;
      for (const auto& condition : *conditions) {
        if (!condition.is_object() || !condition.contains("send") ||
            !condition["send"].is_array()) {
          warn(key, "each condition needs `send`, a list of template names");
          ok = false;
          break;
        }
        TriggerCondition c;
        for (const auto& name : condition["send"])
          if (name.is_string())
            c.send.push_back(name.get<std::string>());
        if (condition.contains("when"))
          warn(key,
               "`when` is not supported (triggers fire on the release's own transitions); "
               "it is ignored");
        if (condition.contains("oncePer") && condition["oncePer"].is_string())
          c.once_per = condition["oncePer"].get<std::string>();
        parsed.push_back(std::move(c));
      }
      if (ok && !is_builtin_trigger(key.substr(8)))
        warn(key,
             "only the built-in triggers fire (docs/notifications.md lists them); a trigger "
             "key redefines what one of them sends");
      if (ok)
        config.triggers[key.substr(8)] = std::move(parsed);
    } else if (key.starts_with("template.")) {
      auto body = yaml(key, value);
      if (!body)
        continue;
      if (!body->is_object() || !body->contains("message") || !(*body)["message"].is_string()) {
        warn(key, "a template is a YAML mapping with at least `message` (Mustache text)");
        continue;
      }
      config.templates[key.substr(9)] = std::move(*body);
    } else if (key == "defaultTriggers") {
      auto list = yaml(key, value);
      if (!list)
        continue;
      if (!list->is_array()) {
        warn(key, "a YAML list of trigger names, e.g. `[on-rollout-aborted]`");
        continue;
      }
      for (const auto& name : *list)
        if (name.is_string())
          config.default_triggers.push_back(name.get<std::string>());
    } else {
      warn(key,
           "not a key of the notifications' configuration (service.*, trigger.*, "
           "template.*, defaultTriggers); it is ignored");
    }
  }
  return config;
}

}  // namespace cutover::notify
