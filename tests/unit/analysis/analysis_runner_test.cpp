// The AnalysisRun runner with canned Prometheus answers: scheduling, "no data" grace, limits,
// errors and the verdict.
#include "analysis/analysis_runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "util/encoding.hpp"

namespace cutover::analysis {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

using Answer = std::expected<QueryResult, PrometheusError>;

QueryResult vector_of(std::vector<double> values) {
  QueryResult r;
  for (std::size_t i = 0; i < values.size(); ++i) {
    r.series.push_back(Series{{{"i", std::to_string(i)}}, {Sample{1, values[i]}}});
  }
  return r;
}

QueryResult matrix_of(std::vector<double> values) {
  QueryResult r;
  r.type = ResultType::matrix;
  Series s;
  for (std::size_t i = 0; i < values.size(); ++i)
    s.samples.push_back(Sample{static_cast<double>(i), values[i]});
  r.series.push_back(std::move(s));
  return r;
}

std::unexpected<PrometheusError> failure(PrometheusError::Kind kind, std::string type = "") {
  return std::unexpected(PrometheusError{kind, kind == PrometheusError::Kind::query ? 400 : 0,
                                         std::move(type), "canned failure"});
}

// Canned answers by query text; `answer` decides for queries not in the map.
class FakeSource final : public MetricsSource {
 public:
  std::map<std::string, Answer, std::less<>> answers;
  std::function<Answer(std::string_view)> answer = [](std::string_view q) -> Answer {
    return std::unexpected(PrometheusError{PrometheusError::Kind::query, 400, "bad_data",
                                           "no canned answer for " + std::string(q)});
  };
  std::vector<std::string> queries;
  std::vector<std::array<double, 3>> ranges;

  Answer query(std::string_view promql, std::optional<double>) override {
    queries.emplace_back(promql);
    const auto it = answers.find(promql);
    return it != answers.end() ? it->second : answer(promql);
  }
  Answer query_range(std::string_view promql, double start, double end, double step) override {
    ranges.push_back({start, end, step});
    return query(promql, std::nullopt);
  }
};

const WallTime t0 = *parse_rfc3339("2026-11-22T10:00:00Z");

MetricSpec threshold(const std::string& name, const std::string& query, const std::string& success,
                     int count = 3) {
  MetricSpec m;
  m.name = name;
  m.interval = 10s;
  m.limits.count = count;
  m.judge = ThresholdSpec{query, success, ""};
  return m;
}

struct Harness {
  std::shared_ptr<FakeSource> source = std::make_shared<FakeSource>();
  AnalysisRun run;
  SourceFactory factory = [this](const PrometheusProvider&)
      -> std::expected<std::shared_ptr<MetricsSource>, std::string> { return source; };

  explicit Harness(std::vector<MetricSpec> metrics, std::chrono::milliseconds no_data = 60s) {
    run.name = "web-abc-1-step-1";
    run.spec.rollout = "web";
    run.spec.no_data_timeout = no_data;
    for (auto& m : metrics)
      run.spec.metrics.push_back(RunMetric{"policy", std::move(m), {}});
  }
  RunProgress at(WallTime now) { return advance_run(run, factory, now); }
  const MetricResult& result(std::size_t i = 0) const { return run.status.metric_results.at(i); }
};

TEST(AnalysisRunnerTest, ThresholdPassesAfterCountMeasurements) {
  Harness h({threshold("err", "q", "result < 0.01")});
  h.source->answers["q"] = vector_of({0.001});
  auto p = h.at(t0);
  EXPECT_TRUE(p.changed);
  EXPECT_EQ(p.next_due, t0 + 10s);
  EXPECT_EQ(h.run.status.phase, RunPhase::running);
  EXPECT_EQ(h.run.status.started_at, t0);
  h.at(t0 + 10s);
  EXPECT_EQ(h.run.status.phase, RunPhase::running);
  p = h.at(t0 + 20s);
  EXPECT_EQ(h.run.status.phase, RunPhase::successful);
  EXPECT_EQ(h.result().counts.measured, 3);
  EXPECT_EQ(h.result().counts.successful, 3);
  EXPECT_EQ(h.result().measurements.size(), 3U);
  EXPECT_EQ(h.result().measurements[0].value, "0.001");
  EXPECT_FALSE(p.next_due.has_value());
  EXPECT_EQ(h.run.status.finished_at, t0 + 20s);
  EXPECT_TRUE(h.run.finished());
  EXPECT_EQ(h.source->queries.size(), 3U);
}

TEST(AnalysisRunnerTest, NothingIsMeasuredBeforeItIsDue) {
  Harness h({threshold("err", "q", "result < 0.01")});
  h.source->answers["q"] = vector_of({0.001});
  h.at(t0);
  const auto p = h.at(t0 + 5s);
  EXPECT_FALSE(p.changed);
  EXPECT_EQ(p.next_due, t0 + 10s);
  EXPECT_EQ(h.source->queries.size(), 1U);
}

TEST(AnalysisRunnerTest, ThresholdFailsAtTheFailureLimit) {
  Harness h({threshold("err", "q", "result < 0.01")});
  h.run.spec.metrics[0].spec.limits.failure_limit = 1;
  h.source->answers["q"] = vector_of({0.2});
  h.at(t0);
  EXPECT_EQ(h.run.status.phase, RunPhase::running) << "one failure is within the limit";
  h.at(t0 + 10s);
  EXPECT_EQ(h.run.status.phase, RunPhase::failed);
  EXPECT_EQ(h.result().counts.failed, 2);
  EXPECT_THAT(describe_run(h.run), HasSubstr("Failed: policy/err:"));
  EXPECT_THAT(h.run.status.message, HasSubstr("2 failed"));
}

TEST(AnalysisRunnerTest, MixedPassAndFailWithinCount) {
  Harness h({threshold("err", "q", "result < 0.01")});
  h.run.spec.metrics[0].spec.limits.failure_limit = 1;
  h.source->answers["q"] = vector_of({0.001});
  h.at(t0);
  h.source->answers["q"] = vector_of({0.5});
  h.at(t0 + 10s);
  h.source->answers["q"] = vector_of({0.001});
  h.at(t0 + 20s);
  EXPECT_EQ(h.run.status.phase, RunPhase::successful);
  EXPECT_EQ(h.result().counts.failed, 1);
  EXPECT_EQ(h.result().counts.successful, 2);
}

TEST(AnalysisRunnerTest, NoDataIsWaitedOutWithoutAMeasurement) {
  Harness h({threshold("err", "q", "result < 0.01")});
  h.source->answers["q"] = QueryResult{};
  auto p = h.at(t0);
  EXPECT_EQ(h.result().measurements.size(), 0U);
  EXPECT_EQ(h.result().counts.measured, 0);
  EXPECT_EQ(h.result().waiting_for_data_since, t0);
  EXPECT_EQ(h.result().phase, RunPhase::running);
  EXPECT_THAT(h.result().message, HasSubstr("no data yet"));
  EXPECT_EQ(p.next_due, t0 + 2s) << "look again soon while waiting for data";
  p = h.at(t0 + 2s);
  EXPECT_EQ(h.result().waiting_for_data_since, t0) << "kept from the first empty answer";
  EXPECT_EQ(p.next_due, t0 + 4s);
  h.source->answers["q"] = vector_of({0.001});
  p = h.at(t0 + 4s);
  EXPECT_FALSE(h.result().waiting_for_data_since.has_value());
  EXPECT_EQ(h.result().counts.measured, 1);
  EXPECT_EQ(p.next_due, t0 + 14s) << "back to the interval";
}

TEST(AnalysisRunnerTest, NoDataAfterTheTimeoutIsInconclusiveNeverSuccessful) {
  Harness h({threshold("err", "q", "result < 0.01", 1)}, 10s);
  h.source->answers["q"] = QueryResult{};
  for (auto t = t0; t < t0 + 10s; t += 2s) {
    h.at(t);
    ASSERT_EQ(h.result().measurements.size(), 0U);
  }
  h.at(t0 + 10s);
  ASSERT_EQ(h.result().measurements.size(), 1U);
  EXPECT_EQ(h.result().measurements[0].phase, MeasurementPhase::inconclusive);
  EXPECT_EQ(h.run.status.phase, RunPhase::inconclusive);
  EXPECT_NE(h.run.status.phase, RunPhase::successful);
}

TEST(AnalysisRunnerTest, TheWaitForDataStartsAfterTheInitialDelay) {
  // initialDelay 30s and noDataTimeout 10s: the metric may wait for data until 40s, not 10s
  // (counting from the run's start left no grace at all once initialDelay >= noDataTimeout).
  MetricSpec m = threshold("err", "q", "result < 0.01", 1);
  m.initial_delay = 30s;
  Harness h({m}, 10s);
  h.source->answers["q"] = QueryResult{};
  auto p = h.at(t0);
  EXPECT_EQ(h.source->queries.size(), 0U) << "nothing is measured during the initial delay";
  EXPECT_EQ(p.next_due, t0 + 30s);
  h.at(t0 + 30s);
  EXPECT_EQ(h.result().measurements.size(), 0U) << "no data at 30s is waited out";
  EXPECT_THAT(h.result().message, HasSubstr("no data yet"));
  h.at(t0 + 38s);
  EXPECT_EQ(h.result().measurements.size(), 0U);
  h.at(t0 + 40s);
  ASSERT_EQ(h.result().measurements.size(), 1U);
  EXPECT_EQ(h.run.status.phase, RunPhase::inconclusive);
}

TEST(AnalysisRunnerTest, ANoDataTimeoutOfZeroJudgesTheFirstEmptyAnswer) {
  Harness h({threshold("err", "q", "result < 0.01", 1)}, 0s);
  h.source->answers["q"] = QueryResult{};
  h.at(t0);
  ASSERT_EQ(h.result().measurements.size(), 1U);
  EXPECT_EQ(h.result().measurements[0].phase, MeasurementPhase::inconclusive);
  EXPECT_EQ(h.run.status.phase, RunPhase::inconclusive);
}

TEST(AnalysisRunnerTest, NoDataWithOnlyAFailureConditionIsNotAPass) {
  MetricSpec m = threshold("err", "q", "", 1);
  m.judge = ThresholdSpec{"q", "", "result > 0.5"};
  Harness h({m}, 0s);
  h.source->answers["q"] = QueryResult{};
  h.at(t0);
  EXPECT_EQ(h.run.status.phase, RunPhase::inconclusive);
}

TEST(AnalysisRunnerTest, NanResultIsNoDataNotAFailure) {
  // 0/0 (no requests in the window) is what error-rate queries give without traffic: no data,
  // waited out, and never a pass.
  Harness h({threshold("err", "q", "result < 0.01", 1)}, 10s);
  h.source->answers["q"] = vector_of({std::nan("")});
  h.at(t0);
  EXPECT_EQ(h.result().measurements.size(), 0U);
  EXPECT_TRUE(h.result().waiting_for_data_since.has_value());
  h.at(t0 + 10s);
  ASSERT_EQ(h.result().measurements.size(), 1U);
  EXPECT_EQ(h.result().measurements[0].phase, MeasurementPhase::inconclusive);
  EXPECT_EQ(h.result().measurements[0].value, "NaN");
  EXPECT_EQ(h.run.status.phase, RunPhase::inconclusive);
}

TEST(AnalysisRunnerTest, ErrorsDoNotUseUpTheCount) {
  Harness h({threshold("err", "q", "result < 0.01", 2)});
  h.source->answers["q"] = failure(PrometheusError::Kind::transport);
  auto t = t0;
  for (int i = 0; i < 3; ++i, t += 10s)
    h.at(t);
  EXPECT_EQ(h.result().counts.error, 3);
  EXPECT_EQ(h.result().counts.consecutive_error, 3);
  EXPECT_EQ(h.result().counts.measured, 0);
  EXPECT_EQ(h.run.status.phase, RunPhase::running);
  EXPECT_THAT(h.result().measurements.back().message, HasSubstr("cannot reach Prometheus"));
  h.source->answers["q"] = vector_of({0.001});
  h.at(t);
  EXPECT_EQ(h.run.status.phase, RunPhase::running) << "one judged measurement of two";
  EXPECT_EQ(h.result().counts.consecutive_error, 0);
  h.at(t + 10s);
  EXPECT_EQ(h.run.status.phase, RunPhase::successful);
  EXPECT_EQ(h.result().counts.measured, 2);
  EXPECT_EQ(h.result().counts.error, 3);
}

TEST(AnalysisRunnerTest, ConsecutiveErrorLimitErrorsTheMetric) {
  Harness h({threshold("err", "q", "result < 0.01", 5)});
  h.run.spec.metrics[0].spec.limits.consecutive_error_limit = 2;
  h.source->answers["q"] = failure(PrometheusError::Kind::timeout);
  h.at(t0);
  h.at(t0 + 10s);
  EXPECT_EQ(h.run.status.phase, RunPhase::running);
  h.at(t0 + 20s);
  EXPECT_EQ(h.result().phase, RunPhase::error);
  EXPECT_EQ(h.run.status.phase, RunPhase::error);
}

TEST(AnalysisRunnerTest, BadDataErrorsTheMetricAtOnce) {
  Harness h({threshold("err", "q", "result < 0.01", 5)});
  h.source->answers["q"] = failure(PrometheusError::Kind::query, "bad_data");
  const auto p = h.at(t0);
  EXPECT_EQ(h.result().phase, RunPhase::error);
  EXPECT_EQ(h.run.status.phase, RunPhase::error);
  EXPECT_FALSE(p.next_due.has_value());
  EXPECT_THAT(h.result().measurements[0].message, HasSubstr("bad_data"));
}

TEST(AnalysisRunnerTest, ExecutionErrorIsRetried) {
  Harness h({threshold("err", "q", "result < 0.01", 5)});
  h.source->answers["q"] = failure(PrometheusError::Kind::query, "execution");
  h.at(t0);
  EXPECT_EQ(h.run.status.phase, RunPhase::running);
}

TEST(AnalysisRunnerTest, MissingProviderIsAnErrorMeasurement) {
  Harness h({threshold("err", "q", "result < 0.01")});
  h.factory =
      [](const PrometheusProvider&) -> std::expected<std::shared_ptr<MetricsSource>, std::string> {
    return std::unexpected("Secret shop/prom: not found");
  };
  h.at(t0);
  ASSERT_EQ(h.result().measurements.size(), 1U);
  EXPECT_EQ(h.result().measurements[0].phase, MeasurementPhase::error);
  EXPECT_THAT(h.result().measurements[0].message, HasSubstr("Secret shop/prom"));
}

TEST(AnalysisRunnerTest, BadConditionIsAnError) {
  Harness h({threshold("err", "q", "result <<< 2")});
  h.source->answers["q"] = vector_of({1});
  h.at(t0);
  EXPECT_EQ(h.result().measurements[0].phase, MeasurementPhase::error);
  EXPECT_THAT(h.result().measurements[0].message, HasSubstr("condition"));
}

MetricSpec burn_rate() {
  MetricSpec m;
  m.name = "burn";
  m.interval = 10s;
  m.limits.count = 1;
  m.judge = BurnRateSpec{99.9,
                         "errors[{{window}}]",
                         "total[{{window}}]",
                         {BurnWindow{std::chrono::hours{1}, std::chrono::minutes{5}, 14.4}},
                         1.0};
  return m;
}

TEST(AnalysisRunnerTest, BurnRateRendersEachWindow) {
  Harness h({burn_rate()});
  h.source->answer = [](std::string_view q) -> Answer {
    return q.starts_with("total") ? vector_of({100}) : vector_of({0.01});
  };
  h.at(t0);
  EXPECT_THAT(h.source->queries,
              ::testing::ElementsAre("total[1h]", "errors[1h]", "total[5m]", "errors[5m]"));
  EXPECT_EQ(h.run.status.phase, RunPhase::successful);
}

TEST(AnalysisRunnerTest, BurnRateWithoutErrorSeriesIsZeroErrors) {
  Harness h({burn_rate()});
  h.source->answer = [](std::string_view q) -> Answer {
    return q.starts_with("total") ? vector_of({100}) : QueryResult{};
  };
  h.at(t0);
  ASSERT_EQ(h.result().measurements.size(), 1U);
  EXPECT_EQ(h.result().measurements[0].phase, MeasurementPhase::successful);
  EXPECT_THAT(h.result().measurements[0].value, HasSubstr("=0/0"));
}

TEST(AnalysisRunnerTest, BurnRateBurningFails) {
  Harness h({burn_rate()});
  h.source->answer = [](std::string_view q) -> Answer {
    return q.starts_with("total") ? vector_of({100}) : vector_of({50});
  };
  h.at(t0);
  EXPECT_EQ(h.run.status.phase, RunPhase::failed);
}

TEST(AnalysisRunnerTest, BurnRateWithoutTrafficIsNoData) {
  Harness h({burn_rate()});
  h.source->answer = [](std::string_view q) -> Answer {
    return q.starts_with("total") ? vector_of({0}) : QueryResult{};
  };
  h.at(t0);
  EXPECT_EQ(h.result().measurements.size(), 0U);
  EXPECT_TRUE(h.result().waiting_for_data_since.has_value());
  h.source->answer = [](std::string_view) -> Answer { return QueryResult{}; };
  h.at(t0 + 2s);
  EXPECT_EQ(h.result().measurements.size(), 0U) << "no total series at all is no data too";
  h.at(t0 + 60s);
  ASSERT_EQ(h.result().measurements.size(), 1U);
  EXPECT_NE(h.result().measurements[0].phase, MeasurementPhase::successful);
  EXPECT_NE(h.run.status.phase, RunPhase::successful);
}

TEST(AnalysisRunnerTest, BurnRateQueryErrorIsAnErrorMeasurement) {
  Harness h({burn_rate()});
  h.source->answer = [](std::string_view) -> Answer {
    return failure(PrometheusError::Kind::transport);
  };
  h.at(t0);
  EXPECT_EQ(h.result().measurements.at(0).phase, MeasurementPhase::error);
}

MetricSpec compare_metric() {
  MetricSpec m;
  m.name = "latency";
  m.interval = 30s;
  m.limits.count = 1;
  CompareSpec c;
  c.canary_query = "canary";
  c.baseline_query = "baseline";
  c.lookback = 2min;
  c.step = 10s;
  m.judge = c;
  return m;
}

TEST(AnalysisRunnerTest, CompareUsesRangeQueriesOverTheLookback) {
  Harness h({compare_metric()});
  h.run.status.started_at = t0 - 1h;  // long enough ago that the lookback is all of this run
  h.run.status.phase = RunPhase::running;
  h.source->answers["canary"] = matrix_of({1, 1.1, 0.9, 1, 1.05, 0.95, 1, 1.02, 0.98, 1});
  h.source->answers["baseline"] = matrix_of({1, 1.1, 0.9, 1, 1.05, 0.95, 1, 1.02, 0.98, 1});
  h.at(t0);
  ASSERT_EQ(h.source->ranges.size(), 2U);
  const double end = std::chrono::duration<double>(t0.time_since_epoch()).count();
  EXPECT_DOUBLE_EQ(h.source->ranges[0][1], end);
  EXPECT_DOUBLE_EQ(h.source->ranges[0][0], end - 120);
  EXPECT_DOUBLE_EQ(h.source->ranges[0][2], 10);
  EXPECT_EQ(h.run.status.phase, RunPhase::successful);
  EXPECT_THAT(h.result().measurements[0].value, HasSubstr("n=10/10"));
}

TEST(AnalysisRunnerTest, CompareCanaryMuchSlowerFails) {
  Harness h({compare_metric()});
  h.source->answers["canary"] = matrix_of({5, 5.5, 4.5, 5, 5.2, 4.8, 5, 5.1, 4.9, 5});
  h.source->answers["baseline"] = matrix_of({1, 1.1, 0.9, 1, 1.05, 0.95, 1, 1.02, 0.98, 1});
  h.at(t0);
  EXPECT_EQ(h.run.status.phase, RunPhase::failed);
}

TEST(AnalysisRunnerTest, ACriticalCompareFailureFailsAtOnceWhateverTheFailureLimit) {
  // failureLimit 3 tolerates ordinary failures; a critical one (mean ratio 5 >= criticalIncrease
  // 2) fails the metric on the spot, as a critical metric fails the whole canary in Kayenta.
  MetricSpec m = compare_metric();
  m.limits.count = 5;
  m.limits.failure_limit = 3;
  auto& c = std::get<CompareSpec>(m.judge);
  c.options.critical_increase = 2.0;
  Harness h({m});
  h.source->answers["canary"] = matrix_of({5, 5.5, 4.5, 5, 5.2, 4.8, 5, 5.1, 4.9, 5});
  h.source->answers["baseline"] = matrix_of({1, 1.1, 0.9, 1, 1.05, 0.95, 1, 1.02, 0.98, 1});
  h.at(t0);
  EXPECT_EQ(h.result().counts.failed, 1);
  EXPECT_EQ(h.run.status.phase, RunPhase::failed);
  EXPECT_THAT(h.result().measurements.at(0).message, HasSubstr("critical: "));

  // The same shift below the critical ratio is an ordinary failure, within the limit.
  c.options.critical_increase = 10.0;
  Harness tolerant({m});
  tolerant.source->answers = h.source->answers;
  tolerant.at(t0);
  EXPECT_EQ(tolerant.result().counts.failed, 1);
  EXPECT_EQ(tolerant.run.status.phase, RunPhase::running);

  // A dry-run metric records the critical failure and decides nothing.
  m.dry_run = true;
  c.options.critical_increase = 2.0;
  Harness dry({m});
  dry.source->answers = h.source->answers;
  dry.at(t0);
  EXPECT_EQ(dry.result().counts.failed, 1);
  EXPECT_NE(dry.result().phase, RunPhase::failed);
}

TEST(AnalysisRunnerTest, CompareWithoutDataWaits) {
  Harness h({compare_metric()});
  h.source->answers["canary"] = QueryResult{};
  h.source->answers["baseline"] = matrix_of({1, 2, 3});
  h.at(t0);
  EXPECT_EQ(h.result().measurements.size(), 0U);
  EXPECT_TRUE(h.result().waiting_for_data_since.has_value());
}

TEST(AnalysisRunnerTest, CompareBaselineErrorNamesTheQuery) {
  Harness h({compare_metric()});
  h.source->answers["canary"] = matrix_of({1, 2, 3});
  h.source->answers["baseline"] = failure(PrometheusError::Kind::timeout);
  h.at(t0);
  EXPECT_THAT(h.result().measurements.at(0).message, HasSubstr("baseline query: timed out"));
}

TEST(AnalysisRunnerTest, DryRunMetricsDoNotDecide) {
  MetricSpec dry = threshold("dry", "bad", "result < 0.01", 1);
  dry.dry_run = true;
  Harness h({dry, threshold("real", "good", "result < 0.01", 1)});
  h.source->answers["bad"] = vector_of({0.9});
  h.source->answers["good"] = vector_of({0.001});
  h.at(t0);
  EXPECT_EQ(h.result(0).phase, RunPhase::failed);
  EXPECT_TRUE(h.result(0).dry_run);
  EXPECT_EQ(h.result(1).phase, RunPhase::successful);
  EXPECT_EQ(h.run.status.phase, RunPhase::successful);
}

TEST(AnalysisRunnerTest, DryRunBadDataDoesNotDecide) {
  MetricSpec dry = threshold("dry", "bad", "result < 0.01", 1);
  dry.dry_run = true;
  Harness h({dry, threshold("real", "good", "result < 0.01", 2)});
  h.source->answers["bad"] = failure(PrometheusError::Kind::query, "bad_data");
  h.source->answers["good"] = vector_of({0.001});
  h.at(t0);
  EXPECT_EQ(h.run.status.phase, RunPhase::running);
  h.at(t0 + 10s);
  EXPECT_EQ(h.run.status.phase, RunPhase::successful);
}

TEST(AnalysisRunnerTest, MeasurementsAreCappedButCountsAreNot) {
  Harness h({threshold("err", "q", "result < 0.01", 0)});
  h.source->answers["q"] = vector_of({0.001});
  const int total = static_cast<int>(kMeasurementRetention) + 50;
  for (int i = 0; i < total; ++i)
    h.at(t0 + i * 10s);
  EXPECT_EQ(h.result().measurements.size(), kMeasurementRetention);
  EXPECT_EQ(h.result().counts.successful, total);
  EXPECT_EQ(h.result().measurements.back().started_at, t0 + (total - 1) * 10s);
  EXPECT_EQ(h.result().measurements.front().started_at, t0 + 50 * 10s);
  EXPECT_EQ(h.run.status.phase, RunPhase::running) << "count 0 measures until stopped";
}

TEST(AnalysisRunnerTest, TerminateStopsARunOnce) {
  Harness h({threshold("err", "q", "result < 0.01")});
  h.source->answers["q"] = vector_of({0.001});
  h.at(t0);
  terminate_run(h.run, "the rollout moved past this gate", t0 + 5s);
  EXPECT_TRUE(h.run.status.terminated);
  EXPECT_TRUE(h.run.finished());
  EXPECT_EQ(h.run.status.finished_at, t0 + 5s);
  EXPECT_EQ(h.run.status.message, "terminated: the rollout moved past this gate");
  EXPECT_EQ(describe_run(h.run), h.run.status.message);
  terminate_run(h.run, "again", t0 + 9s);
  EXPECT_EQ(h.run.status.finished_at, t0 + 5s);
  const auto p = h.at(t0 + 10s);
  EXPECT_FALSE(p.changed);
  EXPECT_FALSE(p.next_due.has_value());
  EXPECT_EQ(h.result().measurements.size(), 1U);
}

TEST(AnalysisRunnerTest, TerminateLeavesAFinishedRunAlone) {
  Harness h({threshold("err", "q", "result < 0.01", 1)});
  h.source->answers["q"] = vector_of({0.001});
  h.at(t0);
  ASSERT_EQ(h.run.status.phase, RunPhase::successful);
  terminate_run(h.run, "late", t0 + 1s);
  EXPECT_FALSE(h.run.status.terminated);
  EXPECT_EQ(h.run.status.finished_at, t0);
}

TEST(AnalysisRunnerTest, AdvancingAFinishedRunChangesNothing) {
  Harness h({threshold("err", "q", "result < 0.01", 1)});
  h.source->answers["q"] = vector_of({0.5});
  h.at(t0);
  ASSERT_EQ(h.run.status.phase, RunPhase::failed);
  const Json before = run_status_to_json(h.run.status);
  h.source->answers["q"] = vector_of({0.001});
  const auto p = h.at(t0 + 1h);
  EXPECT_FALSE(p.changed);
  EXPECT_FALSE(p.next_due.has_value());
  EXPECT_EQ(run_status_to_json(h.run.status), before);
  EXPECT_EQ(h.source->queries.size(), 1U);
}

TEST(AnalysisRunnerTest, InitialDelayPostponesTheFirstMeasurement) {
  MetricSpec m = threshold("err", "q", "result < 0.01");
  m.initial_delay = 30s;
  Harness h({m});
  h.source->answers["q"] = vector_of({0.001});
  auto p = h.at(t0);
  EXPECT_TRUE(h.source->queries.empty());
  EXPECT_EQ(p.next_due, t0 + 30s) << "due when the initial delay ends";
  p = h.at(t0 + 10s);
  EXPECT_TRUE(h.source->queries.empty());
  EXPECT_EQ(p.next_due, t0 + 30s);
  p = h.at(t0 + 30s);
  EXPECT_EQ(h.source->queries.size(), 1U);
  EXPECT_EQ(p.next_due, t0 + 40s);
}

TEST(AnalysisRunnerTest, NextDueIsTheEarliestMetric) {
  MetricSpec slow = threshold("slow", "q", "result < 0.01");
  slow.interval = 60s;
  MetricSpec fast = threshold("fast", "q", "result < 0.01");
  fast.interval = 15s;
  Harness h({slow, fast});
  h.source->answers["q"] = vector_of({0.001});
  auto p = h.at(t0);
  EXPECT_EQ(p.next_due, t0 + 15s);
  p = h.at(t0 + 15s);
  EXPECT_EQ(h.result(0).counts.measured, 1);
  EXPECT_EQ(h.result(1).counts.measured, 2);
  EXPECT_EQ(p.next_due, t0 + 30s);
}

TEST(AnalysisRunnerTest, SpecErrorFailsTheRunAtOnce) {
  Harness h({});
  h.run.spec.error = "SLOPolicy \"gone\" not found in namespace shop";
  const auto p = h.at(t0);
  EXPECT_TRUE(p.changed);
  EXPECT_EQ(h.run.status.phase, RunPhase::error);
  EXPECT_EQ(h.run.status.message, h.run.spec.error);
  EXPECT_TRUE(h.run.finished());
  EXPECT_FALSE(p.next_due.has_value());
}

TEST(AnalysisRunnerTest, RunWithoutMetricsIsAnError) {
  Harness h({});
  h.at(t0);
  EXPECT_EQ(h.run.status.phase, RunPhase::error);
  EXPECT_THAT(h.run.status.message, HasSubstr("no metrics"));
}

TEST(AnalysisRunnerTest, StateSurvivesAJsonRoundTripBetweenPasses) {
  // The operator reads the run back from the API server before every pass.
  Harness h({threshold("err", "q", "result < 0.01")});
  h.source->answers["q"] = QueryResult{};
  h.at(t0);
  Json object = {{"metadata", {{"name", h.run.name}}},
                 {"spec", run_spec_to_json(h.run.spec)},
                 {"status", run_status_to_json(h.run.status)}};
  auto parsed = parse_analysis_run(object);
  ASSERT_TRUE(parsed.has_value());
  h.run = *parsed;
  h.source->answers["q"] = vector_of({0.001});
  const auto p = h.at(t0 + 1s);
  EXPECT_FALSE(p.changed) << "not due before the 2 s retry";
  EXPECT_EQ(p.next_due, t0 + 2s);
  h.at(t0 + 2s);
  EXPECT_EQ(h.result().counts.measured, 1);
}

}  // namespace
}  // namespace cutover::analysis
