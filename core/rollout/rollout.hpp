#pragma once
// The Rollout custom resource (`rollouts.cutover.dev/v1alpha1`) as plain structs. Field names
// follow Argo Rollouts. `rollout_json.hpp` converts to and from the API's JSON.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "flags/flag_split.hpp"
#include "rollout/slot.hpp"
#include "traffic/managed_route.hpp"
#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"
#include "util/clock.hpp"

namespace cutover::rollout {

using Json = nlohmann::json;

/// A policy an analysis gate runs: an SLOPolicy in the Rollout's namespace, or with
/// `cluster_scope` a ClusterSLOPolicy.
struct PolicyRef {
  std::string name;
  bool cluster_scope = false;
  bool operator==(const PolicyRef&) const = default;
};

struct AnalysisArg {
  std::string name;
  std::string value;
  bool operator==(const AnalysisArg&) const = default;
};

/// An SLO gate: the policies to run and the arguments to give them (they override the
/// policies' defaults).
struct AnalysisRef {
  std::vector<PolicyRef> policies;
  std::vector<AnalysisArg> args;
  bool operator==(const AnalysisRef&) const = default;
};

struct CanaryStep {
  enum class Kind {
    set_weight,
    pause,
    set_canary_scale,
    analysis,
    set_header_route,
    set_mirror_route
  };
  Kind kind = Kind::set_weight;
  int weight = 0;                                      // set_weight: 0..100
  std::optional<std::chrono::seconds> pause_duration;  // pause: none means "until promoted"
  std::optional<int> scale_replicas;                   // set_canary_scale
  std::optional<int> scale_weight;                     // set_canary_scale
  bool match_traffic_weight = false;                   // set_canary_scale
  AnalysisRef analysis;                                // analysis: the step's SLO gate
  /// set_header_route, set_mirror_route: the managed route from this step on; no matches
  /// removes it.
  traffic::ManagedRoute route;
};

/// What a promotion does to a bound flag: V to 100% (`promote`, the default), the split the
/// last step left (`keep`), or V back to 0% (`reset`).
enum class OnPromotion { promote, keep, reset };

/// spec.strategy.canary.flags[]: a flag whose variant `variant` follows the canary's weight.
struct FlagBinding {
  flags::FlagSplitRef ref;  // in the Rollout's namespace
  OnPromotion on_promotion = OnPromotion::promote;
  bool operator==(const FlagBinding&) const = default;
};

struct CanaryStrategy {
  /// The two things Cutover pins to slots (the stable one to the stable slot, the other to the
  /// candidate's): Services, whose selectors gain cutover.dev/slot; or, with `destination_rule`
  /// (istio.destinationRule, subset-level routing), that DestinationRule's stableSubsetName and
  /// canarySubsetName, whose `labels` gain it. Either way the planner treats them alike.
  std::string stable_service;
  std::string canary_service;
  /// istio.destinationRule.name: set for subset-level routing (see stable_service).
  std::string destination_rule;
  std::vector<CanaryStep> steps;
  Json max_surge;        // int or percent string; passed to the slot Deployments
  Json max_unavailable;  // likewise
  int scale_down_delay_seconds = 30;
  int abort_scale_down_delay_seconds = 30;
  /// spec.strategy.canary.trafficRouting: gatewayAPI's HTTPRoutes then GRPCRoutes, or istio's
  /// VirtualServices (namespace filled in; one router's kinds only). Empty: the replica-ratio
  /// canary, whose weight is its share of the pods.
  std::vector<traffic::RouteRef> routes;
  /// spec.strategy.canary.trafficRouting.managedRoutes[].name: the header and mirror routes
  /// the steps may set, in precedence order.
  std::vector<std::string> managed_routes;
  /// spec.strategy.canary.flags: flags whose split follows the canary's weight.
  std::vector<FlagBinding> flags;
  /// Background analysis: runs from step `starting_step` until promotion; failure aborts.
  std::optional<AnalysisRef> analysis;
  int analysis_starting_step = 0;
  /// A Migration's path (Rollout::is_migration): the requests of spec.matches, moved from
  /// stable_service (spec.from) to canary_service (spec.to) through the one route in `routes`.
  std::optional<traffic::PathMove> move;
};

struct BlueGreenStrategy {
  std::string active_service;
  std::string preview_service;
  bool auto_promotion_enabled = true;
  int auto_promotion_seconds = 0;
  std::optional<int> preview_replica_count;
  int scale_down_delay_seconds = 30;
  int abort_scale_down_delay_seconds = 30;
  /// Gates before the flip (the preview is judged) and after it (the old slot stays warm until
  /// it passes; failure flips back).
  std::optional<AnalysisRef> pre_promotion_analysis;
  std::optional<AnalysisRef> post_promotion_analysis;
};

struct WorkloadRef {
  std::string api_version = "apps/v1";
  std::string kind = "Deployment";
  std::string name;
  std::string scale_down = "never";  // never | onsuccess | progressively
};

struct RolloutSpec {
  int replicas = 1;
  Json selector;      // LabelSelector
  Json pod_template;  // PodTemplateSpec
  std::optional<WorkloadRef> workload_ref;
  int revision_history_limit = 10;
  int progress_deadline_seconds = 600;
  bool progress_deadline_abort = false;
  bool paused = false;
  /// `spec.analysis`: how many finished AnalysisRuns to keep. Unset keeps every run (the
  /// default: no audit record is lost); set, older runs beyond the limit are deleted.
  std::optional<int> successful_run_history_limit;
  std::optional<int> unsuccessful_run_history_limit;
  /// Gate the first deployment too (Argo Rollouts #3984): once its pods are up, every policy
  /// the strategy's gates name runs as one "first-deploy" gate; the Rollout is Healthy only
  /// when it passes. A failure leaves it Degraded (there is no older version to go back to).
  bool analyze_first_deploy = false;
  std::variant<CanaryStrategy, BlueGreenStrategy> strategy;

  [[nodiscard]] bool is_canary() const { return std::holds_alternative<CanaryStrategy>(strategy); }
  [[nodiscard]] const CanaryStrategy& canary() const { return std::get<CanaryStrategy>(strategy); }
  [[nodiscard]] const BlueGreenStrategy& blue_green() const {
    return std::get<BlueGreenStrategy>(strategy);
  }
};

enum class Phase { progressing, paused, healthy, degraded };
std::string_view to_string(Phase phase);

struct PauseCondition {
  std::string reason;  // CanaryPauseStep, BlueGreenPause, PausedBySpec
  WallTime start_time;
  bool operator==(const PauseCondition&) const = default;
};

struct Condition {
  std::string type;    // Progressing, Available, Paused, Aborted, ProgressDeadlineExceeded, ...
  std::string status;  // True, False, Unknown
  std::string reason;
  std::string message;
  WallTime last_transition_time;
  WallTime last_update_time;
  /// The generation the condition speaks of (0: not recorded). ReconcileError records it, so a
  /// client can tell an error about the spec it just wrote from a stale one.
  std::int64_t observed_generation = 0;
};

struct HistoryEntry {
  std::string revision;
  std::vector<std::string> images;
  std::string git_sha;
  std::string change_cause;
  WallTime started_at;
  std::optional<WallTime> finished_at;
  std::string result;  // Pending, Progressing, Promoted, Aborted, Superseded
  /// Why it ended so: who promoted it, the gate that failed, or what replaced it.
  std::string reason;
  /// Each bound flag's split when it ended: "checkout/new-checkout on 100%".
  std::vector<std::string> flags;
};

/// The AnalysisRun of a gate, as the Rollout's status shows it.
struct AnalysisStatus {
  std::string name;
  std::string gate;
  std::string phase;  // Pending, Running, Successful, Failed, Inconclusive, Error
  std::string message;
  bool operator==(const AnalysisStatus&) const = default;
};

/// One route's canary weight as read back: "HTTPRoute shop/web" and its share, none while its
/// rules disagree or it cannot be read.
struct RouteWeightStatus {
  std::string route;
  std::optional<int> weight;
  bool operator==(const RouteWeightStatus&) const = default;
};

/// status.canary.flags[]: one bound flag's split as read back, and which release drives it.
struct FlagSplitStatus {
  std::string feature_flag;
  std::string flag;
  std::string variant;
  std::optional<int> weight;  // V's percent; none while the flag has no split
  /// The revision whose release last set it; with `promoted`, that release's promotion set it
  /// for good, and later releases leave the flag alone (rebind to move it again).
  std::string revision;
  bool promoted = false;
  bool operator==(const FlagSplitStatus&) const = default;
};

struct RolloutStatus {
  Phase phase = Phase::progressing;
  std::string message;
  std::int64_t observed_generation = 0;
  std::string stable_revision;
  std::string current_revision;
  std::optional<Slot> stable_slot;
  int current_step_index = 0;
  int current_weight = 0;
  int replicas = 0;
  int ready_replicas = 0;
  int available_replicas = 0;
  int updated_replicas = 0;
  std::string selector;
  std::vector<PauseCondition> pause_conditions;
  bool abort = false;
  std::string abort_reason;
  std::optional<WallTime> aborted_at;
  bool promote_full = false;
  /// Who last lifted a pause or skipped steps of this release ("alice via deploy promote"); set
  /// by the promote patch, copied into the history entry's reason when the release finishes.
  std::string promoted_by;
  /// Set by `deploy retry` while a gate's inconclusive verdict pauses the release: the planner
  /// runs the paused release's analyses again (new AnalysisRuns; the old ones are kept) and
  /// clears it.
  bool retry_analysis = false;
  std::optional<WallTime> step_started_at;
  std::optional<WallTime> progress_started_at;
  std::optional<Slot> scale_down_slot;
  std::optional<WallTime> scale_down_at;
  std::vector<Condition> conditions;
  std::vector<HistoryEntry> history;
  std::string strategy;  // Canary or BlueGreen, for the printer column
  /// Counts the starts of releases (a new revision, a retry); names this attempt's runs.
  int release_attempt = 0;
  std::optional<AnalysisStatus> current_step_analysis;  // step, pre- or post-promotion gate
  std::optional<AnalysisStatus> background_analysis;
  /// status.canary.weights: the canary's share that each route read back (routed canaries).
  std::vector<RouteWeightStatus> route_weights;
  /// status.canary.flags: each bound flag's split.
  std::vector<FlagSplitStatus> flag_splits;
};

inline constexpr const char* kRolloutKind = "Rollout";
/// A metric-gated flag rollout with no deploy (`flagrollouts.cutover.dev`, flag_rollout_json.hpp):
/// held as a Rollout whose canary has no pods, no Services and one bound flag, so the same
/// planner helpers, gates, AnalysisRuns, Events, history, pause and retry drive it.
inline constexpr const char* kFlagRolloutKind = "FlagRollout";
/// The label a FlagRollout's AnalysisRuns carry (a Rollout's carry cutover.dev/rollout): a
/// Rollout and a FlagRollout of one name never list each other's runs.
inline constexpr const char* kFlagRolloutLabel = "cutover.dev/flag-rollout";

/// A strangler-fig path move (`migrations.cutover.dev`, migration_json.hpp): held as a Rollout
/// whose canary has no pods, moves spec.matches from spec.from's Service to spec.to's through
/// one route (CanaryStrategy::move), and whose setMirrorRoute steps are a shadow phase.
inline constexpr const char* kMigrationKind = "Migration";
/// The label a Migration's AnalysisRuns (and NGINX canary Ingress) carry.
inline constexpr const char* kMigrationLabel = "cutover.dev/migration";

struct Rollout {
  /// Rollout, or FlagRollout (kFlagRolloutKind). For a FlagRollout, spec.pod_template holds the
  /// flag target as written ({featureFlag, flag, variant, otherVariant}): its hash is the
  /// release's revision, so retargeting starts a new release; spec.strategy is a canary whose
  /// only traffic is its one bound flag.
  std::string kind = kRolloutKind;
  std::string name;
  std::string namespace_name;
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  bool deleting = false;
  Json annotations = Json::object();
  RolloutSpec spec;
  RolloutStatus status;

  [[nodiscard]] bool is_flag_rollout() const { return kind == kFlagRolloutKind; }
  [[nodiscard]] bool is_migration() const { return kind == kMigrationKind; }
  /// The label that names the owner on its AnalysisRuns (and on a Rollout's slots and Pods).
  [[nodiscard]] const char* owner_label() const {
    if (is_migration())
      return kMigrationLabel;
    return is_flag_rollout() ? kFlagRolloutLabel : kRolloutLabel;
  }
};

}  // namespace cutover::rollout
