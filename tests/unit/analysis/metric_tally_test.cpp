#include "analysis/metric_tally.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace cutover::analysis {
namespace {

using M = MeasurementPhase;

TEST(MetricTallyTest, CountsAndTrailingErrors) {
  const std::vector<M> phases = {M::error,        M::successful, M::failed, M::error,
                                 M::inconclusive, M::error,      M::error};
  const MetricCounts counts = count_measurements(phases);
  EXPECT_EQ(counts.measured, 3);
  EXPECT_EQ(counts.successful, 1);
  EXPECT_EQ(counts.failed, 1);
  EXPECT_EQ(counts.inconclusive, 1);
  EXPECT_EQ(counts.error, 4);
  EXPECT_EQ(counts.consecutive_error, 2);

  const std::vector<M> recovered = {M::error, M::error, M::successful};
  EXPECT_EQ(count_measurements(recovered).consecutive_error, 0);
  EXPECT_EQ(count_measurements({}).measured, 0);
}

TEST(MetricTallyTest, NoMeasurementIsPending) {
  EXPECT_EQ(assess_metric({}, {}), RunPhase::pending);
}

TEST(MetricTallyTest, FailureLimitBoundary) {
  const MetricLimits limits{.count = 10, .failure_limit = 2};
  EXPECT_EQ(assess_metric({.measured = 2, .failed = 2}, limits), RunPhase::running);
  EXPECT_EQ(assess_metric({.measured = 3, .failed = 3}, limits), RunPhase::failed);
  EXPECT_EQ(assess_metric({.measured = 1, .failed = 1}, MetricLimits{}), RunPhase::failed);
}

TEST(MetricTallyTest, InconclusiveLimitBoundary) {
  const MetricLimits limits{.count = 10, .inconclusive_limit = 1};
  EXPECT_EQ(assess_metric({.measured = 1, .inconclusive = 1}, limits), RunPhase::running);
  EXPECT_EQ(assess_metric({.measured = 2, .inconclusive = 2}, limits), RunPhase::inconclusive);
}

TEST(MetricTallyTest, ConsecutiveErrorLimitBoundary) {
  const MetricLimits limits{.count = 3};
  EXPECT_EQ(assess_metric({.error = 4, .consecutive_error = 4}, limits), RunPhase::running);
  EXPECT_EQ(assess_metric({.error = 5, .consecutive_error = 5}, limits), RunPhase::error);
  // Errors that were followed by a verdict do not count.
  EXPECT_EQ(assess_metric({.measured = 1, .successful = 1, .error = 9}, limits), RunPhase::running);
}

TEST(MetricTallyTest, CountReachedIsSuccessfulEvenWithToleratedFailures) {
  const MetricLimits limits{.count = 3, .failure_limit = 1};
  EXPECT_EQ(assess_metric({.measured = 2, .successful = 2}, limits), RunPhase::running);
  EXPECT_EQ(assess_metric({.measured = 3, .successful = 2, .failed = 1}, limits),
            RunPhase::successful);
}

TEST(MetricTallyTest, ErrorsDoNotUseUpTheCount) {
  const MetricLimits limits{.count = 2};
  EXPECT_EQ(assess_metric({.measured = 1, .successful = 1, .error = 3}, limits), RunPhase::running);
}

TEST(MetricTallyTest, UnboundedCountRunsUntilALimit) {
  const MetricLimits limits{.count = 0};
  EXPECT_EQ(assess_metric({.measured = 1000, .successful = 1000}, limits), RunPhase::running);
  EXPECT_EQ(assess_metric({.measured = 1001, .successful = 1000, .failed = 1}, limits),
            RunPhase::failed);
}

TEST(MetricTallyTest, NegativeLimitMeansNoLimit) {
  const MetricLimits limits{
      .count = 100, .failure_limit = -1, .inconclusive_limit = -1, .consecutive_error_limit = -1};
  EXPECT_EQ(
      assess_metric(
          {.measured = 50, .failed = 40, .inconclusive = 10, .error = 99, .consecutive_error = 99},
          limits),
      RunPhase::running);
}

TEST(MetricTallyTest, FailedTakesPrecedenceOverInconclusiveAndError) {
  const MetricCounts counts{
      .measured = 4, .failed = 2, .inconclusive = 2, .error = 9, .consecutive_error = 9};
  EXPECT_EQ(assess_metric(counts, {}), RunPhase::failed);
  EXPECT_EQ(assess_metric(counts, {.failure_limit = 5}), RunPhase::inconclusive);
  EXPECT_EQ(assess_metric(counts, {.failure_limit = 5, .inconclusive_limit = 5}), RunPhase::error);
}

TEST(MetricTallyTest, RunPhaseNamesRoundTrip) {
  for (const auto phase : {RunPhase::pending, RunPhase::running, RunPhase::successful,
                           RunPhase::failed, RunPhase::inconclusive, RunPhase::error}) {
    EXPECT_EQ(parse_run_phase(to_string(phase)), phase);
  }
  EXPECT_EQ(to_string(RunPhase::pending), "Pending");
  EXPECT_FALSE(parse_run_phase("running").has_value());
}

TEST(MetricTallyTest, TerminalPhases) {
  EXPECT_FALSE(is_terminal(RunPhase::pending));
  EXPECT_FALSE(is_terminal(RunPhase::running));
  EXPECT_TRUE(is_terminal(RunPhase::successful));
  EXPECT_TRUE(is_terminal(RunPhase::failed));
  EXPECT_TRUE(is_terminal(RunPhase::inconclusive));
  EXPECT_TRUE(is_terminal(RunPhase::error));
}

using Metric = std::pair<RunPhase, bool>;

RunPhase combine(std::vector<Metric> metrics) {
  return combine_metrics(metrics);
}

TEST(MetricTallyTest, CombineTakesTheWorstPhase) {
  EXPECT_EQ(
      combine({{RunPhase::successful, false}, {RunPhase::failed, false}, {RunPhase::error, false}}),
      RunPhase::failed);
  EXPECT_EQ(combine({{RunPhase::inconclusive, false}, {RunPhase::error, false}}), RunPhase::error);
  EXPECT_EQ(combine({{RunPhase::running, false}, {RunPhase::inconclusive, false}}),
            RunPhase::inconclusive);
  EXPECT_EQ(combine({{RunPhase::successful, false}, {RunPhase::pending, false}}),
            RunPhase::running);
  EXPECT_EQ(combine({{RunPhase::successful, false}, {RunPhase::successful, false}}),
            RunPhase::successful);
  // A failure is final even while another metric still runs.
  EXPECT_EQ(combine({{RunPhase::running, false}, {RunPhase::failed, false}}), RunPhase::failed);
}

TEST(MetricTallyTest, CombineIgnoresDryRunMetrics) {
  EXPECT_EQ(combine({{RunPhase::successful, false}, {RunPhase::failed, true}}),
            RunPhase::successful);
  EXPECT_EQ(combine({{RunPhase::successful, false}, {RunPhase::running, true}}),
            RunPhase::successful);
  EXPECT_EQ(combine({{RunPhase::running, false}, {RunPhase::error, true}}), RunPhase::running);
}

TEST(MetricTallyTest, CombineWithNothingToGateIsSuccessful) {
  EXPECT_EQ(combine({}), RunPhase::successful);
  EXPECT_EQ(combine({{RunPhase::failed, true}}), RunPhase::successful);
}

}  // namespace
}  // namespace cutover::analysis
