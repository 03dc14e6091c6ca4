// SLO gates in the planner: decisions on AnalysisRuns that the reconciler has already measured.
#include <fmt/format.h>

#include <algorithm>

#include "rollout/planner_support.hpp"
#include "util/hash.hpp"

namespace cutover::rollout {

std::string analysis_run_name(const std::string& rollout, const std::string& revision, int attempt,
                              const std::string& gate) {
  std::string name = fmt::format("{}-{}-{}-{}", rollout, revision, attempt, gate);
  if (name.size() <= 253)
    return name;
  // Keep a readable prefix and make the rest unique.
  return fmt::format("{}-{:016x}", name.substr(0, 200), fnv1a64(name));
}

namespace detail {

AnalysisRef first_deploy_gates(const RolloutSpec& spec) {
  AnalysisRef out;
  const auto add = [&](const AnalysisRef& ref) {
    for (const auto& p : ref.policies) {
      if (std::find(out.policies.begin(), out.policies.end(), p) == out.policies.end())
        out.policies.push_back(p);
    }
    for (const auto& a : ref.args) {
      if (std::none_of(out.args.begin(), out.args.end(),
                       [&](const AnalysisArg& x) { return x.name == a.name; })) {
        out.args.push_back(a);
      }
    }
  };
  if (spec.is_canary()) {
    for (const auto& step : spec.canary().steps) {
      if (step.kind == CanaryStep::Kind::analysis)
        add(step.analysis);
    }
    if (spec.canary().analysis)
      add(*spec.canary().analysis);
  } else {
    if (spec.blue_green().pre_promotion_analysis)
      add(*spec.blue_green().pre_promotion_analysis);
    if (spec.blue_green().post_promotion_analysis)
      add(*spec.blue_green().post_promotion_analysis);
  }
  return out;
}

std::string describe_gate(const AnalysisStatus& gate) {
  // The run's message starts with its phase; say the phase once.
  std::string_view message = gate.message;
  if (message.starts_with(gate.phase + ": "))
    message.remove_prefix(gate.phase.size() + 2);
  return message.empty() ? fmt::format("{} ({})", gate.phase, gate.name)
                         : fmt::format("{} ({}): {}", gate.phase, gate.name, message);
}

GateResult run_gate(PlanBuilder& b, const AnalysisRef& ref, const std::string& gate,
                    std::optional<AnalysisStatus>& shown) {
  auto& st = b.plan.status;
  const std::string name = analysis_run_name(b.rollout.name, b.revision, st.release_attempt, gate);
  b.plan.active_analyses.push_back(name);
  const auto it = b.observed.analysis_runs.find(name);
  const std::string previous = shown && shown->name == name ? shown->phase : std::string{};
  if (it == b.observed.analysis_runs.end()) {
    b.plan.actions.emplace_back(StartAnalysis{name, gate, ref});
    if (previous.empty()) {
      b.event("Normal", "AnalysisStarted", fmt::format("{}: started AnalysisRun {}", gate, name));
    }
    shown = AnalysisStatus{name, gate, "Pending", ""};
    b.plan.requeue_after = std::chrono::milliseconds{1000};
    return GateResult::waiting;
  }
  const RunObservation& run = it->second;
  shown = AnalysisStatus{name, gate, run.phase, run.message};
  if (run.phase == "Successful") {
    if (previous != "Successful") {
      b.event("Normal", "AnalysisPassed", fmt::format("{}: {} passed", gate, name));
    }
    return GateResult::passed;
  }
  if (run.phase == "Failed" || run.phase == "Error" || run.phase == "Terminated") {
    // A terminated run of the current gate was stopped by someone else: never a pass.
    st.abort = true;
    st.abort_reason = fmt::format("{} analysis {} {}: {}", gate, name,
                                  run.phase == "Error" ? "errored" : "failed", run.message);
    b.plan.abort_cause = "analysis";
    if (previous != run.phase) {
      b.event("Warning", "AnalysisFailed", fmt::format("{}: {}", gate, st.abort_reason));
    }
    return GateResult::failed;
  }
  if (run.phase == "Inconclusive") {
    if (previous != "Inconclusive") {
      b.add_pause(kAnalysisInconclusive);
      b.event(
          "Warning", "AnalysisInconclusive",
          fmt::format(
              "{}: {} is inconclusive ({}); promote to continue, retry to run it again, or abort",
              gate, name, run.message));
      return GateResult::waiting;
    }
    if (b.has_pause(kAnalysisInconclusive))
      return GateResult::waiting;
    // Only a person clears the pause between passes. One that was still raised when this pass
    // began was cleared by the pass itself (a canary step advancing clears every pause), which
    // must not promote past the verdict.
    const auto& before = b.rollout.status.pause_conditions;
    const auto raised = std::find_if(before.begin(), before.end(), [](const PauseCondition& p) {
      return p.reason == kAnalysisInconclusive;
    });
    if (raised != before.end()) {
      b.plan.status.pause_conditions.push_back(*raised);
      return GateResult::waiting;
    }
    return GateResult::passed;  // promoted past the inconclusive verdict
  }
  return GateResult::waiting;  // Pending, Running
}

}  // namespace detail

}  // namespace cutover::rollout
