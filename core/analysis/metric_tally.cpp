#include "analysis/metric_tally.hpp"

namespace cutover::analysis {

MetricCounts count_measurements(std::span<const MeasurementPhase> phases) {
  MetricCounts counts;
  for (const MeasurementPhase phase : phases) {
    switch (phase) {
      case MeasurementPhase::successful:
        ++counts.successful;
        break;
      case MeasurementPhase::failed:
        ++counts.failed;
        break;
      case MeasurementPhase::inconclusive:
        ++counts.inconclusive;
        break;
      case MeasurementPhase::error:
        ++counts.error;
        ++counts.consecutive_error;
        continue;
    }
    ++counts.measured;
    counts.consecutive_error = 0;
  }
  return counts;
}

std::string_view to_string(RunPhase phase) {
  switch (phase) {
    case RunPhase::pending:
      return "Pending";
    case RunPhase::running:
      return "Running";
    case RunPhase::successful:
      return "Successful";
    case RunPhase::failed:
      return "Failed";
    case RunPhase::inconclusive:
      return "Inconclusive";
    case RunPhase::error:
      return "Error";
  }
  return "Error";
}

std::optional<RunPhase> parse_run_phase(std::string_view text) {
  for (const RunPhase phase : {RunPhase::pending, RunPhase::running, RunPhase::successful,
                               RunPhase::failed, RunPhase::inconclusive, RunPhase::error}) {
    if (to_string(phase) == text) {
      return phase;
    }
  }
  return std::nullopt;
}

RunPhase assess_metric(const MetricCounts& counts, const MetricLimits& limits) {
  const auto exceeds = [](int value, int limit) { return limit >= 0 && value > limit; };
  if (counts.measured == 0 && counts.error == 0) {
    return RunPhase::pending;
  }
  if (exceeds(counts.failed, limits.failure_limit)) {
    return RunPhase::failed;
  }
  if (exceeds(counts.inconclusive, limits.inconclusive_limit)) {
    return RunPhase::inconclusive;
  }
  if (exceeds(counts.consecutive_error, limits.consecutive_error_limit)) {
    return RunPhase::error;
  }
  if (limits.count > 0 && counts.measured >= limits.count) {
    return RunPhase::successful;
  }
  return RunPhase::running;
}

RunPhase combine_metrics(std::span<const std::pair<RunPhase, bool>> metrics) {
  bool failed = false;
  bool error = false;
  bool inconclusive = false;
  bool running = false;
  for (const auto& [phase, dry_run] : metrics) {
    if (dry_run) {
      continue;
    }
    failed = failed || phase == RunPhase::failed;
    error = error || phase == RunPhase::error;
    inconclusive = inconclusive || phase == RunPhase::inconclusive;
    running = running || phase == RunPhase::pending || phase == RunPhase::running;
  }
  if (failed) {
    return RunPhase::failed;
  }
  if (error) {
    return RunPhase::error;
  }
  if (inconclusive) {
    return RunPhase::inconclusive;
  }
  if (running) {
    return RunPhase::running;
  }
  return RunPhase::successful;
}

bool is_terminal(RunPhase phase) {
  return phase != RunPhase::pending && phase != RunPhase::running;
}

}  // namespace cutover::analysis
