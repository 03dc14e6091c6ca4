#include "rollout_index.hpp"

#include <tuple>

#include "kube/reflector.hpp"
#include "util/json_fields.hpp"

namespace cutover::op {

namespace {

// Every `policies: [{name, clusterScope}]` list under the strategy (steps, background analysis,
// pre- and post-promotion analysis), wherever the schema puts one.
void collect_policies(const kube::Json& node, const std::string& ns,
                      std::set<std::pair<Reference, std::string>>& out) {
  if (node.is_array()) {
    for (const auto& item : node)
      collect_policies(item, ns, out);
    return;
  }
  if (!node.is_object())
    return;
  for (const auto& [key, value] : node.items()) {
    if (key == "policies" && value.is_array()) {
      for (const auto& ref : value) {
        const std::string name = string_or(ref, "name");
        if (name.empty())
          continue;
        if (bool_or(ref, "clusterScope"))
          out.insert({Reference::cluster_policy, name});
        else
          out.insert({Reference::policy, ns + "/" + name});
      }
    } else {
      collect_policies(value, ns, out);
    }
  }
}

// Read from the raw object, not parse_rollout: an invalid spec still names its objects.
std::set<std::pair<Reference, std::string>> named_objects(const kube::Json& rollout) {
  const kube::Json& metadata = member(rollout, "metadata");
  const std::string ns = string_or(metadata, "namespace");
  const kube::Json& spec = member(rollout, "spec");
  const kube::Json& strategy = member(spec, "strategy");
  std::set<std::pair<Reference, std::string>> out;
  for (const auto& [kind, fields] :
       {std::pair{"canary", std::vector<const char*>{"stableService", "canaryService"}},
        std::pair{"blueGreen", std::vector<const char*>{"activeService", "previewService"}}}) {
    const kube::Json& section = member(strategy, kind);
    for (const char* field : fields) {
      const std::string name = string_or(section, field);
      if (!name.empty())
        out.insert({Reference::service, ns + "/" + name});
    }
  }
  if (const std::string workload = string_or(member(spec, "workloadRef"), "name");
      !workload.empty()) {
    out.insert({Reference::workload, ns + "/" + workload});
  }
  collect_policies(strategy, ns, out);
  const kube::Json& gateway =
      member(member(member(strategy, "canary"), "trafficRouting"), "gatewayAPI");
  for (const auto& [field, kind] : {std::pair{"httpRoutes", Reference::http_route},
                                    std::pair{"grpcRoutes", Reference::grpc_route}}) {
    const kube::Json& routes = member(gateway, field);
    for (const auto& route : routes.is_array() ? routes : kube::Json::array()) {
      const std::string name = string_or(route, "name");
      const std::string route_ns = string_or(route, "namespace", ns);
      if (!name.empty())
        out.insert({kind, route_ns + "/" + name});
      if (!name.empty() && route_ns != ns)
        out.insert({Reference::reference_grant, ns});
    }
  }
  const kube::Json& istio = member(member(member(strategy, "canary"), "trafficRouting"), "istio");
  const kube::Json& single = member(istio, "virtualService");
  const kube::Json& many = member(istio, "virtualServices");
  for (const auto& vs : many.is_array() ? many : kube::Json::array({single})) {
    if (const std::string name = string_or(vs, "name"); !name.empty())
      out.insert({Reference::virtual_service, ns + "/" + name});
  }
  if (many.is_array()) {
    if (const std::string name = string_or(single, "name"); !name.empty())
      out.insert({Reference::virtual_service, ns + "/" + name});
  }
  if (const std::string name = string_or(member(istio, "destinationRule"), "name"); !name.empty())
    out.insert({Reference::destination_rule, ns + "/" + name});
  if (const std::string ingress = string_or(
          member(member(member(strategy, "canary"), "trafficRouting"), "nginx"), "stableIngress");
      !ingress.empty()) {
    out.insert({Reference::ingress, ns + "/" + ingress});
  }
  const kube::Json& flags = member(member(strategy, "canary"), "flags");
  for (const auto& binding : flags.is_array() ? flags : kube::Json::array()) {
    const std::string name = string_or(binding, "featureFlag");
    if (!name.empty())
      out.insert({Reference::feature_flag, ns + "/" + name});
  }
  return out;
}

// A FlagRollout names its FeatureFlag (spec.featureFlag) and the policies of its steps.
std::set<std::pair<Reference, std::string>> flag_rollout_names(const kube::Json& flag_rollout) {
  const std::string ns = string_or(member(flag_rollout, "metadata"), "namespace");
  const kube::Json& spec = member(flag_rollout, "spec");
  std::set<std::pair<Reference, std::string>> out;
  if (const std::string name = string_or(spec, "featureFlag"); !name.empty())
    out.insert({Reference::feature_flag, ns + "/" + name});
  collect_policies(member(spec, "steps"), ns, out);
  return out;
}

// A Migration names its route (spec.route) and the policies of its steps. Every Migration of
// the namespace is also read by each pass (two may not move one path), so a Migration's own
// changes need no index.
std::set<std::pair<Reference, std::string>> migration_names(const kube::Json& migration) {
  const std::string ns = string_or(member(migration, "metadata"), "namespace");
  const kube::Json& spec = member(migration, "spec");
  const kube::Json& route = member(spec, "route");
  std::set<std::pair<Reference, std::string>> out;
  for (const auto& [router, field, kind] :
       {std::tuple{"gatewayAPI", "httpRoute", Reference::http_route},
        std::tuple{"istio", "virtualService", Reference::virtual_service},
        std::tuple{"nginx", "ingress", Reference::ingress}}) {
    if (const std::string name = string_or(member(route, router), field); !name.empty())
      out.insert({kind, ns + "/" + name});
  }
  collect_policies(member(spec, "steps"), ns, out);
  return out;
}

}  // namespace

std::string queue_key(const kube::Json& object) {
  const std::string kind = string_or(object, "kind");
  if (kind == "FlagRollout")
    return std::string(kFlagRolloutKeyPrefix) + kube::object_key(object);
  if (kind == "Migration")
    return std::string(kMigrationKeyPrefix) + kube::object_key(object);
  return kube::object_key(object);
}

void RolloutIndex::update(const kube::WatchEvent& rollout_event) {
  const std::string key = queue_key(rollout_event.object);
  std::lock_guard lock(mutex_);
  if (const auto it = names_of_.find(key); it != names_of_.end()) {
    for (const auto& name : it->second) {
      const auto named = named_by_.find(name);
      named->second.erase(key);
      if (named->second.empty())
        named_by_.erase(named);
    }
    names_of_.erase(it);
  }
  if (rollout_event.type == kube::WatchEventType::deleted)
    return;
  auto names = is_flag_rollout_key(key) ? flag_rollout_names(rollout_event.object)
               : is_migration_key(key)  ? migration_names(rollout_event.object)
                                        : named_objects(rollout_event.object);
  for (const auto& name : names)
    named_by_[name].insert(key);
  names_of_.emplace(key, std::move(names));
}

bool RolloutIndex::has_rollout(const std::string& rollout_key) const {
  std::lock_guard lock(mutex_);
  return names_of_.contains(rollout_key);
}

std::vector<std::string> RolloutIndex::rollouts_naming(Reference kind,
                                                       const std::string& key) const {
  // A grant is named by its namespace (Reference::reference_grant).
  const std::string named = kind == Reference::reference_grant ? key.substr(0, key.find('/')) : key;
  std::lock_guard lock(mutex_);
  const auto it = named_by_.find({kind, named});
  if (it == named_by_.end())
    return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace cutover::op
