#pragma once
// The notifications' configuration, in the style of Argo's notifications (so users carry their
// knowledge over): ConfigMap `cutover-notifications` and Secret `cutover-notifications` in the
// operator's namespace. Keys of the ConfigMap:
//
//   service.<type>[.<name>]   a destination (YAML): slack, teams, webhook, email, github. Its
//                             name is <name>, or <type> when there is none. Every `$key` in a
//                             string is replaced by the Secret's value of `key`.
//   trigger.<name>            a YAML list of `{send: [template...], oncePer: <field path>}`.
//   template.<name>           YAML: `message`, `email: {subject}`, `webhook: {<name>: {method,
//                             path, body}}`, `github: {state, description}` (Mustache).
//   defaultTriggers           a YAML list: the triggers of a subscription that names none.
//
// The built-in triggers (trigger_events.hpp) need no configuration: each sends the built-in
// template of its name without the `on-` (on-rollout-aborted sends rollout-aborted). A key that
// does not parse is skipped with a warning that names it; the rest still works. Pure.

#include <expected>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cutover::notify {

using Json = nlohmann::json;

inline constexpr const char* kConfigName = "cutover-notifications";

enum class ServiceType { slack, teams, webhook, email, github };

/// "slack", ...; nothing for an unknown type.
std::optional<ServiceType> service_type(std::string_view name);
std::string_view to_string(ServiceType type);

struct ServiceConfig {
  std::string name;  // the destination a subscription names
  ServiceType type = ServiceType::webhook;
  Json settings = Json::object();  // the YAML, secrets substituted
};

struct TriggerCondition {
  std::vector<std::string> send;  // template names
  /// A field path into the template context (e.g. `rollout.status.currentRevision`): the
  /// trigger fires once per distinct value, to each recipient. Empty: every time.
  std::string once_per;
};

struct NotifyConfig {
  std::map<std::string, ServiceConfig> services;  // by destination name
  std::map<std::string, std::vector<TriggerCondition>> triggers;
  std::map<std::string, Json> templates;
  std::vector<std::string> default_triggers;
  /// One line per key that was skipped: the key, what is wrong, the fix.
  std::vector<std::string> warnings;

  /// The trigger's conditions: configured, else built-in; empty for an unknown trigger.
  [[nodiscard]] std::vector<TriggerCondition> trigger(const std::string& name) const;
  /// The template: configured, else built-in; null for an unknown one.
  [[nodiscard]] const Json* find_template(const std::string& name) const;
};

/// Parses the ConfigMap's `data` and the Secret's `data` (values base64, as the API serves
/// them; a value that is not base64 is a warning). `source` names the ConfigMap in warnings.
NotifyConfig parse_notify_config(const Json& config_data, const Json& secret_data,
                                 const std::string& source);

/// `$key` in every string of `value` replaced by `secrets[key]` (keys: letters, digits, `-`,
/// `_`, `.`); an unknown key stays as written and is named in `missing`.
Json substitute_secrets(const Json& value, const std::map<std::string, std::string>& secrets,
                        std::vector<std::string>& missing);

}  // namespace cutover::notify
