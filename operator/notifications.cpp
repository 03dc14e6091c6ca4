#include "notifications.hpp"

#include "notify/dispatch.hpp"
#include "notify/notification_context.hpp"
#include "notify/subscriptions.hpp"
#include "notify/trigger_events.hpp"
#include "rollout/rollout_json.hpp"
#include "util/log.hpp"

namespace cutover::op {

namespace {

using namespace std::chrono_literals;
using kube::Json;

constexpr auto kConfigTtl = 10s;
constexpr auto kNamespaceTtl = 30s;
constexpr std::size_t kOnceMemory = 10'000;

}  // namespace

Notifications::Notifications(OperatorMetrics& metrics, kube::KubeClient& server,
                             kube::KubeClient& reader, NotificationOptions options,
                             std::shared_ptr<notify::Transport> transport)
    : metrics_(metrics),
      server_(server),
      reader_(reader),
      options_(std::move(options)),
      notifier_(std::move(transport), options_.notifier,
                [&metrics](const std::string& service, std::string_view result) {
                  metrics.notification(service, result);
                }) {}

std::shared_ptr<const notify::NotifyConfig> Notifications::config() {
  {
    const std::scoped_lock lock(mutex_);
    if (config_ && std::chrono::steady_clock::now() < config_until_)
      return config_;
  }
  auto fresh = std::make_shared<notify::NotifyConfig>();
  const std::string source = "ConfigMap " + options_.config_namespace + "/" + notify::kConfigName;
  auto map = server_.get({"v1", "ConfigMap", options_.config_namespace}, notify::kConfigName);
  if (map) {
    Json secret_data = Json::object();
    if (auto secret = server_.get({"v1", "Secret", options_.config_namespace}, notify::kConfigName))
      secret_data = secret->value("data", Json::object());
    *fresh = notify::parse_notify_config(map->value("data", Json::object()), secret_data, source);
  } else if (map.error().reason != kube::ErrorReason::not_found) {
    log::warn("cannot read the notifications' configuration",
              {{"configmap", source}, {"error", map.error().describe()}});
  }
  const std::scoped_lock lock(mutex_);
  for (const auto& warning : fresh->warnings) {
    if (warned_.insert(warning).second)
      log::warn("notifications: a key of the configuration is skipped", {{"detail", warning}});
  }
  config_ = std::move(fresh);
  config_until_ = std::chrono::steady_clock::now() + kConfigTtl;
  return config_;
}

Json Notifications::namespace_annotations(const std::string& ns) {
  if (!options_.namespace_subscriptions)
    return Json::object();
  {
    const std::scoped_lock lock(mutex_);
    if (auto hit = namespaces_.find(ns);
        hit != namespaces_.end() && std::chrono::steady_clock::now() < hit->second.second)
      return hit->second.first;
  }
  Json annotations = Json::object();
  if (auto object = server_.get({"v1", "Namespace", ""}, ns))
    annotations = (*object)["metadata"].value("annotations", Json::object());
  const std::scoped_lock lock(mutex_);
  namespaces_[ns] = {annotations, std::chrono::steady_clock::now() + kNamespaceTtl};
  return annotations;
}

void Notifications::passed(const rollout::Rollout& before, const rollout::Plan& plan,
                           const std::vector<rollout::RecordEvent>& told) {
  std::vector<std::string> reasons;
  reasons.reserve(told.size());
  for (const auto& event : told)
    reasons.push_back(event.reason);
  const auto fired = notify::fired_triggers(before.kind, before.status, plan.status, reasons);
  if (fired.empty())
    return;
  const auto configuration = config();
  if (configuration->services.empty())
    return;
  auto object =
      reader_.get({"cutover.dev/v1alpha1", before.kind, before.namespace_name}, before.name);
  if (!object)
    return;  // deleted meanwhile
  (*object)["status"] = rollout::status_to_json(plan.status);
  Json annotations = namespace_annotations(before.namespace_name);
  const Json own = (*object)["metadata"].value("annotations", Json::object());
  for (const auto& [key, value] : own.items())
    annotations[key] = value;  // the release's own subscriptions win over its namespace's
  const auto subscriptions =
      notify::parse_subscriptions(annotations, configuration->default_triggers);
  if (subscriptions.empty())
    return;
  std::vector<Json> runs;
  if (auto listed =
          reader_.list({"cutover.dev/v1alpha1", "AnalysisRun", before.namespace_name},
                       {.label_selector = std::string(before.owner_label()) + "=" + before.name})) {
    for (auto& run : (*listed)["items"])
      runs.push_back(std::move(run));
  }
  std::vector<std::string> warnings;
  auto outgoing =
      notify::plan_notifications(*configuration, subscriptions, fired,
                                 notify::notification_context("", *object, runs), warnings);
  for (const auto& warning : warnings) {
    const std::scoped_lock lock(mutex_);
    if (warned_.insert(warning).second)
      log::warn("notifications: a subscription is skipped",
                {{"rollout", before.namespace_name + "/" + before.name}, {"detail", warning}});
  }
  for (auto& one : outgoing) {
    if (!one.once_key.empty()) {
      const std::scoped_lock lock(mutex_);
      const std::string key = before.namespace_name + "/" + before.name + "\n" + one.once_key;
      if (once_sent_.size() >= kOnceMemory)
        once_sent_.clear();
      if (!once_sent_.insert(key).second)
        continue;
    }
    notifier_.enqueue(std::move(one.service), std::move(one.message));
  }
}

}  // namespace cutover::op
