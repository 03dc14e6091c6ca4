#include "kube/cached_client.hpp"

#include "kube/label_selector.hpp"
#include "util/json_fields.hpp"

namespace cutover::kube {

namespace {

std::string key_of(const Informer& informer, const std::string& ns, const std::string& name) {
  return informer.cluster_scoped() || ns.empty() ? name : ns + "/" + name;
}

}  // namespace

CachedClient::CachedClient(KubeClient& server) : server_(server) {}

void CachedClient::serve(Informer& informer) {
  informers_.push_back(&informer);
}

Informer* CachedClient::informer_for(const ResourceRef& ref, AllNamespaces all) const {
  for (Informer* informer : informers_) {
    const ResourceRef& served = informer->ref();
    if (served.api_version != ref.api_version || served.kind != ref.kind)
      continue;
    if (informer->cluster_scoped())
      return informer;
    if (all == AllNamespaces::yes
            ? informer->watches_all_namespaces()
            : !ref.namespace_name.empty() && informer->covers(ref.namespace_name)) {
      return informer;
    }
  }
  return nullptr;
}

Result<Json> CachedClient::get(const ResourceRef& ref, const std::string& name,
                               const std::string& subresource) {
  Informer* informer = subresource.empty() || subresource == kStatus ? informer_for(ref) : nullptr;
  if (informer == nullptr || !informer->has_synced()) {
    ++server_reads_;
    return server_.get(ref, name, subresource);
  }
  ++cache_reads_;
  auto held = informer->store().get(key_of(*informer, ref.namespace_name, name));
  if (!held) {
    return std::unexpected(Error{ErrorReason::not_found,
                                 404,
                                 ref.kind + " \"" + name + "\" not found (informer cache)",
                                 {},
                                 std::nullopt});
  }
  return std::move(*held);
}

Result<Json> CachedClient::list_from(Informer& informer, const ResourceRef& ref,
                                     const ListOptions& options, bool* served) {
  *served = false;
  if (!informer.has_synced() || !options.field_selector.empty() ||
      !options.resource_version.empty())
    return Json();
  const auto selector = LabelSelector::parse(options.label_selector);
  if (!selector)
    return Json();
  const std::string ns = options.all_namespaces == AllNamespaces::yes || informer.cluster_scoped()
                             ? std::string()
                             : ref.namespace_name;
  const std::string& label = informer.store().indexed_label();
  const auto value = label.empty() ? std::nullopt : selector->required(label);
  auto candidates = value ? informer.store().by_label(ns, *value) : informer.store().list(ns);
  Json items = Json::array();
  for (auto& object : candidates) {
    if (selector->matches(member(member(object, "metadata"), "labels")))
      items.push_back(std::move(object));
  }
  *served = true;
  return Json{{"apiVersion", ref.api_version},
              {"kind", ref.kind + "List"},
              {"metadata", {{"resourceVersion", informer.reflector().resource_version()}}},
              {"items", std::move(items)}};
}

Result<Json> CachedClient::list(const ResourceRef& ref, const ListOptions& options) {
  if (Informer* informer = informer_for(ref, options.all_namespaces)) {
    bool served = false;
    auto list = list_from(*informer, ref, options, &served);
    if (served) {
      ++cache_reads_;
      return list;
    }
  }
  ++server_reads_;
  return server_.list(ref, options);
}

Result<Json> CachedClient::list_all(const ResourceRef& ref, ListOptions options) {
  if (Informer* informer = informer_for(ref, options.all_namespaces)) {
    bool served = false;
    auto list = list_from(*informer, ref, options, &served);
    if (served) {
      ++cache_reads_;
      return list;
    }
  }
  ++server_reads_;
  return server_.list_all(ref, std::move(options));
}

void CachedClient::read_back(const ResourceRef& ref, const std::string& subresource,
                             const Json& written) {
  const Json& metadata = member(written, "metadata");
  const std::string ns = string_or(metadata, "namespace", ref.namespace_name);
  ResourceRef where = ref;
  where.namespace_name = ns;
  Informer* informer = informer_for(where);
  if (informer == nullptr)
    return;
  if (subresource == kScale) {
    // A Scale, not the object: carry its replicas and version into the cached object. The
    // generation moves too, as the server's does, so "the controller has seen the latest spec"
    // stays false until its status says so.
    auto held = informer->store().get(key_of(*informer, ns, string_or(metadata, "name")));
    if (!held)
      return;
    Json& object = *held;
    const Json& replicas = member(member(written, "spec"), "replicas");
    if (replicas.is_number_integer() && member(member(object, "spec"), "replicas") != replicas) {
      object["spec"]["replicas"] = replicas;
      object["metadata"]["generation"] = int_or(member(object, "metadata"), "generation") + 1;
    }
    object["metadata"]["resourceVersion"] = string_or(metadata, "resourceVersion");
    informer->store().upsert(object);
    return;
  }
  if (!subresource.empty() && subresource != kStatus)
    return;
  if (string_or(written, "kind", ref.kind) != ref.kind)
    return;  // a Status or some other answer, not the object
  Json object = written;
  object["apiVersion"] = ref.api_version;
  object["kind"] = ref.kind;
  informer->trim(object);
  informer->store().upsert(object);
}

Result<Json> CachedClient::create(const ResourceRef& ref, const Json& object) {
  auto created = server_.create(ref, object);
  if (created)
    read_back(ref, "", *created);
  return created;
}

Result<Json> CachedClient::update(const ResourceRef& ref, const Json& object,
                                  const std::string& subresource) {
  auto updated = server_.update(ref, object, subresource);
  if (updated)
    read_back(ref, subresource, *updated);
  return updated;
}

Result<Json> CachedClient::patch(const ResourceRef& ref, const std::string& name, PatchType type,
                                 const Json& patch, const std::string& subresource) {
  auto patched = server_.patch(ref, name, type, patch, subresource);
  if (patched)
    read_back(ref, subresource, *patched);
  return patched;
}

Result<Json> CachedClient::apply(const ResourceRef& ref, const Json& object,
                                 const ApplyOptions& options, const std::string& subresource) {
  auto applied = server_.apply(ref, object, options, subresource);
  if (applied)
    read_back(ref, subresource, *applied);
  return applied;
}

Result<Json> CachedClient::remove(const ResourceRef& ref, const std::string& name,
                                  const DeleteOptions& options) {
  auto removed = server_.remove(ref, name, options);
  if (!removed)
    return removed;
  if (Informer* informer = informer_for(ref)) {
    // An object with finalizers is still there, marked for deletion; otherwise it is gone.
    if (string_or(*removed, "kind", ref.kind) == ref.kind &&
        member(member(*removed, "metadata"), "deletionTimestamp").is_string()) {
      read_back(ref, "", *removed);
    } else {
      informer->store().erase(key_of(*informer, ref.namespace_name, name));
    }
  }
  return removed;
}

Result<HttpResponse> CachedClient::watch(const ResourceRef& ref, const std::string& query,
                                         const ChunkHandler& on_chunk, std::stop_token stop,
                                         std::chrono::milliseconds timeout, AllNamespaces all) {
  return server_.watch(ref, query, on_chunk, stop, timeout, all);
}

}  // namespace cutover::kube
