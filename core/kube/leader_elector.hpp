#pragma once
// Leader election on a `coordination.k8s.io/v1` Lease, as client-go does it: only the holder of
// the Lease drives Rollouts. Expiry is judged by when *we* last saw the Lease change (local
// time), never by comparing another machine's clock.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>

#include "kube/kube_client.hpp"
#include "util/clock.hpp"

namespace cutover::kube {

struct LeaseConfig {
  std::string namespace_name;
  std::string name = "cutover-operator";
  std::string identity;  // unique per process, e.g. pod name + random suffix
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};
  std::chrono::seconds retry_period{2};
  /// Written on every create and update (an update replaces the object, so they are always
  /// sent): `deploy run`'s per-Rollout Lease carries the `cutover.dev/rollout` label that the
  /// operator watches, and an ownerReference to the Rollout so it goes with it.
  std::map<std::string, std::string> labels;
  Json owner_references = Json::array();
};

/// The parts of a Lease the election reads.
struct LeaseRecord {
  std::string holder;
  int lease_duration_seconds = 0;
  int transitions = 0;
  std::string renew_time;    // as written; compared for change only
  std::string acquire_time;  // kept across renewals, as client-go keeps it
  bool operator==(const LeaseRecord&) const = default;
};

LeaseRecord lease_record(const Json& lease);

/// The Lease object that claims (or, with `release`, gives up) leadership for `config.identity`.
Json lease_object(const LeaseConfig& config, const LeaseRecord& previous, WallTime now,
                  const std::string& resource_version, bool release);

class LeaderElector {
 public:
  LeaderElector(KubeClient& client, LeaseConfig config, Clock& clock);

  /// Blocks until `stop`. Whenever this process becomes leader, `lead` runs on its own thread
  /// with a stop token that fires when leadership is lost or `stop` is requested. On `stop` the
  /// leader waits for `lead` to return, then releases the Lease so another replica takes over
  /// at once.
  void run(const std::function<void(std::stop_token)>& lead, std::stop_token stop);

  [[nodiscard]] bool is_leader() const { return leader_.load(); }

  /// One attempt to acquire or renew. True when we hold the Lease afterwards.
  Result<bool> try_acquire_or_renew();
  /// Gives the Lease up if we hold it (holder cleared, so the next candidate takes it at once).
  /// Ok when it was not ours; the error of the read or the write otherwise.
  Result<void> release();
  /// The Lease as the last `try_acquire_or_renew` saw it (nullopt before the first read), e.g.
  /// to name the holder after losing. Not synchronised: read it on the thread that calls
  /// `try_acquire_or_renew`.
  [[nodiscard]] const std::optional<LeaseRecord>& observed() const { return observed_; }

 private:
  KubeClient& client_;
  LeaseConfig config_;
  Clock& clock_;
  std::atomic<bool> leader_{false};
  std::optional<LeaseRecord> observed_;
  SteadyTime observed_at_{};
};

}  // namespace cutover::kube
