#include "kube/informer.hpp"

#include "util/json_fields.hpp"

namespace cutover::kube {

Informer::Informer(KubeClient& client, ResourceRef ref, ReflectorOptions options,
                   Reflector::Random random, std::string indexed_label)
    : ref_(ref),
      all_(options.all_namespaces),
      transform_(options.transform),
      store_(std::move(indexed_label)),
      reflector_(client, std::move(ref), std::move(options), std::move(random), store_) {}

bool Informer::covers(const std::string& namespace_name) const {
  return all_ == AllNamespaces::yes || ref_.namespace_name == namespace_name;
}

namespace transform {

void drop_managed_fields(Json& object) {
  if (!object.is_object())
    return;
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object())
    return;
  metadata->erase("managedFields");
  if (const auto annotations = metadata->find("annotations");
      annotations != metadata->end() && annotations->is_object()) {
    annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
  }
}

void pod(Json& object) {
  drop_managed_fields(object);
  if (!object.is_object())
    return;
  object.erase("spec");
  const auto status = object.find("status");
  if (status == object.end() || !status->is_object())
    return;
  Json kept = Json::object();
  for (const char* key : {"phase", "conditions"}) {
    if (const auto it = status->find(key); it != status->end())
      kept[key] = std::move(*it);
  }
  if (const auto containers = status->find("containerStatuses");
      containers != status->end() && containers->is_array()) {
    Json trimmed = Json::array();
    for (auto& container : *containers) {
      Json c = Json::object();
      for (const char* key : {"name", "restartCount", "state", "ready"}) {
        if (container.is_object() && container.contains(key))
          c[key] = std::move(container[key]);
      }
      trimmed.push_back(std::move(c));
    }
    kept["containerStatuses"] = std::move(trimmed);
  }
  *status = std::move(kept);
}

void deployment(Json& object, const char* owned_label) {
  drop_managed_fields(object);
  const Json& labels = member(member(object, "metadata"), "labels");
  if (!labels.is_object() || !labels.contains(owned_label))
    return;
  if (const auto spec = object.find("spec"); spec != object.end() && spec->is_object())
    spec->erase("template");
}

}  // namespace transform

}  // namespace cutover::kube
