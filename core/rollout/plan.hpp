#pragma once
// The planner's inputs (`Observed`) and output (`Plan`). A plan is data: the executor carries out
// its actions idempotently, in order, and then writes `status`.

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rollout/rollout.hpp"
#include "traffic/route_target.hpp"

namespace cutover::rollout {

/// What the observer read of one slot Deployment (from the operator's informer cache, or from the
/// API server for `deploy run`).
struct SlotObservation {
  bool exists = false;
  std::string revision;  // its cutover.dev/revision annotation
  std::string applied;   // its cutover.dev/applied annotation (slot_deployment.hpp)
  /// Its cutover.dev/template annotation: the revision's pod template, as JSON text ("" on a
  /// slot applied before the annotation existed).
  std::string recorded_template;
  int spec_replicas = 0;
  int ready_replicas = 0;
  int available_replicas = 0;
  int updated_replicas = 0;
  /// The Deployment controller has seen the latest spec (observedGeneration == generation).
  bool observed = true;
  /// Some pod of the slot is in CrashLoopBackOff; `crash_message` says which and why.
  bool crash_looping = false;
  std::string crash_message;
  /// The pod-template-hash of the slot's newest pod: with the slot's name it selects exactly
  /// this revision's pods in metrics (`<rollout>-<slot>-<hash>-...`).
  std::string pod_template_hash;
};

/// The Deployment that `spec.workloadRef` adopts.
struct WorkloadObservation {
  bool exists = false;
  int spec_replicas = 0;
  int available_replicas = 0;
  Json pod_template;  // its spec.template: the Rollout's template
  Json selector;
};

/// What the planner needs of one AnalysisRun of this Rollout.
struct RunObservation {
  std::string phase;  // Pending, Running, Successful, Failed, Inconclusive, Error, Terminated
  std::string message;
};

struct Observed {
  std::array<SlotObservation, 2> slots;  // indexed by Slot
  /// This Rollout's AnalysisRuns by name, with any measurement due this pass already taken.
  std::map<std::string, RunObservation> analysis_runs;
  /// For each Service the strategy names: the slot its selector pins, if any.
  std::map<std::string, std::optional<Slot>> service_slots;
  /// Set when the Rollout has a `spec.workloadRef` (exists=false when it is missing).
  std::optional<WorkloadObservation> workload;
  /// What each route of spec.strategy.canary.trafficRouting says, by RouteRef::describe().
  std::map<std::string, traffic::RouteReading> routes;
  /// What each flag of spec.strategy.canary.flags says, by FlagSplitRef::describe().
  std::map<std::string, flags::FlagSplitReading> flags;

  [[nodiscard]] const SlotObservation& slot(Slot s) const {
    return slots[static_cast<std::size_t>(s)];
  }
  SlotObservation& slot(Slot s) { return slots[static_cast<std::size_t>(s)]; }
};

/// Create or update the slot's Deployment with the Rollout's current pod template (revision
/// `revision`) at `replicas`. Only ever issued for the revision of `spec.template`.
struct ApplySlot {
  Slot slot;
  std::string revision;
  int replicas = 0;
  bool operator==(const ApplySlot&) const = default;
};

/// Change only the replica count of a slot that already runs some revision.
struct ScaleSlot {
  Slot slot;
  int replicas = 0;
  bool operator==(const ScaleSlot&) const = default;
};

/// Scale the Deployment of `spec.workloadRef` (the user's) to `replicas`; only ever down.
struct ScaleWorkload {
  std::string name;
  int replicas = 0;
  bool operator==(const ScaleWorkload&) const = default;
};

/// Point a user-owned Service at one slot (adds `cutover.dev/slot` to its selector), or with
/// `slot` empty remove that key again (on deletion). Nothing else of the Service changes. With
/// subset-level routing (CanaryStrategy::destination_rule) `service` names a subset of the
/// DestinationRule, and the key goes into that subset's labels instead.
struct PinService {
  std::string service;
  std::optional<Slot> slot;
  bool operator==(const PinService&) const = default;
};

/// Give the canary `weight` percent on every route of the Rollout's trafficRouting (stable the
/// rest), with exactly `managed` as Cutover's own header and mirror routes (none: every one
/// removed). The planner counts it as reached only once every route reads it back.
struct SetRouteWeight {
  int weight = 0;
  std::vector<traffic::ManagedRoute> managed;
  bool operator==(const SetRouteWeight&) const = default;
};

/// Give `binding`'s variant `weight` percent of the flag's targeting keys (the other variant
/// the rest), by server-side apply of that flag's `targeting.fractional` only.
struct SetFlagWeight {
  FlagBinding binding;
  int weight = 0;
  bool operator==(const SetFlagWeight&) const = default;
};

/// Steps that one Event tells: a StepCompleted's, or the last ones a Promoted tells.
struct StepsTold {
  std::size_t first = 0;  // the first step's index
  std::size_t last = 0;   // the last step's index
  std::size_t total = 0;  // steps in the strategy
  std::string what;       // what each did, ", "-separated
  bool operator==(const StepsTold&) const = default;
};
/// "step 2/3 done: weight 66%", or "steps 1-3/3 done: weight 33%, weight 66%, weight 100%".
std::string describe(const StepsTold& steps);

/// A Kubernetes Event on the Rollout.
struct RecordEvent {
  std::string type;  // Normal or Warning
  std::string reason;
  std::string message;
  /// The planner's `now`: the executor stamps the Event with it, never with the wall clock, so
  /// time stays injected.
  WallTime at{};
  /// What identifies the transition: the status as of the moment the planner records it (not
  /// at the end of the pass), so that a pass replayed after a crash, which may go further
  /// before its status is written, names the same transition's Event alike. The executor
  /// derives the Event's name from it.
  std::string transition;
  /// The steps it tells (StepCompleted, or Promoted after the last steps), and for Promoted its
  /// message without them: what fold_event needs to tell the steps of several rounds as one.
  std::optional<StepsTold> steps;
  std::string summary;
  bool operator==(const RecordEvent&) const = default;
};

/// Appends `event` to `told` (the Events of one pass, round after round), folding it into the
/// last one when both tell steps of one walk: consecutive StepCompleted Events become one, and a
/// StepCompleted just before a Promoted goes into it, as the planner folds them within a plan.
/// Each Event is an API request, and a chain of them told no more than one does.
void fold_event(std::vector<RecordEvent>& told, RecordEvent event);

/// Create the AnalysisRun `name` for a gate of the current release. The executor resolves the
/// policies and renders the queries; creating an existing run is a no-op.
struct StartAnalysis {
  std::string name;
  std::string gate;  // step-N, background, pre-promotion, post-promotion
  AnalysisRef ref;
  bool operator==(const StartAnalysis&) const = default;
};

using Action = std::variant<ApplySlot, ScaleSlot, ScaleWorkload, PinService, SetRouteWeight,
                            SetFlagWeight, RecordEvent, StartAnalysis>;

struct Plan {
  std::vector<Action> actions;
  RolloutStatus status;
  /// When to look again even if nothing changes (pause timers, scale-down delays, deadlines).
  std::optional<std::chrono::milliseconds> requeue_after;
  /// The AnalysisRuns this pass still wants; any other unfinished run of the Rollout is
  /// terminated (the release moved on).
  std::vector<std::string> active_analyses;
  /// Why this pass aborted the release, as a bounded label (cutover_rollbacks_total{reason}):
  /// "analysis", "crash-loop" or "progress-deadline". Unset when the abort was asked for
  /// (deploy abort) rather than decided here.
  std::optional<std::string> abort_cause;
};

/// The name of a gate's AnalysisRun: `<rollout>-<revision>-<attempt>-<gate>`, shortened with a
/// hash when it would exceed the 253 characters of an object name.
std::string analysis_run_name(const std::string& rollout, const std::string& revision, int attempt,
                              const std::string& gate);

/// The user-owned Services the strategy names (stable/canary or active/preview), empty names
/// left out, in that order.
std::vector<std::string> strategy_services(const RolloutSpec& spec);

/// The revision name of a pod template: a stable hash of its canonical JSON (10 hex digits).
std::string template_revision(const Json& pod_template);

/// Decides the next step of a Rollout. Pure: no I/O, no clock (`now` is given), no randomness.
Plan plan(const Rollout& rollout, const Observed& observed, WallTime now);

/// The same for a FlagRollout (Rollout::is_flag_rollout): its one flag through the steps, each
/// weight read back before it counts; gates as a Rollout's; promotion sets the variant to 100%
/// and then leaves the flag to its owner; an abort (a failed gate, `deploy flag-rollouts abort`)
/// sets it to 0% in the pass that decides it. Only SetFlagWeight, StartAnalysis and RecordEvent
/// actions. Pure, like `plan`.
Plan plan_flag_rollout(const Rollout& flag_rollout, const Observed& observed, WallTime now);

/// The same for a Migration (Rollout::is_migration): its path moved through the steps on its
/// one route, each weight (and a setMirrorRoute's mirror) read back before it counts; gates as a
/// Rollout's; promotion sets 100% (with finalize removeLegacyBackend, `to` alone) and holds it;
/// an abort removes Cutover's rule in the pass that decides it (the whole path back on
/// spec.from); deleting with onDelete restore does the same. Only SetRouteWeight,
/// StartAnalysis and RecordEvent actions. Pure, like `plan`.
Plan plan_migration(const Rollout& migration, const Observed& observed, WallTime now);

}  // namespace cutover::rollout
