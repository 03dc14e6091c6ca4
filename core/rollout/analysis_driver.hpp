#pragma once
// The I/O side of SLO gates for one reconcile: lists a Rollout's AnalysisRuns and takes their
// due measurements (before planning), creates the runs the plan starts, and writes the runs'
// status (after the plan's traffic actions, so a failing gate moves traffic first and records
// second). Runs live as AnalysisRun objects owned by the Rollout.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analysis_runner.hpp"
#include "analysis/run_builder.hpp"
#include "kube/kube_client.hpp"
#include "rollout/plan.hpp"

namespace cutover::rollout {

struct AnalysisOptions {
  /// Used by policies without `provider.prometheus.address` (the operator's --prometheus-url).
  std::string default_prometheus;
  /// Builds a query source for a provider; the default resolves Secrets through the client
  /// and connects to Prometheus. Tests substitute canned answers.
  std::function<std::expected<std::shared_ptr<analysis::MetricsSource>, std::string>(
      const analysis::PrometheusProvider& provider, const std::string& namespace_name)>
      sources;
};

/// What the templates of `rollout`'s gate `gate` read: its name, namespace, revisions, slots and
/// (from `observed`) each slot's current pod-template-hash. A first deployment's gate
/// ("first-deploy") judges the stable slot as the canary.
analysis::GateTarget gate_target(const Rollout& rollout, const Observed& observed,
                                 std::string_view gate);

class AnalysisDriver {
 public:
  AnalysisDriver(kube::KubeClient& client, const AnalysisOptions& options);

  /// Reads the Rollout's runs, measures those due at `now` (in memory) and fills
  /// `observed.analysis_runs`. Returns when the next measurement falls due, if any.
  kube::Result<std::optional<WallTime>> measure(const Rollout& rollout, Observed& observed,
                                                WallTime now);

  /// Creates the runs the plan starts, terminates unfinished runs the plan no longer wants,
  /// and writes every changed run's status. Finished runs are never written again.
  kube::Result<void> persist(const Rollout& rollout, const Observed& observed, const Plan& plan,
                             WallTime now);

  /// The phases of the measurements taken by the last `measure` (for metrics).
  [[nodiscard]] const std::vector<std::string>& measurements() const { return measured_; }
  /// The phases of the runs that finished in the last `measure` or were terminated by the
  /// last `persist` ("Terminated").
  [[nodiscard]] const std::vector<std::string>& finished_runs() const { return finished_; }

  /// The AnalysisRun object for a gate (exposed for tests): metadata (labels, the Rollout as
  /// owner) around `analysis::build_run_spec` of `policies` (as the API serves them, in the
  /// order of `start.ref.policies`; a null or absent entry is a missing policy), each parsed
  /// once. Problems become `spec.error`, so the run fails instead of passing.
  static kube::Json build_run(const Rollout& rollout, const Observed& observed,
                              const StartAnalysis& start, const std::vector<kube::Json>& policies);
  /// The same before any pod is observed (`{{rollout.canaryPods}}` then matches the whole slot).
  static kube::Json build_run(const Rollout& rollout, const StartAnalysis& start,
                              const std::vector<kube::Json>& policies) {
    return build_run(rollout, Observed{}, start, policies);
  }

 private:
  /// Deletes the oldest finished runs beyond spec.analysis' history limits (only when set).
  kube::Result<void> prune(const Rollout& rollout);

  kube::KubeClient& client_;
  const AnalysisOptions& options_;
  std::vector<analysis::AnalysisRun> runs_;
  std::set<std::string> changed_;
  std::vector<std::string> measured_;
  std::vector<std::string> finished_;
};

}  // namespace cutover::rollout
