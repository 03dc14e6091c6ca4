#include "service_index.hpp"

#include "kube/reflector.hpp"
#include "util/json_fields.hpp"

namespace cutover::op {

namespace {

// Read from the raw object, not parse_rollout: an invalid spec still names its Services.
std::set<std::string> named_services(const kube::Json& rollout) {
  const kube::Json& metadata = member(rollout, "metadata");
  const std::string ns = string_or(metadata, "namespace");
  const kube::Json& strategy = member(member(rollout, "spec"), "strategy");
  std::set<std::string> out;
  for (const auto& [kind, fields] :
       {std::pair{"canary", std::vector<const char*>{"stableService", "canaryService"}},
        std::pair{"blueGreen", std::vector<const char*>{"activeService", "previewService"}}}) {
    const kube::Json& section = member(strategy, kind);
    for (const char* field : fields) {
      const std::string name = string_or(section, field);
      if (!name.empty())
        out.insert(ns + "/" + name);
    }
  }
  return out;
}

}  // namespace

void ServiceIndex::update(const kube::WatchEvent& rollout_event) {
  const std::string key = kube::object_key(rollout_event.object);
  std::lock_guard lock(mutex_);
  if (rollout_event.type == kube::WatchEventType::deleted) {
    services_of_.erase(key);
    return;
  }
  services_of_[key] = named_services(rollout_event.object);
}

bool ServiceIndex::has_rollout(const std::string& rollout_key) const {
  std::lock_guard lock(mutex_);
  return services_of_.contains(rollout_key);
}

std::vector<std::string> ServiceIndex::rollouts_of(const std::string& service_key) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [rollout, services] : services_of_) {
    if (services.contains(service_key))
      out.push_back(rollout);
  }
  return out;
}

}  // namespace cutover::op
