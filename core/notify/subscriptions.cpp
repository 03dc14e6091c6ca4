#include "notify/subscriptions.hpp"

#include "util/text.hpp"

namespace cutover::notify {

namespace {

// Recipients are separated by `;` (Argo's form) or by line ends (a YAML block annotation); each
// is trimmed, so no CR or LF reaches a mail header.
std::vector<std::string> recipients_of(std::string_view value) {
  std::vector<std::string> out;
  while (true) {
    const std::size_t end = value.find_first_of(";\r\n");
    const std::string_view one = trim_blanks(value.substr(0, end));
    if (!one.empty())
      out.emplace_back(one);
    if (end == std::string_view::npos)
      break;
    value.remove_prefix(end + 1);
  }
  if (out.empty())
    out.emplace_back();
  return out;
}

}  // namespace

const std::vector<std::string>& fallback_default_triggers() {
  static const std::vector<std::string> kDefaults = {
      "on-rollout-aborted",     "on-rollout-completed",    "on-migration-aborted",
      "on-migration-completed", "on-flag-rollout-aborted", "on-flag-rollout-completed",
      "on-analysis-failed"};
  return kDefaults;
}

std::vector<Subscription> parse_subscriptions(const nlohmann::json& annotations,
                                              const std::vector<std::string>& default_triggers) {
  std::vector<Subscription> out;
  if (!annotations.is_object())
    return out;
  for (const auto& [key, value] : annotations.items()) {
    std::string_view rest;
    if (key.starts_with(kSubscribePrefix))
      rest = std::string_view(key).substr(std::string_view(kSubscribePrefix).size());
    else if (key.starts_with(kArgoSubscribePrefix))
      rest = std::string_view(key).substr(std::string_view(kArgoSubscribePrefix).size());
    else
      continue;
    if (!value.is_string() || rest.empty())
      continue;
    const auto recipients = recipients_of(value.get<std::string>());
    // Triggers start with "on-" and have no dot: `on-x.service` names one, `service` none.
    const std::size_t dot = rest.find('.');
    if (rest.starts_with("on-") && dot != std::string_view::npos) {
      const std::string_view service = rest.substr(dot + 1);
      if (!service.empty())
        out.push_back({std::string(rest.substr(0, dot)), std::string(service), recipients});
      continue;
    }
    for (const auto& trigger :
         default_triggers.empty() ? fallback_default_triggers() : default_triggers)
      out.push_back({trigger, std::string(rest), recipients});
  }
  return out;
}

}  // namespace cutover::notify
