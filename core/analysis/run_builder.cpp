#include "analysis/run_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "analysis/expression.hpp"

namespace cutover::analysis {

namespace {

// A regex for a slot's current pods (`<rollout>-<slot>-<hash>-.*`); without a hash, every pod
// of the slot.
std::string pods_pattern(const GateTarget& target, const std::string& slot,
                         const std::string& pod_template_hash) {
  return fmt::format("{}-{}-{}.*", target.rollout, slot,
                     pod_template_hash.empty() ? "" : pod_template_hash + "-");
}

// Renders every template of a metric; `window` stays for the burn-rate measurement. A rendered
// condition is parsed here: the policy's parser could not check one that had placeholders.
std::expected<void, std::string> render_metric(MetricSpec& metric, const TemplateValues& values) {
  const auto render = [&](std::string& text) -> std::expected<void, std::string> {
    auto rendered = render_template(text, values, {"window"});
    if (!rendered)
      return std::unexpected(rendered.error());
    text = std::move(*rendered);
    return {};
  };
  std::vector<std::string*> texts;
  if (auto* t = std::get_if<ThresholdSpec>(&metric.judge)) {
    texts = {&t->query, &t->success_condition, &t->failure_condition};
  } else if (auto* b = std::get_if<BurnRateSpec>(&metric.judge)) {
    texts = {&b->error_query, &b->total_query};
  } else {
    auto& c = std::get<CompareSpec>(metric.judge);
    texts = {&c.canary_query, &c.baseline_query};
  }
  for (std::string* text : texts) {
    if (auto ok = render(*text); !ok)
      return ok;
  }
  if (const auto* t = std::get_if<ThresholdSpec>(&metric.judge)) {
    for (const auto& [field, condition] : {std::pair{"successCondition", &t->success_condition},
                                           std::pair{"failureCondition", &t->failure_condition}}) {
      if (condition->empty())
        continue;
      if (auto parsed = Expression::parse(*condition); !parsed) {
        return std::unexpected(fmt::format(
            "threshold.{} \"{}\" once rendered: {} (fix: give the arguments it uses numbers, "
            "e.g. 0.01)",
            field, *condition, parsed.error().message));
      }
    }
  }
  return {};
}

}  // namespace

TemplateValues gate_template_values(const GateTarget& target) {
  TemplateValues values{
      {"rollout.stablePods", pods_pattern(target, target.stable_slot, target.stable_pod_hash)},
      {"rollout.canaryPods", pods_pattern(target, target.canary_slot, target.canary_pod_hash)},
      {"rollout.name", target.rollout},
      {"rollout.namespace", target.namespace_name},
      {"rollout.stableRevision", target.stable_revision},
      {"rollout.currentRevision", target.current_revision},
      {"rollout.stableSlot", target.stable_slot},
      {"rollout.canarySlot", target.canary_slot}};
  // Only where there is a flag: elsewhere {{flag.*}} stays unset, an error naming it.
  if (!target.flag_key.empty()) {
    values.emplace("flag.key", target.flag_key);
    values.emplace("flag.variant", target.flag_variant);
    values.emplace("flag.otherVariant", target.flag_other_variant);
    values.emplace("flag.featureFlag", target.feature_flag);
  }
  if (!target.migration_from.empty()) {
    values.emplace("migration.from", target.migration_from);
    values.emplace("migration.to", target.migration_to);
    values.emplace("migration.path", target.migration_path);
    values.emplace("migration.pathRegex", target.migration_path_regex);
  }
  return values;
}

RunSpec build_run_spec(const GateTarget& target, std::string_view gate,
                       const std::vector<GatePolicy>& policies, const std::vector<GateArg>& args) {
  RunSpec spec;
  spec.rollout = target.rollout;
  spec.revision = target.current_revision;
  spec.gate = gate;
  const TemplateValues rollout_values = gate_template_values(target);
  std::set<std::string> declared;
  // The longest wait of the run's policies; an explicit noDataTimeout: 0s means "no wait".
  std::optional<std::chrono::milliseconds> no_data;
  int retention = 1;
  for (const GatePolicy& entry : policies) {
    const PolicyLocator& ref = entry.ref;
    const std::string kind = ref.cluster_scope ? "ClusterSLOPolicy" : "SLOPolicy";
    spec.policies.push_back(ref.name);
    if (!spec.error.empty())
      continue;
    if (!entry.found) {
      spec.error = fmt::format(
          "{} \"{}\" not found{} (fix: create it, e.g. kubectl apply -f policies/{}.yaml, or "
          "correct the name in the Rollout's {} analysis)",
          kind, ref.name, ref.cluster_scope ? "" : " in namespace " + target.namespace_name,
          ref.name, gate);
      continue;
    }
    if (!*entry.found) {
      spec.error = entry.found->error().describe();
      continue;
    }
    const SloPolicy& policy = **entry.found;
    no_data = std::max(no_data.value_or(policy.no_data_timeout), policy.no_data_timeout);
    retention = std::max(retention, policy.measurement_retention);
    TemplateValues values = rollout_values;
    for (const auto& arg : policy.args) {
      declared.insert(arg.name);
      const auto given = std::find_if(args.begin(), args.end(),
                                      [&](const GateArg& a) { return a.name == arg.name; });
      if (given != args.end()) {
        values["args." + arg.name] = given->value;
      } else if (arg.value) {
        values["args." + arg.name] = *arg.value;
      } else {
        spec.error = fmt::format(
            "{} \"{}\" needs argument \"{}\" (fix: add {{name: {}, value: ...}} to the args of "
            "the Rollout's {} analysis)",
            kind, ref.name, arg.name, arg.name, gate);
        break;
      }
      spec.args[arg.name] = values["args." + arg.name];
    }
    if (!spec.error.empty())
      continue;
    for (MetricSpec metric : policy.metrics) {
      if (auto ok = render_metric(metric, values); !ok) {
        spec.error =
            fmt::format("{} \"{}\" metric {}: {}", kind, ref.name, metric.name, ok.error());
        break;
      }
      spec.metrics.push_back(RunMetric{ref.name, std::move(metric), policy.provider});
    }
  }
  if (spec.error.empty()) {
    for (const auto& arg : args) {
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
  return spec;
}

}  // namespace cutover::analysis
