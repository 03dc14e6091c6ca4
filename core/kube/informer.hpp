#pragma once
// An informer, as client-go and controller-runtime have them: a Reflector that lists and watches
// one kind into a Store, a transform that trims objects before they are cached, and a has-synced
// gate. Readers use the store (directly, or through CachedClient); the handler only wakes work.

#include <atomic>
#include <stop_token>

#include "kube/reflector.hpp"
#include "kube/store.hpp"

namespace cutover::kube {

class Informer {
 public:
  /// `indexed_label`: the label the store indexes by value (see Store).
  Informer(KubeClient& client, ResourceRef ref, ReflectorOptions options, Reflector::Random random,
           std::string indexed_label = {});

  /// Lists, then watches until `stop`; `handler` sees every change after the store has it.
  void run(const Reflector::Handler& handler, std::stop_token stop) {
    reflector_.run(handler, stop);
  }

  /// Starts from known state, as if it had listed `objects` at `resource_version`: the store
  /// holds them (transformed) and counts as synced; `run` resumes the watch from there.
  void prime(std::string resource_version, const std::vector<Json>& objects) {
    reflector_.resume_from(std::move(resource_version), objects);
  }

  /// True once the first list is in the store.
  [[nodiscard]] bool has_synced() const { return reflector_.has_synced(); }
  [[nodiscard]] const ResourceRef& ref() const { return ref_; }
  /// Whether this informer sees `namespace_name` (every namespace when it watches all).
  [[nodiscard]] bool covers(const std::string& namespace_name) const;
  [[nodiscard]] bool watches_all_namespaces() const { return all_ == AllNamespaces::yes; }
  /// A cluster-scoped kind: no namespace, and not "every namespace" either.
  [[nodiscard]] bool cluster_scoped() const {
    return ref_.namespace_name.empty() && all_ == AllNamespaces::no;
  }
  [[nodiscard]] Store& store() { return store_; }
  [[nodiscard]] const Store& store() const { return store_; }
  /// The transform applied to what is cached (identity when none).
  void trim(Json& object) const {
    if (transform_)
      transform_(object);
  }
  [[nodiscard]] const Reflector& reflector() const { return reflector_; }

 private:
  ResourceRef ref_;
  AllNamespaces all_;
  std::function<void(Json&)> transform_;
  Store store_;
  Reflector reflector_;
};

/// Transforms for the kinds the operator caches. Each keeps exactly what a reader needs.
namespace transform {
/// Drops `metadata.managedFields` (often half an object) and the last-applied annotation.
void drop_managed_fields(Json& object);
/// A Pod as the observer reads it: metadata without managed fields, and of its status only the
/// phase, conditions and each container's name, restart count and state. The spec goes.
void pod(Json& object);
/// A Deployment: without managed fields, and when it carries `owned_label` (ours: a slot
/// Deployment) without its pod template, which the Rollout holds anyway. A user's Deployment
/// keeps its template (a workloadRef reads it).
void deployment(Json& object, const char* owned_label);
}  // namespace transform

}  // namespace cutover::kube
