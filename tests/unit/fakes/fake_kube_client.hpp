#pragma once
// An in-memory KubeClient for unit tests of logic that reads and writes a few objects (leases,
// the executor, the reconciler). It keeps resourceVersions and answers stale updates with
// `conflict`, like the API server, and logs every call in order (`log`), so a test can assert
// the order of a reconcile's writes. End-to-end tests use the real server instead.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kube/kube_client.hpp"

namespace cutover::testing {

class FakeKubeClient final : public kube::KubeClient {
 public:
  using Json = kube::Json;
  template <typename T>
  using Result = kube::Result<T>;

  Result<Json> get(const kube::ResourceRef& ref, const std::string& name,
                   const std::string& subresource = "") override {
    std::lock_guard lock(mutex_);
    ++calls["get"];
    record("get", ref, name, subresource);
    const auto it = objects_.find(key(ref, name));
    if (it == objects_.end())
      return std::unexpected(error(kube::ErrorReason::not_found, 404));
    return it->second;
  }
  Result<Json> list(const kube::ResourceRef& ref, const kube::ListOptions&) override {
    std::lock_guard lock(mutex_);
    log.push_back("list " + ref.kind);
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
    record("create", ref, object["metadata"]["name"], "");
    const std::string k = key(ref, object["metadata"]["name"]);
    if (objects_.contains(k))
      return std::unexpected(error(kube::ErrorReason::already_exists, 409));
    return store(k, object);
  }
  Result<Json> update(const kube::ResourceRef& ref, const Json& object,
                      const std::string& subresource = "") override {
    std::lock_guard lock(mutex_);
    ++calls["update"];
    record("update", ref, object["metadata"]["name"], subresource);
    const std::string k = key(ref, object["metadata"]["name"]);
    const auto it = objects_.find(k);
    if (it == objects_.end())
      return std::unexpected(error(kube::ErrorReason::not_found, 404));
    const auto& sent_rv = object["metadata"].value("resourceVersion", "");
    // Both sides strings: clang-19 finds no std::string != Json here (g++ 12 does), and
    // scripts/tidy compiles with clang.
    if (!sent_rv.empty() && sent_rv != it->second["metadata"].value("resourceVersion", "")) {
      return std::unexpected(error(kube::ErrorReason::conflict, 409));
    }
    return store(k, only_status(subresource, it->second, object));
  }
  Result<Json> patch(const kube::ResourceRef& ref, const std::string& name, kube::PatchType type,
                     const Json& patch, const std::string& subresource = "") override {
    std::lock_guard lock(mutex_);
    ++calls["patch"];
    record("patch", ref, name, subresource);
    const auto it = objects_.find(key(ref, name));
    if (it == objects_.end())
      return std::unexpected(error(kube::ErrorReason::not_found, 404));
    Json merged = it->second;
    if (type == kube::PatchType::json_patch) {
      // RFC 6902, as the API server applies it: a failed `test` is 422 Invalid.
      try {
        merged = merged.patch(patch);
      } catch (const Json::exception&) {
        return std::unexpected(error(kube::ErrorReason::invalid, 422));
      }
    } else {
      merged.merge_patch(patch);
    }
    return store(key(ref, name), only_status(subresource, it->second, merged));
  }
  Result<Json> apply(const kube::ResourceRef& ref, const Json& object, const kube::ApplyOptions&,
                     const std::string& subresource = "") override {
    std::lock_guard lock(mutex_);
    ++calls["apply"];
    record("apply", ref, object["metadata"]["name"], subresource);
    return store(key(ref, object["metadata"]["name"]), object);
  }
  Result<Json> remove(const kube::ResourceRef& ref, const std::string& name,
                      const kube::DeleteOptions& = {}) override {
    std::lock_guard lock(mutex_);
    ++calls["remove"];
    record("remove", ref, name, "");
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
  /// Every call in order: "verb Kind/name[/subresource]" (a list is "list Kind"), e.g.
  /// "patch Service/web-canary", "patch Deployment/web-b/scale", "update Rollout/web/status".
  std::vector<std::string> log;

 private:
  // A write to the status subresource changes only the status, as on the API server.
  static Json only_status(const std::string& subresource, const Json& stored, const Json& sent) {
    if (subresource != kube::kStatus)
      return sent;
    Json out = stored;
    out["status"] = sent.value("status", Json::object());
    return out;
  }
  void record(const char* verb, const kube::ResourceRef& ref, const std::string& name,
              const std::string& subresource) {
    log.push_back(std::string(verb) + " " + ref.kind + "/" + name +
                  (subresource.empty() ? "" : "/" + subresource));
  }
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
