#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "analysis/measurement.hpp"

namespace cutover::analysis {

/// A metric's limits, as Argo Rollouts' `count`, `failureLimit`, `inconclusiveLimit` and
/// `consecutiveErrorLimit`. `count` 0 (or negative) measures until the run is stopped; a
/// negative limit means no limit.
struct MetricLimits {
  int count = 1;
  int failure_limit = 0;
  int inconclusive_limit = 0;
  int consecutive_error_limit = 4;
};

/// Tallies of a metric's measurements. `measured` counts the measurements that produced a
/// verdict (successful + failed + inconclusive), which is what `count` is compared with, as in
/// Argo; errors are retried and do not use up the count.
struct MetricCounts {
  int measured = 0, successful = 0, failed = 0, inconclusive = 0, error = 0, consecutive_error = 0;
};

/// Tallies `phases`, oldest first; `consecutive_error` is the trailing run of Error.
MetricCounts count_measurements(std::span<const MeasurementPhase> phases);

/// A metric's (or a whole run's) phase, named as Argo names AnalysisPhase.
enum class RunPhase { pending, running, successful, failed, inconclusive, error };

/// "Pending", "Running", "Successful", "Failed", "Inconclusive", "Error".
std::string_view to_string(RunPhase phase);
/// The inverse of `to_string`; exact and case-sensitive.
std::optional<RunPhase> parse_run_phase(std::string_view text);

/// A metric's phase from its tallies, checked in this order (first match wins):
///
/// 1. no measurement at all → Pending;
/// 2. failed > failure_limit → Failed;
/// 3. inconclusive > inconclusive_limit → Inconclusive;
/// 4. consecutive_error > consecutive_error_limit → Error;
/// 5. count reached (count > 0 and measured >= count) → Successful;
/// 6. otherwise Running.
///
/// Argo v1.0's assessMetricStatus returns in exactly this order. Later Argo releases evaluate
/// all three limits and keep the last that is exceeded (Error over Inconclusive over Failed);
/// we keep Failed first on purpose, because a breached failure limit is the stronger verdict and
/// must abort a release rather than pause it.
RunPhase assess_metric(const MetricCounts& counts, const MetricLimits& limits);

/// A run's phase from its metrics' phases; dry-run metrics are ignored entirely. Any Failed →
/// Failed; else any Error → Error; else any Inconclusive → Inconclusive; else any Pending or
/// Running → Running; else Successful.
///
/// With no metric that gates (none, or only dry-run ones) the run is Successful: there is
/// nothing to hold the release on, and that is a configuration question for validation, not a
/// verdict to invent here. (Argo's dry-run metrics still keep a run Running until they finish;
/// ours do not, so a dry-run metric can never delay a release.)
RunPhase combine_metrics(std::span<const std::pair<RunPhase, bool /*dry_run*/>> metrics);

/// Successful, Failed, Inconclusive and Error are final; Pending and Running are not.
bool is_terminal(RunPhase phase);

}  // namespace cutover::analysis
