#include "kube/store.hpp"

#include <charconv>

#include "kube/reflector.hpp"
#include "util/json_fields.hpp"

namespace cutover::kube {

namespace {

std::optional<std::uint64_t> version_number(const Json& object) {
  const std::string rv = string_or(member(object, "metadata"), "resourceVersion");
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), n);
  if (rv.empty() || ec != std::errc{} || end != rv.data() + rv.size())
    return std::nullopt;
  return n;
}

}  // namespace

bool older_version(const Json& candidate, const Json& held) {
  const auto a = version_number(candidate);
  const auto b = version_number(held);
  return a && b && *a < *b;
}

Store::Store(std::string indexed_label) : indexed_label_(std::move(indexed_label)) {}

Store::Keys Store::index_keys(const Json& object) const {
  const Json& metadata = member(object, "metadata");
  Keys keys{string_or(metadata, "namespace"), {}, {}};
  if (!indexed_label_.empty())
    keys.label = string_or(member(metadata, "labels"), indexed_label_.c_str());
  const Json& owners = member(metadata, "ownerReferences");
  if (owners.is_array()) {
    for (const auto& owner : owners) {
      if (std::string uid = string_or(owner, "uid"); !uid.empty())
        keys.owners.push_back(std::move(uid));
    }
  }
  return keys;
}

void Store::index(const std::string& key, const Keys& keys) {
  by_namespace_[keys.ns].insert(key);
  if (!keys.label.empty())
    by_label_[keys.label].insert(key);
  for (const auto& uid : keys.owners)
    by_owner_[uid].insert(key);
}

void Store::unindex(const std::string& key, const Keys& keys) {
  const auto drop = [&key](auto& index, const std::string& value) {
    const auto it = index.find(value);
    if (it == index.end())
      return;
    it->second.erase(key);
    if (it->second.empty())
      index.erase(it);
  };
  drop(by_namespace_, keys.ns);
  if (!keys.label.empty())
    drop(by_label_, keys.label);
  for (const auto& uid : keys.owners)
    drop(by_owner_, uid);
}

void Store::put(const std::string& key, Object object) {
  if (const auto it = objects_.find(key); it != objects_.end()) {
    unindex(key, index_keys(*it->second));
    it->second = std::move(object);
    index(key, index_keys(*it->second));
    return;
  }
  index(key, index_keys(*object));
  objects_.emplace(key, std::move(object));
}

bool Store::upsert(Json object) {
  const std::string key = object_key(object);
  auto shared = std::make_shared<const Json>(std::move(object));
  std::lock_guard lock(mutex_);
  if (const auto it = objects_.find(key);
      it != objects_.end() && older_version(*shared, *it->second))
    return false;
  put(key, std::move(shared));
  return true;
}

Store::Object Store::erase(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = objects_.find(key);
  if (it == objects_.end())
    return nullptr;
  Object held = std::move(it->second);
  objects_.erase(it);
  unindex(key, index_keys(*held));
  return held;
}

std::vector<WatchEvent> Store::replace(std::vector<Json> fresh) {
  std::map<std::string, Object> incoming;
  for (auto& object : fresh) {
    std::string key = object_key(object);
    incoming.emplace(std::move(key), std::make_shared<const Json>(std::move(object)));
  }
  std::vector<WatchEvent> events;
  std::lock_guard lock(mutex_);
  std::vector<std::string> gone;
  for (const auto& [key, held] : objects_) {
    if (!incoming.contains(key))
      gone.push_back(key);
  }
  std::sort(gone.begin(), gone.end());
  for (const auto& key : gone) {
    const auto it = objects_.find(key);
    events.push_back({WatchEventType::deleted, *it->second});
    unindex(key, index_keys(*it->second));
    objects_.erase(it);
  }
  for (auto& [key, object] : incoming) {
    const auto it = objects_.find(key);
    if (it == objects_.end()) {
      events.push_back({WatchEventType::added, *object});
    } else if (string_or(member(*it->second, "metadata"), "resourceVersion") ==
                   string_or(member(*object, "metadata"), "resourceVersion") ||
               older_version(*object, *it->second)) {
      continue;  // unchanged, or we already hold a newer version (our own write)
    } else {
      events.push_back({WatchEventType::modified, *object});
    }
    put(key, std::move(object));
  }
  return events;
}

Store::Object Store::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<Store::Object> Store::lookup(const std::set<std::string>* keys,
                                         const std::string& ns) const {
  std::vector<Object> out;
  if (keys == nullptr)
    return out;
  out.reserve(keys->size());
  for (const auto& key : *keys) {
    const Object& object = objects_.at(key);
    if (ns.empty() || string_or(member(*object, "metadata"), "namespace") == ns)
      out.push_back(object);
  }
  return out;
}

std::vector<Store::Object> Store::list(const std::string& ns) const {
  std::lock_guard lock(mutex_);
  if (!ns.empty()) {
    const auto it = by_namespace_.find(ns);
    return lookup(it == by_namespace_.end() ? nullptr : &it->second, "");
  }
  std::vector<Object> out;
  out.reserve(objects_.size());
  for (const auto& [ns_name, keys] : by_namespace_) {
    for (const auto& key : keys)
      out.push_back(objects_.at(key));
  }
  return out;
}

std::vector<Store::Object> Store::by_label(const std::string& ns, const std::string& value) const {
  std::lock_guard lock(mutex_);
  const auto it = by_label_.find(value);
  return lookup(it == by_label_.end() ? nullptr : &it->second, ns);
}

std::vector<Store::Object> Store::by_owner(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  const auto it = by_owner_.find(uid);
  return lookup(it == by_owner_.end() ? nullptr : &it->second, "");
}

std::size_t Store::size() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

}  // namespace cutover::kube
