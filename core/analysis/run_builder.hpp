#pragma once
// The spec of a gate's AnalysisRun, built from its policies (parsed once, by the caller) and the
// values its templates read. Pure: the operator's `AnalysisDriver` and `deploy analyze` both
// build runs here, the first from a Rollout it reconciles, the second from flags.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analysis_run.hpp"
#include "analysis/query_template.hpp"
#include "analysis/slo_policy.hpp"
#include "util/spec_reader.hpp"

namespace cutover::analysis {

/// What a gate's `{{rollout.*}}` placeholders read (see `query_template.hpp`). Plain values, not
/// a `rollout::Rollout`, so a run can be built for a Rollout that does not exist.
struct GateTarget {
  std::string rollout;            // {{rollout.name}}, and the run's spec.rollout
  std::string namespace_name;     // {{rollout.namespace}}
  std::string stable_revision;    // {{rollout.stableRevision}}
  std::string current_revision;   // {{rollout.currentRevision}}, and the run's spec.revision
  std::string stable_slot = "a";  // {{rollout.stableSlot}}
  /// {{rollout.canarySlot}}: the slot judged as the new version (the stable slot itself for a
  /// first deployment's gate).
  std::string canary_slot = "b";
  /// The pod-template-hash of each slot's current ReplicaSet. `{{rollout.stablePods}}` and
  /// `{{rollout.canaryPods}}` match exactly those pods (`web-b-7d4f9c8b6-.*`); empty before any
  /// pod is observed, when they match every pod of the slot (`web-b-.*`).
  std::string stable_pod_hash;
  std::string canary_pod_hash;
  /// The flag a FlagRollout moves (or a Rollout's only bound flag): {{flag.key}},
  /// {{flag.variant}}, {{flag.otherVariant}}, {{flag.featureFlag}}. Empty: those placeholders
  /// are errors.
  std::string flag_key;
  std::string flag_variant;
  std::string flag_other_variant;
  std::string feature_flag;
  /// A Migration's {{migration.from}}, {{migration.to}}, {{migration.path}} and
  /// {{migration.pathRegex}}. Empty: those placeholders are errors.
  std::string migration_from;
  std::string migration_to;
  std::string migration_path;
  std::string migration_path_regex;
};

/// One policy a gate names, as the caller found it.
struct GatePolicy {
  PolicyLocator ref;
  /// The parsed policy, or why it does not parse; none when the policy does not exist.
  std::optional<std::expected<SloPolicy, FieldError>> found;
};

/// An argument the gate gives its policies (it overrides a policy's default).
struct GateArg {
  std::string name;
  std::string value;
};

/// The `{{rollout.*}}` values of `target`, by placeholder name.
TemplateValues gate_template_values(const GateTarget& target);

/// The rendered spec of the AnalysisRun of gate `gate` (step-N, background, ...): the metrics
/// of `policies` in order, each with its queries and conditions rendered from `target` and the
/// arguments (`args`, else the policy's default); the longest noDataTimeout and the largest
/// measurementRetention of the policies. Never fails: a missing or invalid policy, a missing or
/// undeclared argument, a value that cannot be rendered or a condition that does not parse once
/// rendered becomes `spec.error` (naming the policy, the field and the fix), so the run fails
/// instead of passing.
///
/// **Example**:
///
///     GateTarget target{.rollout = "web", .namespace_name = "shop"};
///     std::vector<GatePolicy> policies{{{false, "errors"}, parse_slo_policy(object)}};
///     RunSpec spec = build_run_spec(target, "step-1", policies, {{"path", "/checkout"}});
///     if (!spec.error.empty()) { /* the gate fails with spec.error */ }
RunSpec build_run_spec(const GateTarget& target, std::string_view gate,
                       const std::vector<GatePolicy>& policies, const std::vector<GateArg>& args);

}  // namespace cutover::analysis
