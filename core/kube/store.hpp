#pragma once
// An informer's cache: the objects one list+watch has seen, keyed "namespace/name" ("name" for
// cluster-scoped kinds), with indexes by namespace, by the value of one label (the operator
// indexes `cutover.dev/rollout`) and by owner uid.
//
// Objects are held packed (MessagePack), with their key, resourceVersion and index values kept
// apart: a parsed nlohmann tree costs about seven times the bytes of its packed form (every key a
// map node and a string), and at 10,000 Rollouts the parsed trees were most of the operator's
// memory. A read unpacks a fresh copy (tens of microseconds for an object of a few KiB); every
// read path copied the object anyway.
//
// Thread-safe: a reflector writes while workers read. Held objects are immutable shared
// snapshots, so a reader takes one under the lock and unpacks it outside.
//
// Versions only move forward: `upsert` ignores an object older (by resourceVersion) than the one
// held. So when a worker puts the object its write returned (read-your-writes), a watch event
// still in flight from before that write cannot bring the old version back.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kube/kube_client.hpp"
#include "kube/watch_decoder.hpp"

namespace cutover::kube {

class Store {
 public:
  /// An object as the store holds it: MessagePack bytes, and unpacked what the indexes and the
  /// version checks read.
  struct Packed {
    std::string key;
    std::string resource_version;
    std::string ns;
    std::string label;  // the indexed label's value ("" without)
    std::vector<std::string> owners;
    std::vector<std::uint8_t> bytes;
  };
  using Held = std::shared_ptr<const Packed>;
  /// What a relist changed, the object as held (the old one for a deletion).
  struct Change {
    WatchEventType type;
    Held object;
  };

  /// `indexed_label`: the label whose values `by_label` finds; empty for none.
  explicit Store(std::string indexed_label = {});

  /// `object` in the form the store holds (no lock taken: a relist packs page by page).
  [[nodiscard]] Held pack(const Json& object) const;
  [[nodiscard]] static Json unpack(const Packed& packed);

  /// Holds `object` unless a newer version of it is held. Returns whether it was stored.
  bool upsert(const Json& object);
  /// Forgets `key`; returns what was held (null if nothing), packed: no caller of a deletion
  /// needs it unpacked.
  Held erase(const std::string& key);
  /// Holds exactly `fresh` (a relist, packed), and returns the difference from before: deleted
  /// for what is gone, added for what is new, modified where the resourceVersion moved.
  std::vector<Change> replace(std::vector<Held> fresh);

  /// Reads return unpacked copies, the caller's to keep or change.
  [[nodiscard]] std::optional<Json> get(const std::string& key) const;
  /// Every object of namespace `ns` ("": of every namespace), ordered by key.
  [[nodiscard]] std::vector<Json> list(const std::string& ns = "") const;
  /// Objects of `ns` ("": any) whose indexed label is `value`, ordered by key.
  [[nodiscard]] std::vector<Json> by_label(const std::string& ns, const std::string& value) const;
  /// Objects with an ownerReference to `uid`, ordered by key.
  [[nodiscard]] std::vector<Json> by_owner(const std::string& uid) const;
  [[nodiscard]] std::size_t size() const;
  /// Bytes of packed objects held (the figure a benchmark reports).
  [[nodiscard]] std::size_t packed_bytes() const;
  [[nodiscard]] const std::string& indexed_label() const { return indexed_label_; }

 private:
  void index(const Packed& object);
  void unindex(const Packed& object);
  void put(Held object);
  std::vector<Held> lookup(const std::set<std::string>* keys, const std::string& ns) const;
  static std::vector<Json> unpack_all(const std::vector<Held>& held);

  std::string indexed_label_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Held> objects_;
  std::size_t packed_bytes_ = 0;
  std::map<std::string, std::set<std::string>> by_namespace_;
  std::map<std::string, std::set<std::string>> by_label_;  // label value -> keys
  std::map<std::string, std::set<std::string>> by_owner_;
};

/// Whether resourceVersion `candidate` is older than `held`. Versions are compared as numbers
/// when both are (etcd's revisions always are), and never called older otherwise.
bool older_version(std::string_view candidate, std::string_view held);

}  // namespace cutover::kube
