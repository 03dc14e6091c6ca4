#pragma once
// An in-memory KubeClient for unit tests of logic that reads and writes a few objects (leases,
// the executor). It keeps resourceVersions and answers stale updates with `conflict`, like the
// API server. End-to-end tests use the real server instead.

#include <map>
#include <mutex>
#include <string>

#include "kube/kube_client.hpp"

namespace cutover::testing {

class FakeKubeClient final : public kube::KubeClient {
 public:
  using Json = kube::Json;
  template <typename T>
  using Result = kube::Result<T>;

  Result<Json> get(const kube::ResourceRef& ref, const std::string& name,
                   const std::string& = "") override {
    std::lock_guard lock(mutex_);
    ++calls["get"];
    const auto it = objects_.find(key(ref, name));
    if (it == objects_.end())
      return std::unexpected(error(kube::ErrorReason::not_found, 404));
    return it->second;
  }
  Result<Json> list(const kube::ResourceRef& ref, const kube::ListOptions&) override {
    std::lock_guard lock(mutex_);
    Json items = Json::array();
    const std::string prefix = ref.kind + "/" + ref.namespace_name + "/";
    for (const auto& [k, v] : objects_) {
      if (k.starts_with(prefix))
        items.push_back(v);
    }
    return Json{{"items", items}, {"metadata", {{"resourceVersion", std::to_string(rv_)}}}};
  }
  Result<Json> list_all(const kube::ResourceRef& ref, kube::ListOptions options) override {
    return list(ref, options);
  }
  Result<Json> create(const kube::ResourceRef& ref, const Json& object) override {
    std::lock_guard lock(mutex_);
    ++calls["create"];
    const std::string k = key(ref, object["metadata"]["name"]);
    if (objects_.contains(k))
      return std::unexpected(error(kube::ErrorReason::already_exists, 409));
    return store(k, object);
  }
  Result<Json> update(const kube::ResourceRef& ref, const Json& object,
                      const std::string& = "") override {
    std::lock_guard lock(mutex_);
    ++calls["update"];
    const std::string k = key(ref, object["metadata"]["name"]);
    const auto it = objects_.find(k);
    if (it == objects_.end())
      return std::unexpected(error(kube::ErrorReason::not_found, 404));
    const auto& sent_rv = object["metadata"].value("resourceVersion", "");
    if (!sent_rv.empty() && sent_rv != it->second["metadata"]["resourceVersion"]) {
      return std::unexpected(error(kube::ErrorReason::conflict, 409));
    }
    return store(k, object);
  }
  Result<Json> patch(const kube::ResourceRef& ref, const std::string& name, kube::PatchType,
                     const Json& patch, const std::string& = "") override {
    std::lock_guard lock(mutex_);
    ++calls["patch"];
    const auto it = objects_.find(key(ref, name));
    if (it == objects_.end())
      return std::unexpected(error(kube::ErrorReason::not_found, 404));
    Json merged = it->second;
    merged.merge_patch(patch);
    return store(key(ref, name), merged);
  }
  Result<Json> apply(const kube::ResourceRef& ref, const Json& object, const kube::ApplyOptions&,
                     const std::string& = "") override {
    std::lock_guard lock(mutex_);
    ++calls["apply"];
    return store(key(ref, object["metadata"]["name"]), object);
  }
  Result<Json> remove(const kube::ResourceRef& ref, const std::string& name,
                      const kube::DeleteOptions& = {}) override {
    std::lock_guard lock(mutex_);
    ++calls["remove"];
    if (objects_.erase(key(ref, name)) == 0) {
      return std::unexpected(error(kube::ErrorReason::not_found, 404));
    }
    return Json::object();
  }

  /// Puts an object in place directly (test set-up).
  void seed(const kube::ResourceRef& ref, const Json& object) {
    std::lock_guard lock(mutex_);
    store(key(ref, object["metadata"]["name"]), object);
  }
  std::map<std::string, int> calls;

 private:
  static std::string key(const kube::ResourceRef& ref, const std::string& name) {
    return ref.kind + "/" + ref.namespace_name + "/" + name;
  }
  static kube::Error error(kube::ErrorReason reason, int status) {
    return kube::Error{reason, status, std::string(kube::to_string(reason)), {}, std::nullopt};
  }
  Json store(const std::string& k, Json object) {
    object["metadata"]["resourceVersion"] = std::to_string(++rv_);
    objects_[k] = object;
    return object;
  }

  std::mutex mutex_;
  std::map<std::string, Json> objects_;
  long rv_ = 100;
};

}  // namespace cutover::testing
