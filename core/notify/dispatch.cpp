#include "notify/dispatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "notify/notification_context.hpp"

namespace cutover::notify {

namespace {

// Every string of `value` rendered with `context`.
std::expected<Json, std::string> rendered(const Json& value, const Json& context) {
  if (value.is_string()) {
    auto text = render_text(value.get<std::string>(), context);
    if (!text)
      return std::unexpected(text.error());
    return Json(std::move(*text));
  }
  if (value.is_object() || value.is_array()) {
    Json out = value;
    for (auto& item : out) {
      auto done = rendered(item, context);
      if (!done)
        return done;
      item = std::move(*done);
    }
    return out;
  }
  return value;
}

}  // namespace

std::vector<Outgoing> plan_notifications(const NotifyConfig& config,
                                         const std::vector<Subscription>& subscriptions,
                                         const std::vector<std::string>& fired, const Json& context,
                                         std::vector<std::string>& warnings) {
  std::vector<Outgoing> out;
  std::set<std::string> sent;  // one delivery per service, recipient, trigger and template
  for (const auto& subscription : subscriptions) {
    if (std::find(fired.begin(), fired.end(), subscription.trigger) == fired.end())
      continue;
    const auto service = config.services.find(subscription.service);
    if (service == config.services.end()) {
      warnings.push_back(fmt::format(
          "subscription to {} names service \"{}\", which ConfigMap {} does not define (add a "
          "service.<type>.{} key)",
          subscription.trigger, subscription.service, kConfigName, subscription.service));
      continue;
    }
    const auto conditions = config.trigger(subscription.trigger);
    if (conditions.empty()) {
      warnings.push_back(
          fmt::format("subscription names trigger \"{}\", which is neither built "
                      "in nor a trigger.{} key of ConfigMap {}",
                      subscription.trigger, subscription.trigger, kConfigName));
      continue;
    }
    Json with_trigger = context;
    with_trigger["trigger"] = subscription.trigger;
    for (const auto& condition : conditions) {
      for (const auto& name : condition.send) {
        const Json* tmpl = config.find_template(name);
        if (tmpl == nullptr) {
          warnings.push_back(
              fmt::format("trigger {} sends template \"{}\", which is not defined "
                          "(add a template.{} key)",
                          subscription.trigger, name, name));
          continue;
        }
        auto text = render_text(tmpl->value("message", ""), with_trigger);
        // A subject that is not text (a number, an empty YAML value) falls back to the default.
        const Json email = tmpl->value("email", Json::object());
        const bool has_subject =
            email.is_object() && email.contains("subject") && email["subject"].is_string();
        auto subject = render_text(has_subject ? email["subject"].get<std::string>()
                                               : std::string("[cutover] {{kind}} {{namespace}}/"
                                                             "{{name}}: {{trigger}}"),
                                   with_trigger);
        Json extra = Json::object();
        const std::string type(to_string(service->second.type));
        if (type == "webhook" && tmpl->contains("webhook") && (*tmpl)["webhook"].is_object())
          extra = (*tmpl)["webhook"].value(service->second.name, Json::object());
        else if (tmpl->contains(type) && (*tmpl)[type].is_object())
          extra = (*tmpl)[type];
        auto extra_rendered = rendered(extra, with_trigger);
        if (!text || !subject || !extra_rendered) {
          warnings.push_back(fmt::format("template {} does not render: {}; fix its Mustache", name,
                                         !text      ? text.error()
                                         : !subject ? subject.error()
                                                    : extra_rendered.error()));
          continue;
        }
        for (const auto& recipient : subscription.recipients) {
          const std::string key = fmt::format("{}\n{}\n{}\n{}", subscription.trigger,
                                              service->second.name, recipient, name);
          if (!sent.insert(key).second)
            continue;
          Outgoing one{service->second,
                       {.service = service->second.name,
                        .recipient = recipient,
                        .trigger = subscription.trigger,
                        .subject = *subject,
                        .text = *text,
                        .context = with_trigger,
                        .extra = *extra_rendered},
                       ""};
          if (!condition.once_per.empty())
            one.once_key = key + "\n" + context_value(with_trigger, condition.once_per);
          out.push_back(std::move(one));
        }
      }
    }
  }
  return out;
}

}  // namespace cutover::notify
