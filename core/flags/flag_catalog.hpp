#pragma once
// The FeatureFlags a flag server serves, kept current from an informer's events, and the
// snapshot that requests read. Writers (the informer's thread) parse a changed FeatureFlag
// once and publish a new immutable FlagSnapshot; readers (any number of request threads) take
// the current one with an atomic load and never wait for a writer.
//
// Sources are ordered by namespace, then name: when two FeatureFlags in scope define one key,
// the later one wins (flagd gives the later `--uri` the priority; a flagd started with the
// `--uri`s in this order answers the same). A Flagd-Selector picks one FeatureFlag or one flag
// set instead. A FeatureFlag whose flagSpec is invalid serves nothing (its flags are not
// found) and is listed by `invalid()`; fixing it serves it again.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "flags/feature_flag.hpp"
#include "flags/flag_snapshot.hpp"

namespace cutover::flags {

class FlagCatalog {
 public:
  FlagCatalog();

  /// An added or modified FeatureFlag. Returns false when its definition is invalid (the
  /// error is then in `invalid()`).
  bool upsert(const Json& feature_flag);
  /// A deleted FeatureFlag.
  void erase(const Json& feature_flag);

  /// The flags to serve now. Never null.
  [[nodiscard]] std::shared_ptr<const FlagSnapshot> snapshot() const {
    return snapshot_.load(std::memory_order_acquire);
  }
  /// The FeatureFlags that serve nothing, each with its error.
  [[nodiscard]] std::vector<FeatureFlagError> invalid() const;
  /// How many snapshots have been published (starts at 1).
  [[nodiscard]] std::uint64_t generation() const {
    return generation_.load(std::memory_order_relaxed);
  }

 private:
  struct Held {
    std::string resource_version;
    std::shared_ptr<const FlagSource> source;  // null when invalid
    std::optional<FeatureFlagError> error;
  };

  // Parses `feature_flag` into held_ unless the held resourceVersion is the same. Returns
  // whether it is valid. Caller holds mutex_.
  bool hold(const Json& feature_flag);
  void publish();  // caller holds mutex_

  mutable std::mutex mutex_;
  std::map<std::string, Held> held_;  // by namespace/name
  std::atomic<std::shared_ptr<const FlagSnapshot>> snapshot_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace cutover::flags
