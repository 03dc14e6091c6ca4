#include "rollout/analysis_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "analysis/prometheus_connection.hpp"
#include "analysis/slo_policy.hpp"
#include "rollout/slot.hpp"
#include "traffic/migration_route.hpp"
#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

using analysis::AnalysisRun;

kube::ResourceRef runs_ref(const std::string& ns) {
  return {"cutover.dev/v1alpha1", "AnalysisRun", ns};
}

std::string phase_name(const AnalysisRun& run) {
  return run.status.terminated ? "Terminated" : std::string(analysis::to_string(run.status.phase));
}

// The run of a gate the release still stands at, although the planner did not look at the gate
// this pass (spec.paused, or pods not ready at the step's weight): it is not to be terminated,
// or the gate would fail as "Terminated" once the release goes on.
bool holds_at_gate(const RolloutStatus& st, const AnalysisRun& run) {
  if (st.abort || st.promote_full || st.current_revision == st.stable_revision ||
      run.spec.revision != st.current_revision) {
    return false;
  }
  const auto shows = [&](const std::optional<AnalysisStatus>& shown) {
    return shown && shown->name == run.name;
  };
  return shows(st.current_step_analysis) || shows(st.background_analysis);
}

}  // namespace

analysis::GateTarget gate_target(const Rollout& rollout, const Observed& observed,
                                 std::string_view gate) {
  const Slot stable = rollout.status.stable_slot.value_or(Slot::a);
  // The first deployment's gate judges the stable slot itself: it is the new version.
  const Slot canary = gate == "first-deploy" ? stable : other(stable);
  analysis::GateTarget target{.rollout = rollout.name,
                              .namespace_name = rollout.namespace_name,
                              .stable_revision = rollout.status.stable_revision,
                              .current_revision = template_revision(rollout.spec.pod_template),
                              .stable_slot = std::string(to_string(stable)),
                              .canary_slot = std::string(to_string(canary)),
                              .stable_pod_hash = observed.slot(stable).pod_template_hash,
                              .canary_pod_hash = observed.slot(canary).pod_template_hash};
  // {{flag.*}}: a FlagRollout's flag, or a Rollout's one bound flag (with several, which one
  // would be a guess: none).
  if (rollout.spec.is_canary() && rollout.spec.canary().flags.size() == 1) {
    const auto& ref = rollout.spec.canary().flags.front().ref;
    target.flag_key = ref.flag;
    target.flag_variant = ref.variant;
    target.flag_other_variant = ref.other_variant;
    target.feature_flag = ref.feature_flag;
  }
  if (rollout.spec.is_canary() && rollout.spec.canary().move) {
    const auto& strategy = rollout.spec.canary();
    target.migration_from = strategy.stable_service;
    target.migration_to = strategy.canary_service;
    const auto& matches = strategy.move->matches;
    target.migration_path =
        matches.empty() || !matches.front().path ? std::string("/") : matches.front().path->value;
    target.migration_path_regex = traffic::path_regex(matches);
  }
  return target;
}

kube::Json AnalysisDriver::build_run(const Rollout& rollout, const Observed& observed,
                                     const StartAnalysis& start,
                                     const std::vector<kube::Json>& policies) {
  std::vector<analysis::GatePolicy> parsed;
  for (std::size_t i = 0; i < start.ref.policies.size(); ++i) {
    const PolicyRef& ref = start.ref.policies[i];
    analysis::GatePolicy policy{{ref.cluster_scope, ref.name}, std::nullopt};
    if (i < policies.size() && !policies[i].is_null())
      policy.found = analysis::parse_slo_policy(policies[i]);
    parsed.push_back(std::move(policy));
  }
  std::vector<analysis::GateArg> args;
  for (const auto& arg : start.ref.args)
    args.push_back({arg.name, arg.value});
  const analysis::RunSpec spec = analysis::build_run_spec(
      gate_target(rollout, observed, start.gate), start.gate, parsed, args);
  return {{"apiVersion", "cutover.dev/v1alpha1"},
          {"kind", "AnalysisRun"},
          {"metadata",
           {{"name", start.name},
            {"namespace", rollout.namespace_name},
            {"labels",
             {{rollout.owner_label(), rollout.name},
              {"cutover.dev/revision", spec.revision},
              {analysis::kGateLabel, start.gate}}},
            // Owned by the Rollout (garbage-collected with it), but not controlled: deleting a
            // Rollout's runs is never part of a release.
            {"ownerReferences", kube::Json::array({{{"apiVersion", "cutover.dev/v1alpha1"},
                                                    {"kind", rollout.kind},
                                                    {"name", rollout.name},
                                                    {"uid", rollout.uid},
                                                    {"blockOwnerDeletion", false}}})}}},
          {"spec", analysis::run_spec_to_json(spec)}};
}

AnalysisDriver::AnalysisDriver(kube::KubeClient& client, const AnalysisOptions& options)
    : client_(client), options_(options) {}

kube::Result<std::optional<WallTime>> AnalysisDriver::measure(const Rollout& rollout,
                                                              Observed& observed, WallTime now) {
  runs_.clear();
  changed_.clear();
  measured_.clear();
  finished_.clear();
  auto list = client_.list_all(
      runs_ref(rollout.namespace_name),
      {.label_selector = fmt::format("{}={}", rollout.owner_label(), rollout.name)});
  if (!list)
    return std::unexpected(list.error());
  std::optional<WallTime> next_due;
  // One connection per provider and pass: its Secrets (and a redacted header's policy) are
  // read once, however many metrics are due.
  using Source = std::expected<std::shared_ptr<analysis::MetricsSource>, std::string>;
  std::map<std::string, Source> connected;
  const auto sources = [&](const analysis::PrometheusProvider& provider) -> Source {
    const std::string key = analysis::provider_to_json(provider).dump();
    if (const auto it = connected.find(key); it != connected.end())
      return it->second;
    Source source = options_.sources
                        ? options_.sources(provider, rollout.namespace_name)
                        : analysis::connect_prometheus(client_, provider, rollout.namespace_name,
                                                       options_.default_prometheus);
    connected.emplace(key, source);
    return source;
  };
  for (const auto& item : member(*list, "items")) {
    auto run = analysis::parse_analysis_run(item);
    if (!run) {
      // Someone edited a run into nonsense: it can only fail the gate.
      const std::string name = string_or(member(item, "metadata"), "name");
      observed.analysis_runs[name] = {"Error", run.error().describe()};
      continue;
    }
    // Measurements taken by this pass, per metric: each pass adds at most one to each metric,
    // counted with that metric's own phase.
    std::map<std::string, int> before;
    for (const auto& r : run->status.metric_results)
      before[r.name] = r.counts.measured + r.counts.error;
    const bool was_finished = run->finished();
    const auto progress = analysis::advance_run(*run, sources, now);
    if (progress.changed)
      changed_.insert(run->name);
    for (const auto& r : run->status.metric_results) {
      if (r.counts.measured + r.counts.error > before[r.name] && !r.measurements.empty())
        measured_.emplace_back(analysis::to_string(r.measurements.back().phase));
    }
    if (!was_finished && run->finished())
      finished_.push_back(phase_name(*run));
    if (progress.next_due)
      next_due = next_due ? std::min(*next_due, *progress.next_due) : *progress.next_due;
    observed.analysis_runs[run->name] = {phase_name(*run), analysis::describe_run(*run)};
    runs_.push_back(std::move(*run));
  }
  return next_due;
}

kube::Result<void> AnalysisDriver::persist(const Rollout& rollout, const Observed& observed,
                                           const Plan& plan, WallTime now) {
  for (const auto& action : plan.actions) {
    const auto* start = std::get_if<StartAnalysis>(&action);
    if (start == nullptr)
      continue;
    std::vector<kube::Json> policies;
    for (const auto& ref : start->ref.policies) {
      const kube::ResourceRef kind{"cutover.dev/v1alpha1",
                                   ref.cluster_scope ? "ClusterSLOPolicy" : "SLOPolicy",
                                   ref.cluster_scope ? "" : rollout.namespace_name};
      auto policy = client_.get(kind, ref.name);
      if (!policy && policy.error().reason != kube::ErrorReason::not_found)
        return std::unexpected(policy.error());
      policies.push_back(policy ? *policy : kube::Json());
    }
    auto created = client_.create(runs_ref(rollout.namespace_name),
                                  build_run(rollout, observed, *start, policies));
    if (!created && created.error().reason != kube::ErrorReason::already_exists)
      return std::unexpected(created.error());
  }
  for (auto& run : runs_) {
    if (run.finished())
      continue;
    const bool wanted = std::find(plan.active_analyses.begin(), plan.active_analyses.end(),
                                  run.name) != plan.active_analyses.end() ||
                        holds_at_gate(plan.status, run);
    if (!wanted) {
      analysis::terminate_run(run,
                              plan.status.abort ? "the rollout was aborted"
                              : plan.status.current_revision != run.spec.revision
                                  ? "a newer revision superseded it"
                                  : "the rollout moved past this gate",
                              now);
      changed_.insert(run.name);
      finished_.push_back(phase_name(run));
    }
  }
  if (auto pruned = prune(rollout); !pruned)
    return pruned;
  for (const auto& run : runs_) {
    if (!changed_.contains(run.name))
      continue;
    // Conditional on the version we measured: a second writer gets a conflict, not a merge.
    const kube::Json patch = {{"metadata", {{"resourceVersion", run.resource_version}}},
                              {"status", analysis::run_status_to_json(run.status)}};
    auto written = client_.patch(runs_ref(rollout.namespace_name), run.name,
                                 kube::PatchType::json_merge, patch, kube::kStatus);
    if (!written && written.error().reason != kube::ErrorReason::not_found)
      return std::unexpected(written.error());
  }
  return {};
}

kube::Result<void> AnalysisDriver::prune(const Rollout& rollout) {
  // Finished runs, oldest first; the limits count successful (and terminated) runs and
  // unsuccessful ones separately, as Argo Rollouts does.
  for (const bool successful : {true, false}) {
    const auto& limit = successful ? rollout.spec.successful_run_history_limit
                                   : rollout.spec.unsuccessful_run_history_limit;
    if (!limit)
      continue;
    std::vector<const AnalysisRun*> runs;
    for (const auto& run : runs_) {
      if (!run.finished() || changed_.contains(run.name))
        continue;
      const bool ok = run.status.terminated || run.status.phase == analysis::RunPhase::successful;
      if (ok == successful)
        runs.push_back(&run);
    }
    if (runs.size() <= static_cast<std::size_t>(*limit))
      continue;
    std::sort(runs.begin(), runs.end(), [](const AnalysisRun* a, const AnalysisRun* b) {
      return a->status.finished_at.value_or(WallTime{}) <
             b->status.finished_at.value_or(WallTime{});
    });
    for (std::size_t i = 0; i + static_cast<std::size_t>(*limit) < runs.size(); ++i) {
      auto removed = client_.remove(runs_ref(rollout.namespace_name), runs[i]->name);
      if (!removed && removed.error().reason != kube::ErrorReason::not_found)
        return std::unexpected(removed.error());
    }
  }
  return {};
}

}  // namespace cutover::rollout
