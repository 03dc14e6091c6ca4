#pragma once
// An informer's cache: the objects one list+watch has seen, keyed "namespace/name" ("name" for
// cluster-scoped kinds), with indexes by namespace, by the value of one label (the operator
// indexes `cutover.dev/rollout`) and by owner uid.
//
// Thread-safe: a reflector writes while workers read. Objects are immutable shared snapshots,
// so a reader keeps one without holding the lock and without copying it.
//
// Versions only move forward: `upsert` ignores an object older (by resourceVersion) than the one
// held. So when a worker puts the object its write returned (read-your-writes), a watch event
// still in flight from before that write cannot bring the old version back.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "kube/kube_client.hpp"
#include "kube/watch_decoder.hpp"

namespace cutover::kube {

class Store {
 public:
  using Object = std::shared_ptr<const Json>;

  /// `indexed_label`: the label whose values `by_label` finds; empty for none.
  explicit Store(std::string indexed_label = {});

  /// Holds `object` unless a newer version of it is held. Returns whether it was stored.
  bool upsert(Json object);
  /// Forgets `key`; returns what was held (null if nothing).
  Object erase(const std::string& key);
  /// Holds exactly `fresh` (a relist), and returns the difference from before as events:
  /// deleted for what is gone, added for what is new, modified where the resourceVersion moved.
  std::vector<WatchEvent> replace(std::vector<Json> fresh);

  [[nodiscard]] Object get(const std::string& key) const;
  /// Every object of namespace `ns` ("": of every namespace), ordered by key.
  [[nodiscard]] std::vector<Object> list(const std::string& ns = "") const;
  /// Objects of `ns` ("": any) whose indexed label is `value`, ordered by key.
  [[nodiscard]] std::vector<Object> by_label(const std::string& ns, const std::string& value) const;
  /// Objects with an ownerReference to `uid`, ordered by key.
  [[nodiscard]] std::vector<Object> by_owner(const std::string& uid) const;
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] const std::string& indexed_label() const { return indexed_label_; }

 private:
  struct Keys {
    std::string ns;
    std::string label;
    std::vector<std::string> owners;
  };
  Keys index_keys(const Json& object) const;
  void index(const std::string& key, const Keys& keys);
  void unindex(const std::string& key, const Keys& keys);
  void put(const std::string& key, Object object);
  std::vector<Object> lookup(const std::set<std::string>* keys, const std::string& ns) const;

  std::string indexed_label_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Object> objects_;
  std::map<std::string, std::set<std::string>> by_namespace_;
  std::map<std::string, std::set<std::string>> by_label_;  // label value -> keys
  std::map<std::string, std::set<std::string>> by_owner_;
};

/// Whether `candidate`'s resourceVersion is older than `held`'s. Versions are compared as
/// numbers when both are (etcd's revisions always are), and never called older otherwise.
bool older_version(const Json& candidate, const Json& held);

}  // namespace cutover::kube
