// AnalysisRun objects: spec and status survive a trip through JSON.
#include "analysis/analysis_run.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/encoding.hpp"

namespace cutover::analysis {
namespace {

using ::testing::HasSubstr;

WallTime at(const char* text) {
  return *parse_rfc3339(text);
}

RunSpec sample_spec() {
  RunSpec spec;
  spec.rollout = "web";
  spec.revision = "abc123def0";
  spec.gate = "step-2";
  spec.policies = {"http-error-rate", "latency"};
  spec.args = {{"max-error-rate", "0.01"}};
  spec.no_data_timeout = std::chrono::seconds{90};
  MetricSpec threshold;
  threshold.name = "error-rate";
  threshold.interval = std::chrono::seconds{10};
  threshold.limits.count = 3;
  threshold.limits.failure_limit = 1;
  threshold.judge = ThresholdSpec{R"(sum(rate(x{pod=~"web-b-.*"}[30s])))", "result < 0.01", ""};
  MetricSpec burn;
  burn.name = "burn";
  burn.dry_run = true;
  burn.judge = BurnRateSpec{99.9, "e[{{window}}]", "t[{{window}}]", {}, 0.01};
  PrometheusProvider provider;
  provider.address = "http://prom:9090";
  provider.bearer_token = SecretKeyRef{"prom", "token"};
  spec.metrics = {RunMetric{"http-error-rate", threshold, provider},
                  RunMetric{"latency", burn, PrometheusProvider{}}};
  return spec;
}

Json run_object(const RunSpec& spec, const RunStatus& status) {
  return {{"apiVersion", "cutover.dev/v1alpha1"},
          {"kind", "AnalysisRun"},
          {"metadata",
           {{"name", "web-abc-1-step-2"}, {"namespace", "shop"}, {"resourceVersion", "77"}}},
          {"spec", run_spec_to_json(spec)},
          {"status", run_status_to_json(status)}};
}

TEST(AnalysisRunTest, SpecRoundTrip) {
  const RunSpec spec = sample_spec();
  const auto run = parse_analysis_run(run_object(spec, RunStatus{}));
  ASSERT_TRUE(run.has_value()) << run.error().describe();
  EXPECT_EQ(run->name, "web-abc-1-step-2");
  EXPECT_EQ(run->namespace_name, "shop");
  EXPECT_EQ(run->resource_version, "77");
  const RunSpec& s = run->spec;
  EXPECT_EQ(s.rollout, "web");
  EXPECT_EQ(s.revision, spec.revision);
  EXPECT_EQ(s.gate, "step-2");
  EXPECT_EQ(s.policies, spec.policies);
  EXPECT_EQ(s.args, spec.args);
  EXPECT_EQ(s.no_data_timeout, std::chrono::seconds{90});
  ASSERT_EQ(s.metrics.size(), 2U);
  EXPECT_EQ(s.metrics[0].key(), "http-error-rate/error-rate");
  EXPECT_EQ(s.metrics[1].key(), "latency/burn");
  EXPECT_EQ(s.metrics[0].provider.address, "http://prom:9090");
  EXPECT_EQ(s.metrics[0].provider.bearer_token, (SecretKeyRef{"prom", "token"}));
  EXPECT_TRUE(s.metrics[1].spec.dry_run);
  EXPECT_EQ(run_spec_to_json(s), run_spec_to_json(spec));
  EXPECT_TRUE(s.error.empty());
}

TEST(AnalysisRunTest, SpecErrorRoundTrips) {
  RunSpec spec;
  spec.rollout = "web";
  spec.error = "SLOPolicy \"x\" not found";
  const auto run = parse_analysis_run(run_object(spec, RunStatus{}));
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->spec.error, spec.error);
  EXPECT_TRUE(run->spec.metrics.empty());
}

RunStatus sample_status() {
  RunStatus status;
  status.phase = RunPhase::failed;
  status.message = "Failed: http-error-rate/error-rate: ...";
  status.started_at = at("2026-11-22T10:00:00Z");
  status.finished_at = at("2026-11-22T10:00:30Z");
  MetricResult r;
  r.name = "http-error-rate/error-rate";
  r.phase = RunPhase::failed;
  r.message = "result 0.2 >= 0.01";
  r.counts = MetricCounts{3, 1, 2, 0, 1, 0};
  r.last_attempt_at = at("2026-11-22T10:00:30Z");
  r.measurements = {Measurement{at("2026-11-22T10:00:00Z"), at("2026-11-22T10:00:01Z"),
                                MeasurementPhase::successful, "0.001", ""},
                    Measurement{at("2026-11-22T10:00:10Z"), at("2026-11-22T10:00:10Z"),
                                MeasurementPhase::error, "", "cannot reach Prometheus"},
                    Measurement{at("2026-11-22T10:00:20Z"), at("2026-11-22T10:00:20Z"),
                                MeasurementPhase::failed, "[0.2, 0.3]", "result 0.2 >= 0.01"}};
  MetricResult dry;
  dry.name = "latency/burn";
  dry.phase = RunPhase::running;
  dry.dry_run = true;
  dry.waiting_for_data_since = at("2026-11-22T10:00:05Z");
  status.metric_results = {r, dry};
  return status;
}

TEST(AnalysisRunTest, StatusRoundTrip) {
  const RunStatus status = sample_status();
  const auto run = parse_analysis_run(run_object(sample_spec(), status));
  ASSERT_TRUE(run.has_value());
  const RunStatus& s = run->status;
  EXPECT_EQ(s.phase, RunPhase::failed);
  EXPECT_FALSE(s.terminated);
  EXPECT_TRUE(run->finished());
  EXPECT_EQ(s.started_at, status.started_at);
  EXPECT_EQ(s.finished_at, status.finished_at);
  ASSERT_EQ(s.metric_results.size(), 2U);
  const auto& r = s.metric_results[0];
  EXPECT_EQ(r.counts.measured, 3);
  EXPECT_EQ(r.counts.successful, 1);
  EXPECT_EQ(r.counts.failed, 2);
  EXPECT_EQ(r.counts.error, 1);
  ASSERT_EQ(r.measurements.size(), 3U);
  EXPECT_EQ(r.measurements[1].phase, MeasurementPhase::error);
  EXPECT_EQ(r.measurements[1].message, "cannot reach Prometheus");
  EXPECT_EQ(r.measurements[2].value, "[0.2, 0.3]");
  EXPECT_EQ(r.measurements[0].finished_at, at("2026-11-22T10:00:01Z"));
  EXPECT_EQ(r.last_attempt_at, status.metric_results[0].last_attempt_at);
  EXPECT_TRUE(s.metric_results[1].dry_run);
  EXPECT_EQ(s.metric_results[1].waiting_for_data_since, at("2026-11-22T10:00:05Z"));
  EXPECT_EQ(run_status_to_json(s), run_status_to_json(status));
}

TEST(AnalysisRunTest, TerminatedPhaseRoundTrips) {
  RunStatus status;
  status.phase = RunPhase::running;
  status.terminated = true;
  status.message = "terminated: the rollout was aborted";
  const Json json = run_status_to_json(status);
  EXPECT_EQ(json["phase"], "Terminated");
  const auto run = parse_analysis_run(run_object(sample_spec(), status));
  ASSERT_TRUE(run.has_value());
  EXPECT_TRUE(run->status.terminated);
  EXPECT_TRUE(run->finished());
  EXPECT_EQ(run_status_to_json(run->status)["phase"], "Terminated");
}

TEST(AnalysisRunTest, MissingStatusIsPending) {
  Json object = run_object(sample_spec(), RunStatus{});
  object.erase("status");
  const auto run = parse_analysis_run(object);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status.phase, RunPhase::pending);
  EXPECT_FALSE(run->finished());
  EXPECT_TRUE(run->status.metric_results.empty());
}

TEST(AnalysisRunTest, UnknownPhasesFallBack) {
  Json object = run_object(sample_spec(), sample_status());
  object["status"]["phase"] = "Exploded";
  object["status"]["metricResults"][0]["measurements"][0]["phase"] = "Meh";
  const auto run = parse_analysis_run(object);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status.phase, RunPhase::pending);
  EXPECT_EQ(run->status.metric_results[0].measurements[0].phase, MeasurementPhase::inconclusive);
}

TEST(AnalysisRunTest, MissingSpecIsAnError) {
  const auto run = parse_analysis_run(Json{{"metadata", {{"name", "r"}, {"namespace", "shop"}}}});
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error().field, "spec");
  EXPECT_EQ(run.error().object, "shop/r");
}

TEST(AnalysisRunTest, EditedMetricIsAFieldError) {
  Json object = run_object(sample_spec(), RunStatus{});
  object["spec"]["metrics"][1]["burnRate"]["objective"] = 100;
  const auto run = parse_analysis_run(object);
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error().field, "spec.metrics[1].burnRate.objective");
  EXPECT_EQ(run.error().kind, "AnalysisRun");
}

TEST(AnalysisRunTest, BadProviderIsAFieldError) {
  Json object = run_object(sample_spec(), RunStatus{});
  object["spec"]["metrics"][0]["provider"]["address"] = "ftp://x";
  const auto run = parse_analysis_run(object);
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error().field, "spec.metrics[0].provider.address");
  EXPECT_THAT(run.error().message, HasSubstr("not an http(s) URL"));
}

}  // namespace
}  // namespace cutover::analysis
