#pragma once
// `AnalysisRun` (cutover.dev/v1alpha1): one execution of the SLO gates for one gate of one
// release. The spec is a rendered, self-contained copy of the policies' metrics (so later edits
// of a policy never change what a past run measured); the status keeps every measurement and
// the verdict. Once finished it is never changed again: an audit record.

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/measurement.hpp"
#include "analysis/metric_tally.hpp"
#include "analysis/slo_policy.hpp"
#include "util/clock.hpp"
#include "util/spec_reader.hpp"

namespace cutover::analysis {

/// One metric of a run: a policy's metric with its queries rendered, and where to send them.
struct RunMetric {
  std::string policy;
  MetricSpec spec;
  PrometheusProvider provider;
  /// `policy/metric`: unique within the run.
  [[nodiscard]] std::string key() const { return policy + "/" + spec.name; }
};

inline constexpr std::size_t kMeasurementRetentionDefault = 100;

struct RunSpec {
  std::string rollout;
  std::string revision;
  std::string gate;  // step-N, background, pre-promotion, post-promotion
  std::vector<std::string> policies;
  Json args = Json::object();  // the resolved arguments, for the record
  std::chrono::milliseconds no_data_timeout{60'000};
  /// Measurements kept per metric; the largest of the policies' measurementRetention.
  int measurement_retention = static_cast<int>(kMeasurementRetentionDefault);
  std::vector<RunMetric> metrics;
  /// Set when the run could not be built (a missing policy or argument): the run is created
  /// failed with this message, so a misconfigured gate never passes.
  std::string error;
};

struct Measurement {
  WallTime started_at;
  WallTime finished_at;
  MeasurementPhase phase = MeasurementPhase::inconclusive;
  std::string value;  // as the judge saw it, e.g. "0.0042" or "[0.99, 180]"
  std::string message;
};

struct MetricResult {
  std::string name;  // RunMetric::key()
  RunPhase phase = RunPhase::pending;
  std::string message;
  MetricCounts counts;
  bool dry_run = false;
  /// The most recent measurements (up to kMeasurementRetention); `counts` covers all of them.
  std::vector<Measurement> measurements;
  std::optional<WallTime> waiting_for_data_since;
  /// The last query attempt, counted or not (a "no data yet" attempt is not a measurement).
  std::optional<WallTime> last_attempt_at;
};

struct RunStatus {
  RunPhase phase = RunPhase::pending;
  bool terminated = false;  // stopped before it finished: the rollout moved on
  std::string message;
  std::optional<WallTime> started_at;
  std::optional<WallTime> finished_at;
  std::vector<MetricResult> metric_results;
};

struct AnalysisRun {
  std::string name;
  std::string namespace_name;
  std::string resource_version;
  RunSpec spec;
  RunStatus status;
  [[nodiscard]] bool finished() const { return status.terminated || is_terminal(status.phase); }
};

inline constexpr std::size_t kMeasurementRetention = kMeasurementRetentionDefault;
inline constexpr const char* kGateLabel = "cutover.dev/gate";

std::expected<AnalysisRun, FieldError> parse_analysis_run(const Json& object);
Json run_spec_to_json(const RunSpec& spec);
Json run_status_to_json(const RunStatus& status);

}  // namespace cutover::analysis
