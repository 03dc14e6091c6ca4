#pragma once
// Maps (apiVersion, kind) to the resource path and scope, from the server's discovery
// documents (`/api/v1`, `/apis/GROUP/VERSION`). Cached per group-version; a miss refetches once,
// so CRDs installed after start-up are found. Thread-safe.

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "kube/kube_client.hpp"

namespace cutover::kube {

class Discovery {
 public:
  /// `fetch` GETs an API path and returns the decoded JSON.
  using Fetch = std::function<Result<Json>(const std::string& path)>;
  explicit Discovery(Fetch fetch) : fetch_(std::move(fetch)) {}

  /// Errors: `not_found` naming the kind and the group-version when the server does not serve
  /// it (fix: install the CRD), or the fetch's own error.
  Result<ResourceInfo> resolve(const std::string& api_version, const std::string& kind);

  /// Forgets everything (after CRDs change).
  void invalidate();

 private:
  Result<bool> load(const std::string& api_version);

  Fetch fetch_;
  std::mutex mutex_;
  // group-version -> kind -> info
  std::map<std::string, std::map<std::string, ResourceInfo>> cache_;
};

/// Splits "apps/v1" into {"apps", "v1"} and "v1" into {"", "v1"}.
std::pair<std::string, std::string> split_api_version(const std::string& api_version);

}  // namespace cutover::kube
