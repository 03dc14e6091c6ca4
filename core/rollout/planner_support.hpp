#pragma once
// Internal helpers shared by the canary and blue-green planners. Not part of the public API.

#include <optional>
#include <string>

#include "rollout/plan.hpp"

namespace cutover::rollout::detail {

/// Building state of one planning pass.
struct PlanBuilder {
  const Rollout& rollout;
  const Observed& observed;
  WallTime now;
  Plan plan;
  std::string revision;  // of spec.template
  void event(std::string type, std::string reason, std::string message);
  /// A StepCompleted Event for step `index` of `total`. Steps that complete in one pass (instant
  /// ones, or weights the pods already meet) share one Event, "steps 1-3/3 done: ...", unless
  /// another Event came between them: each Event is an API request, and a chain of them told
  /// no more than one does.
  void step_completed(std::size_t index, std::size_t total, const std::string& what);
  /// The Promoted Event, telling the steps of this pass's StepCompleted Event in its stead when
  /// no other Event followed that one (the last steps often complete in the pass that promotes).
  void promoted_event(const std::string& message);
  void requeue_at(WallTime when);
  void set_condition(const std::string& type, bool value, const std::string& reason,
                     const std::string& message);
  void add_pause(const std::string& reason);
  void clear_pauses();
  [[nodiscard]] bool has_pause(const std::string& reason) const;
  [[nodiscard]] bool condition_true(const std::string& type) const;
  /// The history entry of `revision`, created if missing.
  HistoryEntry& history_for(const std::string& revision);
  /// Ends the open entry of `revision`; `reason` says why (who promoted, what failed).
  void finish_history(const std::string& revision, const std::string& result,
                      const std::string& reason);
  /// Ready for traffic: runs `revision`, the controller saw the spec, and enough pods are up.
  [[nodiscard]] bool slot_ready(Slot slot, const std::string& revision, int replicas) const;
  /// A canary whose traffic goes through routes (trafficRouting), not through its pod count.
  [[nodiscard]] bool routed() const;
  /// Every route reads back `weight` for the canary, and `managed` as Cutover's own routes.
  [[nodiscard]] bool routes_say(int weight,
                                const std::vector<traffic::ManagedRoute>& managed = {}) const;
  /// The first route that Cutover cannot use until the user fixes it ("" when none).
  [[nodiscard]] std::string route_problem() const;
  /// What the routes read now, for a status message: "HTTPRoute shop/web 5%".
  [[nodiscard]] std::string route_readings() const;

  // Flags bound to the canary (spec.strategy.canary.flags); flag_flow.cpp.
  /// Rebuilds status.canary.flags from the spec, the input status and what the flags read.
  void read_flag_splits();
  /// The bindings this release drives: all but those an earlier release's promotion set for
  /// good (onPromotion promote or keep); those are left alone until they are bound anew.
  [[nodiscard]] std::vector<const FlagBinding*> driven_flags() const;
  /// The first driven flag that Cutover cannot write, naming the object, the field and the
  /// fix ("" when none). Nothing is written to a flag with a problem.
  [[nodiscard]] std::string flag_problem() const;
  /// Sets every driven flag's variant to `weight` percent. True once each reads it back.
  bool hold_flags(int weight);
  /// Sets every driven flag to its onPromotion split. True once each reads it back.
  bool promote_flags();
  /// This release is promoted: its flags are set for good, and its history entry says how.
  void flags_promoted();
  /// An abort or a revert: every flag that a release under way moved goes back to 0%, in this
  /// pass, with the traffic. `history` also records the split in that revision's entry.
  void flags_to_zero(const std::string& history_revision = "");
  /// What the driven flags read now, for status messages: "checkout/new-checkout 5%".
  [[nodiscard]] std::string flag_readings() const;

  // For step_completed and promoted_event only (public: PlanBuilder is built as an aggregate):
  // the index in plan.actions of this pass's StepCompleted Event.
  std::optional<std::size_t> steps_done_;
  [[nodiscard]] bool last_event_is_steps_done() const;
};

/// Canary replicas for a traffic weight under the replica-ratio model.
int weight_replicas(int replicas, int weight);

/// Canary replicas for a weight that routes carry: the weight's share of `replicas`, rounded
/// up, at least 1 pod above weight 0 (a 5% canary of 3 replicas runs 1 pod).
int routed_replicas(int replicas, int weight);

/// The header and mirror routes in force at step `index` (the setHeaderRoute and
/// setMirrorRoute steps up to and including it replayed), in managedRoutes order; none past
/// the last step (a promotion removes them, as an abort does).
std::vector<traffic::ManagedRoute> managed_routes_at(const CanaryStrategy& canary,
                                                     std::size_t index);
void plan_canary(PlanBuilder& b);

/// Moves to canary step `index`; a pause step raises its pause condition on entry, so a
/// missing condition later means "promoted past it".
void enter_step(PlanBuilder& b, std::size_t index);
/// Step `index` is done (`what` says how): the next step is entered, pauses cleared.
void advance(PlanBuilder& b, std::size_t index, const std::string& what);
/// The pause step `index`: true once a person promoted past it or its duration elapsed (it is
/// then advanced); otherwise it says so in the status message, requeues at its end, false.
bool pass_pause_step(PlanBuilder& b, std::size_t index);
void plan_blue_green(PlanBuilder& b);

}  // namespace cutover::rollout::detail

namespace cutover::rollout::detail {

/// How an abort takes traffic off the candidate.
enum class AbortStyle {
  /// Replica ratio: the candidate's pods are its traffic, so they go at once (as soon as stable
  /// has a pod to serve), and stable scales back up.
  remove_candidate_pods,
  /// Selector-based (blue-green): flip the Services back; the candidate stays warm for
  /// `abort_delay_seconds` for debugging, then scales down.
  flip_selectors,
  /// Routes (trafficRouting): weight 0 on every route and the Services back on stable first;
  /// the candidate scales down only once every route reads 0 back, and after
  /// `abort_delay_seconds`.
  route_to_stable,
};

/// The shared phases of a release. Each returns true when it has decided this pass.

/// No stable revision yet: run the template on the stable slot at full size, no steps.
bool plan_first_deployment(PlanBuilder& b, const std::vector<std::string>& services);
/// spec.template is the stable revision: keep stable at full size, every Service on it, and the
/// other slot scaled down (after the delay, if one is set). Also the fast track of a revert.
bool plan_steady_state(PlanBuilder& b, const std::vector<std::string>& services);
/// spec.template changed since the last pass: restart the release from step 0.
void begin_revision(PlanBuilder& b);
/// `deploy retry` cleared `abort` after an abort: start the same revision again from step 0.
/// Returns true when this pass is a retry.
bool begin_retry(PlanBuilder& b);
/// Crash-looping candidate, or the progress deadline passed while waiting for pods: may set
/// `abort` in status (then the caller plans the abort).
void detect_failure(PlanBuilder& b, bool waiting_for_pods);
/// The release is aborted: traffic back to stable first, then scale. Always decides.
void plan_abort(PlanBuilder& b, const std::vector<std::string>& services, int abort_delay_seconds,
                AbortStyle style);

enum class ReleaseStart {
  decided,    // first deployment or steady state planned the whole pass
  restarted,  // a new revision or a retry: the caller enters its first step
  continuing  // the release goes on from the step in status
};
/// The common start of every pass: first deployment, steady state, a new revision, a retry.
ReleaseStart start_release(PlanBuilder& b, const std::vector<std::string>& services);

/// `deploy retry` while a gate's inconclusive verdict pauses the release: a new attempt runs
/// that gate again (the inconclusive run is kept). No-op unless status.retryAnalysis is set.
void begin_analysis_retry(PlanBuilder& b);

/// `spec.paused`: hold where we are (no scaling) and say so. Returns true when paused; clears
/// the spec pause condition otherwise.
bool hold_for_spec_pause(PlanBuilder& b);
/// The candidate at full size; once it is ready, pins every Service to it and makes it stable,
/// with the old slot scaling down after `scale_down_delay_seconds`. Returns true when promoted
/// in this pass (the plan is complete); false while waiting for pods.
bool promote_when_ready(PlanBuilder& b, const std::vector<std::string>& services,
                        int scale_down_delay_seconds, const std::string& event_message);
/// The end of every progressing pass: failure detection, then either the abort (dropping the
/// release's own scaling from `release_actions_start` on, keeping its events) or the phase.
void conclude(PlanBuilder& b, bool waiting_for_pods, std::size_t release_actions_start,
              const std::vector<std::string>& services, int abort_delay_seconds, AbortStyle style);

inline constexpr const char* kPausedBySpec = "PausedBySpec";
inline constexpr const char* kCanaryPauseStep = "CanaryPauseStep";
inline constexpr const char* kBlueGreenPause = "BlueGreenPause";
inline constexpr const char* kAnalysisInconclusive = "AnalysisInconclusive";

enum class GateResult {
  passed,   // the run succeeded (or an inconclusive run was promoted by a person)
  waiting,  // running, starting, or paused inconclusive: hold here
  failed,   // failed or errored: `abort` is set, the caller's conclude() rolls back
};

/// The SLO gate `gate` of the current release: starts its AnalysisRun, follows it, and on
/// failure sets `abort` with the run's reason. An inconclusive run raises the
/// AnalysisInconclusive pause; once a person promotes (clears it) the gate passes. `shown` is
/// the status field that mirrors the run (currentStepAnalysis or backgroundAnalysis).
/// Every policy (and argument) the strategy's gates name, for `analyzeFirstDeploy`.
AnalysisRef first_deploy_gates(const RolloutSpec& spec);

/// "Running (<run>): <what its deciding metric says>", for status messages.
std::string describe_gate(const AnalysisStatus& gate);

GateResult run_gate(PlanBuilder& b, const AnalysisRef& ref, const std::string& gate,
                    std::optional<AnalysisStatus>& shown);

}  // namespace cutover::rollout::detail
