#include "kube/store.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "kube/reflector.hpp"
#include "util/json_fields.hpp"

namespace cutover::kube {

namespace {

std::optional<std::uint64_t> version_number(std::string_view rv) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), n);
  if (rv.empty() || ec != std::errc{} || end != rv.data() + rv.size())
    return std::nullopt;
  return n;
}

}  // namespace

bool older_version(std::string_view candidate, std::string_view held) {
  const auto a = version_number(candidate);
  const auto b = version_number(held);
  return a && b && *a < *b;
}

Store::Store(std::string indexed_label) : indexed_label_(std::move(indexed_label)) {}

Store::Held Store::pack(const Json& object) const {
  auto packed = std::make_shared<Packed>();
  const Json& metadata = member(object, "metadata");
  packed->key = object_key(object);
  packed->resource_version = string_or(metadata, "resourceVersion");
  packed->ns = string_or(metadata, "namespace");
  if (!indexed_label_.empty())
    packed->label = string_or(member(metadata, "labels"), indexed_label_.c_str());
  const Json& owners = member(metadata, "ownerReferences");
  if (owners.is_array()) {
    for (const auto& owner : owners) {
      if (std::string uid = string_or(owner, "uid"); !uid.empty())
        packed->owners.push_back(std::move(uid));
    }
  }
  packed->bytes = Json::to_msgpack(object);
  packed->bytes.shrink_to_fit();  // the encoder grows its buffer by doubling
  return packed;
}

Json Store::unpack(const Packed& packed) {
  return Json::from_msgpack(packed.bytes);
}

void Store::index(const Packed& object) {
  by_namespace_[object.ns].insert(object.key);
  if (!object.label.empty())
    by_label_[object.label].insert(object.key);
  for (const auto& uid : object.owners)
    by_owner_[uid].insert(object.key);
}

void Store::unindex(const Packed& object) {
  const auto drop = [&key = object.key](auto& index, const std::string& value) {
    const auto it = index.find(value);
    if (it == index.end())
      return;
    it->second.erase(key);
    if (it->second.empty())
      index.erase(it);
  };
  drop(by_namespace_, object.ns);
  if (!object.label.empty())
    drop(by_label_, object.label);
  for (const auto& uid : object.owners)
    drop(by_owner_, uid);
}

void Store::put(Held object) {
  packed_bytes_ += object->bytes.size();
  if (const auto it = objects_.find(object->key); it != objects_.end()) {
    packed_bytes_ -= it->second->bytes.size();
    unindex(*it->second);
    index(*object);
    it->second = std::move(object);
    return;
  }
  index(*object);
  std::string key = object->key;
  objects_.emplace(std::move(key), std::move(object));
}

bool Store::upsert(const Json& object) {
  Held packed = pack(object);
  std::lock_guard lock(mutex_);
  if (const auto it = objects_.find(packed->key);
      it != objects_.end() && older_version(packed->resource_version, it->second->resource_version))
    return false;
  put(std::move(packed));
  return true;
}

Store::Held Store::erase(const std::string& key) {
  Held held;
  {
    std::lock_guard lock(mutex_);
    const auto it = objects_.find(key);
    if (it == objects_.end())
      return nullptr;
    held = std::move(it->second);
    objects_.erase(it);
    packed_bytes_ -= held->bytes.size();
    unindex(*held);
  }
  return held;
}

std::vector<Store::Change> Store::replace(std::vector<Held> fresh) {
  std::sort(fresh.begin(), fresh.end(),
            [](const Held& a, const Held& b) { return a->key < b->key; });
  std::vector<Change> changes;
  std::lock_guard lock(mutex_);
  std::unordered_set<std::string_view> incoming;
  incoming.reserve(fresh.size());
  for (const auto& object : fresh)
    incoming.insert(object->key);
  std::vector<std::string> gone;
  for (const auto& [key, held] : objects_) {
    if (!incoming.contains(key))
      gone.push_back(key);
  }
  std::sort(gone.begin(), gone.end());
  for (const auto& key : gone) {
    const auto it = objects_.find(key);
    changes.push_back({WatchEventType::deleted, it->second});
    packed_bytes_ -= it->second->bytes.size();
    unindex(*it->second);
    objects_.erase(it);
  }
  for (auto& object : fresh) {
    const auto it = objects_.find(object->key);
    if (it == objects_.end()) {
      changes.push_back({WatchEventType::added, object});
    } else if (it->second->resource_version == object->resource_version ||
               older_version(object->resource_version, it->second->resource_version)) {
      continue;  // unchanged, or we already hold a newer version (our own write)
    } else {
      changes.push_back({WatchEventType::modified, object});
    }
    put(std::move(object));
  }
  return changes;
}

std::optional<Json> Store::get(const std::string& key) const {
  Held held;
  {
    std::lock_guard lock(mutex_);
    const auto it = objects_.find(key);
    if (it == objects_.end())
      return std::nullopt;
    held = it->second;
  }
  return unpack(*held);
}

std::vector<Store::Held> Store::lookup(const std::set<std::string>* keys,
                                       const std::string& ns) const {
  std::vector<Held> out;
  if (keys == nullptr)
    return out;
  out.reserve(keys->size());
  for (const auto& key : *keys) {
    const Held& object = objects_.at(key);
    if (ns.empty() || object->ns == ns)
      out.push_back(object);
  }
  return out;
}

std::vector<Json> Store::unpack_all(const std::vector<Held>& held) {
  std::vector<Json> out;
  out.reserve(held.size());
  for (const auto& object : held)
    out.push_back(unpack(*object));
  return out;
}

std::vector<Json> Store::list(const std::string& ns) const {
  std::vector<Held> held;
  {
    std::lock_guard lock(mutex_);
    if (!ns.empty()) {
      const auto it = by_namespace_.find(ns);
      held = lookup(it == by_namespace_.end() ? nullptr : &it->second, "");
    } else {
      held.reserve(objects_.size());
      for (const auto& [ns_name, keys] : by_namespace_) {
        for (const auto& key : keys)
          held.push_back(objects_.at(key));
      }
    }
  }
  return unpack_all(held);
}

std::vector<Json> Store::by_label(const std::string& ns, const std::string& value) const {
  std::vector<Held> held;
  {
    std::lock_guard lock(mutex_);
    const auto it = by_label_.find(value);
    held = lookup(it == by_label_.end() ? nullptr : &it->second, ns);
  }
  return unpack_all(held);
}

std::vector<Json> Store::by_owner(const std::string& uid) const {
  std::vector<Held> held;
  {
    std::lock_guard lock(mutex_);
    const auto it = by_owner_.find(uid);
    held = lookup(it == by_owner_.end() ? nullptr : &it->second, "");
  }
  return unpack_all(held);
}

std::size_t Store::size() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

std::size_t Store::packed_bytes() const {
  std::lock_guard lock(mutex_);
  return packed_bytes_;
}

}  // namespace cutover::kube
