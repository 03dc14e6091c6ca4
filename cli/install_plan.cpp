#include "install_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "embedded_manifests.hpp"
#include "rollout/reconciler.hpp"
#include "util/json_fields.hpp"
#include "util/yaml_json.hpp"

namespace cutover::cli {

namespace {

std::expected<std::vector<Json>, std::string> documents_of(std::string_view path) {
  for (const auto& manifest : embedded_manifests()) {
    if (manifest.path != path)
      continue;
    auto parsed = parse_yaml_documents(manifest.text);
    if (!parsed) {
      return std::unexpected(fmt::format("embedded operator/config/{}:{}:{}: {}", path,
                                         parsed.error().line, parsed.error().column,
                                         parsed.error().message));
    }
    return *parsed;
  }
  return std::unexpected(fmt::format("operator/config/{} is not embedded in this build", path));
}

}  // namespace

bool is_crd(const Json& object) {
  return object.value("kind", std::string{}) == "CustomResourceDefinition";
}

bool is_borrowed(const Json& object) {
  return is_crd(object) &&
         string_or(member(object, "metadata"), "name") == "featureflags.core.openfeature.dev";
}

std::expected<std::vector<Json>, std::string> install_objects(const InstallSpec& spec) {
  const bool namespaced = !spec.watch_namespace.empty();
  std::vector<std::string> paths = {"manager/namespace.yaml"};
  for (const auto& manifest : embedded_manifests()) {
    if (manifest.path.starts_with("crd/"))
      paths.emplace_back(manifest.path);
  }
  paths.emplace_back("rbac/service_account.yaml");
  if (namespaced) {
    paths.emplace_back("rbac/namespaced/role.yaml");
    paths.emplace_back("rbac/namespaced/role_binding.yaml");
  } else {
    paths.emplace_back("rbac/role.yaml");
    paths.emplace_back("rbac/leader_election_role.yaml");
    paths.emplace_back("rbac/notifications_role.yaml");
  }
  paths.emplace_back("manager/deployment.yaml");
  if (spec.flags) {
    for (const char* path :
         {"flags/crd/featureflags.core.openfeature.dev.yaml", "flags/service_account.yaml",
          "flags/role.yaml", "flags/deployment.yaml", "flags/service.yaml"})
      paths.emplace_back(path);
  }
  if (spec.dashboard) {
    for (const char* path : {"dashboard/service_account.yaml", "dashboard/role.yaml",
                             "dashboard/deployment.yaml", "dashboard/service.yaml"})
      paths.emplace_back(path);
  }
  std::vector<Json> out;
  for (const auto& path : paths) {
    auto documents = documents_of(path);
    if (!documents)
      return std::unexpected(documents.error());
    for (auto& object : *documents) {
      auto& metadata = object["metadata"];
      metadata["labels"]["app.kubernetes.io/part-of"] = "cutover";
      const std::string kind = object.value("kind", std::string{});
      const bool flags_server = path.starts_with("flags/");
      if (path.starts_with("rbac/namespaced/"))
        metadata["namespace"] = spec.watch_namespace;
      if (flags_server && namespaced && kind == "ClusterRoleBinding") {
        object["kind"] = "RoleBinding";
        metadata["namespace"] = spec.watch_namespace;
      }
      if (kind == "Deployment") {
        auto& container = object["spec"]["template"]["spec"]["containers"][0];
        container["image"] = fmt::format("{}:{}", kOperatorImage, spec.version);
        metadata["labels"]["app.kubernetes.io/version"] = spec.version;
        if (namespaced && !path.starts_with("dashboard/"))
          container["args"].push_back("--namespace=" + spec.watch_namespace);
        if (namespaced && !flags_server && !path.starts_with("dashboard/")) {
          container["args"].push_back("--leader-election-namespace=" + spec.watch_namespace);
          container["args"].push_back("--notifications-namespace=" + spec.watch_namespace);
        }
      }
      out.push_back(std::move(object));
    }
  }
  return out;
}

Json without_rollout_owners(const Json& owner_references) {
  Json kept = Json::array();
  if (!owner_references.is_array())
    return kept;
  for (const auto& owner : owner_references) {
    const bool rollout = owner.value("kind", std::string{}) == "Rollout" &&
                         owner.value("apiVersion", std::string{}).starts_with("cutover.dev/");
    if (!rollout)
      kept.push_back(owner);
  }
  return kept;
}

Json without_our_finalizer(const Json& finalizers) {
  Json kept = Json::array();
  if (!finalizers.is_array())
    return kept;
  for (const auto& finalizer : finalizers) {
    if (finalizer != rollout::kFinalizer)
      kept.push_back(finalizer);
  }
  return kept;
}

}  // namespace cutover::cli
