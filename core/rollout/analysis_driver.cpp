#include "rollout/analysis_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "analysis/prometheus_connection.hpp"
#include "analysis/query_template.hpp"
#include "analysis/slo_policy.hpp"
#include "rollout/slot.hpp"
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

// Renders every template of a metric; `window` stays for the burn-rate measurement.
std::expected<void, std::string> render_metric(analysis::MetricSpec& metric,
                                               const analysis::TemplateValues& values) {
  const auto render = [&](std::string& text) -> std::expected<void, std::string> {
    auto rendered = analysis::render_template(text, values, {"window"});
    if (!rendered)
      return std::unexpected(rendered.error());
    text = std::move(*rendered);
    return {};
  };
  std::vector<std::string*> texts;
  if (auto* t = std::get_if<analysis::ThresholdSpec>(&metric.judge)) {
    texts = {&t->query, &t->success_condition, &t->failure_condition};
  } else if (auto* b = std::get_if<analysis::BurnRateSpec>(&metric.judge)) {
    texts = {&b->error_query, &b->total_query};
  } else {
    auto& c = std::get<analysis::CompareSpec>(metric.judge);
    texts = {&c.canary_query, &c.baseline_query};
  }
  for (std::string* text : texts) {
    if (auto ok = render(*text); !ok)
      return ok;
  }
  return {};
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

kube::Json AnalysisDriver::build_run(const Rollout& rollout, const Observed& observed,
                                     const StartAnalysis& start,
                                     const std::vector<kube::Json>& policies) {
  analysis::RunSpec spec;
  spec.rollout = rollout.name;
  spec.revision = rollout.status.current_revision;
  spec.gate = start.gate;
  const auto& st = rollout.status;
  const Slot stable = st.stable_slot.value_or(Slot::a);
  // A regex for the slot's current pods; before any pod exists, every pod of the slot.
  const auto pods = [&](Slot slot) {
    const auto& hash = observed.slot(slot).pod_template_hash;
    return fmt::format("{}-{}-{}.*", rollout.name, to_string(slot), hash.empty() ? "" : hash + "-");
  };
  const analysis::TemplateValues rollout_values = {
      {"rollout.stablePods", pods(stable)},
      // The first deployment's gate judges the stable slot itself: it is the new version.
      {"rollout.canaryPods", pods(start.gate == "first-deploy" ? stable : other(stable))},
      {"rollout.name", rollout.name},
      {"rollout.namespace", rollout.namespace_name},
      {"rollout.stableRevision", st.stable_revision},
      {"rollout.currentRevision", template_revision(rollout.spec.pod_template)},
      {"rollout.stableSlot", std::string(to_string(stable))},
      {"rollout.canarySlot",
       std::string(to_string(start.gate == "first-deploy" ? stable : other(stable)))}};
  spec.revision = rollout_values.at("rollout.currentRevision");
  std::set<std::string> declared;
  // The longest wait of the run's policies; an explicit noDataTimeout: 0s means "no wait".
  std::optional<std::chrono::milliseconds> no_data;
  int retention = 1;
  for (std::size_t i = 0; i < start.ref.policies.size(); ++i) {
    const PolicyRef& ref = start.ref.policies[i];
    const std::string kind = ref.cluster_scope ? "ClusterSLOPolicy" : "SLOPolicy";
    spec.policies.push_back(ref.name);
    if (!spec.error.empty())
      continue;
    const kube::Json& object = i < policies.size() ? policies[i] : kube::Json();
    if (object.is_null()) {
      spec.error = fmt::format(
          "{} \"{}\" not found{} (fix: create it, e.g. kubectl apply -f policies/{}.yaml, or "
          "correct the name in the Rollout's {} analysis)",
          kind, ref.name, ref.cluster_scope ? "" : " in namespace " + rollout.namespace_name,
          ref.name, start.gate);
      continue;
    }
    auto policy = analysis::parse_slo_policy(object);
    if (!policy) {
      spec.error = policy.error().describe();
      continue;
    }
    no_data = std::max(no_data.value_or(policy->no_data_timeout), policy->no_data_timeout);
    retention = std::max(retention, policy->measurement_retention);
    analysis::TemplateValues values = rollout_values;
    for (const auto& arg : policy->args) {
      declared.insert(arg.name);
      const auto given = std::find_if(start.ref.args.begin(), start.ref.args.end(),
                                      [&](const AnalysisArg& a) { return a.name == arg.name; });
      if (given != start.ref.args.end()) {
        values["args." + arg.name] = given->value;
      } else if (arg.value) {
        values["args." + arg.name] = *arg.value;
      } else {
        spec.error = fmt::format(
            "{} \"{}\" needs argument \"{}\" (fix: add {{name: {}, value: ...}} to the args of "
            "the Rollout's {} analysis)",
            kind, ref.name, arg.name, arg.name, start.gate);
        break;
      }
      spec.args[arg.name] = values["args." + arg.name];
    }
    if (!spec.error.empty())
      continue;
    for (auto& metric : policy->metrics) {
      if (auto ok = render_metric(metric, values); !ok) {
        spec.error =
            fmt::format("{} \"{}\" metric {}: {}", kind, ref.name, metric.name, ok.error());
        break;
      }
      spec.metrics.push_back(analysis::RunMetric{ref.name, std::move(metric), policy->provider});
    }
  }
  if (spec.error.empty()) {
    for (const auto& arg : start.ref.args) {
      if (!declared.contains(arg.name)) {
        spec.error = fmt::format(
            "analysis argument \"{}\" is not declared by any of the policies (fix: remove it or "
            "correct its name)",
            arg.name);
      }
    }
  }
  if (no_data)
    spec.no_data_timeout = *no_data;
  spec.measurement_retention = retention;
  return {{"apiVersion", "cutover.dev/v1alpha1"},
          {"kind", "AnalysisRun"},
          {"metadata",
           {{"name", start.name},
            {"namespace", rollout.namespace_name},
            {"labels",
             {{kRolloutLabel, rollout.name},
              {"cutover.dev/revision", spec.revision},
              {analysis::kGateLabel, start.gate}}},
            // Owned by the Rollout (garbage-collected with it), but not controlled: deleting a
            // Rollout's runs is never part of a release.
            {"ownerReferences", kube::Json::array({{{"apiVersion", "cutover.dev/v1alpha1"},
                                                    {"kind", "Rollout"},
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
  auto list =
      client_.list_all(runs_ref(rollout.namespace_name),
                       {.label_selector = fmt::format("{}={}", kRolloutLabel, rollout.name)});
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
