#include "kube/discovery.hpp"

#include <fmt/format.h>

#include "util/json_fields.hpp"

namespace cutover::kube {

std::pair<std::string, std::string> split_api_version(const std::string& api_version) {
  const auto slash = api_version.find('/');
  if (slash == std::string::npos) {
    return {"", api_version};
  }
  return {api_version.substr(0, slash), api_version.substr(slash + 1)};
}

Result<bool> Discovery::load(const std::string& api_version) {
  const auto [group, version] = split_api_version(api_version);
  const std::string path =
      group.empty() ? "/api/" + version : fmt::format("/apis/{}/{}", group, version);
  auto document = fetch_(path);
  if (!document) {
    if (document.error().reason == ErrorReason::not_found) {
      return false;
    }
    return std::unexpected(document.error());
  }
  std::map<std::string, ResourceInfo> kinds;
  const auto resources = document->find("resources");
  if (resources != document->end() && resources->is_array()) {
    for (const auto& entry : *resources) {
      if (!entry.is_object())
        continue;
      const std::string name = string_or(entry, "name");
      // Subresources ("deployments/scale") share the parent's kind; skip them.
      if (name.empty() || name.find('/') != std::string::npos)
        continue;
      ResourceInfo info;
      info.group = group;
      info.version = version;
      info.resource = name;
      info.kind = string_or(entry, "kind");
      info.namespaced = bool_or(entry, "namespaced", true);
      kinds.try_emplace(info.kind, std::move(info));
    }
  }
  cache_[api_version] = std::move(kinds);
  return true;
}

Result<ResourceInfo> Discovery::resolve(const std::string& api_version, const std::string& kind) {
  std::lock_guard lock(mutex_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto cached = cache_.find(api_version);
    if (cached != cache_.end()) {
      if (const auto it = cached->second.find(kind); it != cached->second.end()) {
        return it->second;
      }
      if (attempt == 1)
        break;
    }
    auto loaded = load(api_version);
    if (!loaded)
      return std::unexpected(loaded.error());
    if (!*loaded) {
      return std::unexpected(Error{
          ErrorReason::not_found,
          404,
          fmt::format("the server does not serve {} (fix: check apiVersion, or install the CRD "
                      "that defines it)",
                      api_version),
          {},
          std::nullopt});
    }
  }
  return std::unexpected(Error{ErrorReason::not_found,
                               404,
                               fmt::format("{} has no kind {} (fix: check the kind's spelling, "
                                           "or install the CRD that defines it)",
                                           api_version, kind),
                               {},
                               std::nullopt});
}

void Discovery::invalidate() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

}  // namespace cutover::kube
