#pragma once
// List, then watch, forever: the base of every informer. Every object it sees goes into its
// Store (after the transform, if any), so that when a watch cannot resume (410 Gone: the version
// was compacted) it relists and reports exactly the difference — adds, changes and deletes —
// and no event is lost. Reconnects after errors with jittered exponential back-off.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "kube/backoff.hpp"
#include "kube/kube_client.hpp"
#include "kube/store.hpp"
#include "kube/watch_decoder.hpp"
#include "util/clock.hpp"

namespace cutover::kube {

struct ReflectorOptions {
  std::string label_selector;
  std::string field_selector;
  std::chrono::seconds watch_timeout{300};  // server-side timeoutSeconds of each watch
  AllNamespaces all_namespaces = AllNamespaces::no;
  BackoffPolicy backoff{};
  /// Applied to every object before it is stored or reported: drops what no reader needs
  /// (`managedFields`, most of a Pod) so the cache stays small.
  std::function<void(Json&)> transform;
};

class Reflector {
 public:
  /// Called for every change, in order, on the reflector's thread. Bookmarks are not passed on.
  using Handler = std::function<void(const WatchEvent&)>;
  /// A uniform draw in [0, 1), for jitter.
  using Random = std::function<double()>;

  /// Keeps what it sees in `store`, which must outlive it.
  Reflector(KubeClient& client, ResourceRef ref, ReflectorOptions options, Random random,
            Store& store, Clock& clock = SystemClock::instance());

  /// Starts from state an earlier run saw: these objects and this resourceVersion. The first
  /// watch resumes from it; if the server says it is too old, a relist reports the difference.
  void resume_from(std::string resource_version, const std::vector<Json>& known_objects);

  /// Runs until `stop` is requested. Never throws.
  void run(const Handler& handler, std::stop_token stop);

  [[nodiscard]] std::string resource_version() const;
  /// True once the first list is in the store (or a resumed state was given).
  [[nodiscard]] bool has_synced() const { return !resource_version().empty(); }
  [[nodiscard]] int relists() const { return relists_.load(); }
  [[nodiscard]] int reconnects() const { return reconnects_.load(); }

 private:
  // Returns false if stopped.
  bool relist(const Handler& handler, std::stop_token stop);
  // Returns the error that ended the watch (cancelled when stopped).
  Error watch_once(const Handler& handler, std::stop_token stop);
  void remember(const WatchEvent& event);

  KubeClient& client_;
  ResourceRef ref_;
  ReflectorOptions options_;
  Random random_;
  Store& store_;
  Clock& clock_;
  mutable std::mutex mutex_;
  std::string resource_version_;
  std::atomic<int> relists_{0};
  std::atomic<int> reconnects_{0};
};

/// "namespace/name", or "name" for cluster-scoped objects.
std::string object_key(const Json& object);

}  // namespace cutover::kube
