#pragma once
// `deploy run`'s per-Rollout Lease: only the holder of a Lease drives a Rollout (DESIGN.md).
// `deploy run <rollout>` holds `coordination.k8s.io/v1` Lease `cutover-run-<rollout>` in the
// Rollout's namespace, labelled `cutover.dev/rollout=<rollout>`, renewed while it runs and
// released when it stops. The operator watches those Leases (RunLeaseIndex) and leaves a
// Rollout alone while one is held; when the CLI dies, the Lease expires and the operator picks
// the Rollout up again within the lease duration.
//
// The Lease itself is the record of who drives: `kubectl get lease -l cutover.dev/rollout`
// shows the HOLDER, `deploy status` prints it. It is not copied into the Rollout's status,
// which would go stale exactly when it matters (a CLI killed with SIGKILL cannot clear it).

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "kube/leader_elector.hpp"
#include "kube/watch_decoder.hpp"
#include "util/clock.hpp"

namespace cutover::rollout {

inline constexpr const char* kRunLeasePrefix = "cutover-run-";
/// How long a `deploy run` that stopped renewing keeps others out (`deploy run --lease-duration`).
inline constexpr std::chrono::seconds kRunLeaseDuration{15};

/// `cutover-run-<rollout>`. A name that would pass the 253-character limit of object names is
/// cut and ends in a hash of the whole Rollout name, so it stays valid and distinct.
std::string run_lease_name(std::string_view rollout);

/// Reads an environment variable; empty when unset.
using EnvLookup = std::function<std::string(const char*)>;

/// Who `deploy run` says it is, readable in `kubectl get lease` and in error messages:
/// `deploy run@HOST/PID`, plus `(GitHub Actions "WORKFLOW" run RUN_ID)` when GITHUB_RUN_ID or
/// GITHUB_WORKFLOW is set.
///
/// **Example**: `deploy run@runner-7/4242 (GitHub Actions "Release" run 1234567)`
std::string run_lease_identity(std::string_view host, long pid, const EnvLookup& env);

/// The Lease `deploy run` holds for Rollout `namespace_name/rollout`: labelled, owned by the
/// Rollout (`rollout_uid`; empty: no ownerReference), renewed every 2 s, given up after 10 s of
/// failed renewals (two thirds of the default duration, as client-go's defaults).
kube::LeaseConfig run_lease_config(const std::string& namespace_name, const std::string& rollout,
                                   const std::string& rollout_uid, std::string identity,
                                   std::chrono::seconds lease_duration = kRunLeaseDuration);

/// A run Lease read once and judged by the reader's wall clock. The holder's clock may differ
/// from ours, so this is for messages and for `deploy run`'s "refuse at once" decision only;
/// taking over is decided by local observation (LeaderElector, RunLeaseIndex).
struct RunLeaseView {
  std::string holder;  // empty: released (or never held)
  std::optional<WallTime> renewed_at;
  std::chrono::seconds duration{0};

  /// Held by someone, renewed less than `duration` before `now`.
  [[nodiscard]] bool held_at(WallTime now) const;
  /// renewed_at + duration; nullopt without a holder or a readable renewTime.
  [[nodiscard]] std::optional<WallTime> expires_at() const;
};

RunLeaseView run_lease_view(const kube::Json& lease);
RunLeaseView run_lease_view(const kube::LeaseRecord& record);

/// The refusal of a second `deploy run`, naming the holder, the Lease and when it expires:
/// "rollout NS/NAME is driven by HOLDER (Lease NS/LEASE, renewed 2s ago, expires in 13s unless
/// renewed); wait for that run to finish or stop it, then run deploy run again".
std::string describe_refusal(const std::string& namespace_name, const std::string& rollout,
                             const RunLeaseView& lease, WallTime now);

/// `deploy status`'s "Driven by" line while `lease` is held at `now`, else empty:
/// "deploy run HOLDER (lease renewed 2s ago); the operator will take over if it expires".
std::string describe_driver(const RunLeaseView& lease, WallTime now);

/// The operator's view of every run Lease it watches (a Reflector on Leases labelled
/// `cutover.dev/rollout`). A Lease counts as held until `leaseDurationSeconds` after this
/// process last saw it change, by the local steady clock, as LeaderElector judges expiry: no
/// comparison with another machine's clock. Thread-safe.
class RunLeaseIndex {
 public:
  struct Hold {
    std::string holder;
    std::chrono::milliseconds remaining{0};  // until it expires unless renewed
  };

  /// Records a watch event seen at `now`. Returns the Rollout key ("namespace/name") to wake
  /// when the event ends a hold (released or deleted), so the operator resumes at once; a
  /// Lease without the label is ignored.
  std::optional<std::string> update(const kube::WatchEvent& event, SteadyTime now);

  /// Who holds Rollout `rollout_key` at `now`, or nullopt when nobody does (never held,
  /// released, or expired).
  [[nodiscard]] std::optional<Hold> held(const std::string& rollout_key, SteadyTime now) const;

  /// The operator's question before each reconcile: `held`, plus what changed since the last
  /// check of this key, so that each hand-over is logged once rather than on every skip.
  struct Check {
    std::optional<Hold> hold;          // set: skip the Rollout
    bool hold_started = false;         // the first check that sees this holder
    std::optional<std::string> ended;  // the holder whose hold ended since the last check
  };
  Check check(const std::string& rollout_key, SteadyTime now);

 private:
  struct Entry {
    kube::LeaseRecord record;
    SteadyTime observed_at;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> by_rollout_;
  std::map<std::string, std::string> skipping_;  // rollout key -> holder `check` reported
};

}  // namespace cutover::rollout
