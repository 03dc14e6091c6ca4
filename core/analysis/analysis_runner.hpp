#pragma once
// Takes the measurements of an AnalysisRun when they fall due and re-assesses it. The queries
// are the only I/O, through `MetricsSource`; the rest (scheduling, "no data" grace, limits,
// the verdict) is deterministic in `now`, so it is unit-tested with canned answers.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "analysis/analysis_run.hpp"
#include "analysis/prometheus_client.hpp"

namespace cutover::analysis {

/// The source for a metric's provider (address, auth, TLS), or why there is none (a missing
/// Secret, a bad CA). The operator resolves Secrets here; tests return fakes.
using SourceFactory = std::function<std::expected<std::shared_ptr<MetricsSource>, std::string>(
    const PrometheusProvider& provider)>;

/// What one query attempt gave. `no_data` marks an attempt that found nothing to judge; the
/// caller decides whether it counts (after the policy's noDataTimeout) or is waited out.
struct Attempt {
  Measurement measurement;
  bool no_data = false;
  /// Prometheus refused the query itself (bad_data: a PromQL syntax error). Retrying cannot
  /// help, so the metric errors at once.
  bool fatal = false;
  /// A critical failure of a compare judge (criticalIncrease/criticalDecrease reached, or a
  /// critical metric without data under mustHaveData): the metric fails at once, whatever its
  /// failureLimit, as a critical metric fails the whole canary in Kayenta.
  bool critical = false;
};

/// One measurement of `metric` at `now` through `source`. A compare judge looks at no data
/// from before `data_since` (the run's start plus the metric's initialDelay), so samples of an
/// earlier release on the same slot never leak into this one.
Attempt measure(const RunMetric& metric, MetricsSource& source, WallTime now, WallTime data_since);

/// Fewer points than this in either sample is "not enough data yet" for the compare judge.
inline constexpr std::size_t kMinComparePoints = 5;

struct RunProgress {
  bool changed = false;
  /// When the next measurement falls due; none when the run is finished.
  std::optional<WallTime> next_due;
};

/// Takes every measurement due at `now`, updates the counts, the metric phases and the run's
/// phase. A finished run is never touched. Errors are measurements too (they count toward
/// consecutiveErrorLimit, not toward `count`), so a Prometheus outage can neither pass nor
/// silently stall a gate.
RunProgress advance_run(AnalysisRun& run, const SourceFactory& sources, WallTime now);

/// Stops a run that has not finished (the rollout was promoted, aborted or superseded).
void terminate_run(AnalysisRun& run, const std::string& reason, WallTime now);

/// One line about a run for status messages and events: its phase and the metric that decided
/// it, e.g. "Failed: http-error-rate/error-rate: result 0.2 >= 0.05 (2 of 3 failed)".
std::string describe_run(const AnalysisRun& run);

}  // namespace cutover::analysis
