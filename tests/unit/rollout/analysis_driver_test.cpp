// The AnalysisRun objects the driver builds for a gate (pure), which runs it keeps, and what it
// measures.
#include "rollout/analysis_driver.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "analysis/analysis_run.hpp"
#include "fakes/fake_kube_client.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_world.hpp"
#include "util/encoding.hpp"
#include "util/yaml_json.hpp"

namespace cutover::rollout {
namespace {

using ::testing::HasSubstr;

Rollout rollout_mid_release() {
  auto parsed =
      parse_rollout(testing::canary_rollout_json(4, Json::array({{{"setWeight", 25}}}), "web:2"));
  EXPECT_TRUE(parsed.has_value());
  Rollout r = *parsed;
  r.uid = "uid-1";
  r.status.stable_slot = Slot::b;
  r.status.stable_revision = "1111111111";
  r.status.current_revision = template_revision(r.spec.pod_template);
  return r;
}

Json policy(const std::string& yaml) {
  auto documents = parse_yaml_documents(yaml);
  EXPECT_TRUE(documents.has_value());
  return documents ? documents->front() : Json();
}

const char* kErrorRate = R"(
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: errors, namespace: shop}
spec:
  args:
  - {name: limit, value: "0.01"}
  - {name: path}
  noDataTimeout: 90s
  metrics:
  - name: error-rate
    threshold:
      query: sum(rate(x{pod=~"{{rollout.name}}-{{rollout.canarySlot}}-.*",path="{{args.path}}"}[1m]))
      successCondition: result < {{args.limit}}
)";

const char* kBurn = R"(
kind: ClusterSLOPolicy
metadata: {name: burn}
spec:
  metrics:
  - name: burn
    burnRate:
      objective: 99.9
      errorQuery: sum(rate(e{ns="{{rollout.namespace}}",slot="{{rollout.stableSlot}}"}[{{window}}]))
      totalQuery: sum(rate(t{rev="{{rollout.currentRevision}}"}[{{ window }}]))
)";

StartAnalysis start(std::vector<PolicyRef> policies, std::vector<AnalysisArg> args = {}) {
  return StartAnalysis{"web-rev-1-step-1", "step-1", AnalysisRef{std::move(policies), args}};
}

analysis::AnalysisRun parse_run(const Json& object) {
  auto run = analysis::parse_analysis_run(object);
  EXPECT_TRUE(run.has_value()) << (run ? "" : run.error().describe());
  return run.value_or(analysis::AnalysisRun{});
}

// The spec itself is `analysis::build_run_spec`'s (tests/unit/analysis/run_builder_test.cpp);
// here, the object around it and the values the driver takes from the Rollout.
TEST(AnalysisDriverBuildRunTest, TheRunIsOwnedByTheRolloutAndLabelled) {
  const Rollout r = rollout_mid_release();
  const Json object = AnalysisDriver::build_run(
      r, start({{"errors", false}, {"burn", true}}, {{"path", "/checkout"}}),
      {policy(kErrorRate), policy(kBurn)});
  EXPECT_EQ(object["kind"], "AnalysisRun");
  EXPECT_EQ(object["metadata"]["name"], "web-rev-1-step-1");
  EXPECT_EQ(object["metadata"]["namespace"], "shop");
  EXPECT_EQ(object["metadata"]["labels"]["cutover.dev/rollout"], "web");
  EXPECT_EQ(object["metadata"]["labels"]["cutover.dev/gate"], "step-1");
  EXPECT_EQ(object["metadata"]["labels"]["cutover.dev/revision"], r.status.current_revision);
  EXPECT_EQ(object["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ(object["metadata"]["ownerReferences"][0]["blockOwnerDeletion"], false);
  const auto run = parse_run(object);
  ASSERT_TRUE(run.spec.error.empty()) << run.spec.error;
  EXPECT_EQ(run.spec.revision, r.status.current_revision);
  EXPECT_EQ(run.spec.policies, (std::vector<std::string>{"errors", "burn"}));
  ASSERT_EQ(run.spec.metrics.size(), 2U);
  const auto& t = std::get<analysis::ThresholdSpec>(run.spec.metrics[0].spec.judge);
  EXPECT_EQ(t.query, R"(sum(rate(x{pod=~"web-a-.*",path="/checkout"}[1m])))")
      << "stable is b, so the canary is a";
  const auto& b = std::get<analysis::BurnRateSpec>(run.spec.metrics[1].spec.judge);
  EXPECT_EQ(b.total_query,
            fmt::format(R"(sum(rate(t{{rev="{}"}}[{{{{window}}}}])))", r.status.current_revision));
}

TEST(AnalysisDriverBuildRunTest, MissingAndInvalidPoliciesFailTheRun) {
  EXPECT_THAT(parse_run(AnalysisDriver::build_run(rollout_mid_release(), start({{"nope", false}}),
                                                  {Json()}))
                  .spec.error,
              HasSubstr("SLOPolicy \"nope\" not found in namespace shop"));
  EXPECT_THAT(
      parse_run(AnalysisDriver::build_run(rollout_mid_release(), start({{"gone", true}}), {}))
          .spec.error,
      HasSubstr("ClusterSLOPolicy \"gone\" not found (fix:"))
      << "fewer objects than policies: the rest are missing";
  Json bad = policy(kErrorRate);
  bad["spec"]["metrics"][0]["threshold"]["successCondition"] = nullptr;
  EXPECT_THAT(
      parse_run(AnalysisDriver::build_run(rollout_mid_release(),
                                          start({{"errors", false}}, {{"path", "/"}}), {bad}))
          .spec.error,
      HasSubstr("spec.metrics[0].threshold"));
}

TEST(AnalysisDriverGateTargetTest, TakesTheRolloutsValuesAndTheObservedPods) {
  const Rollout r = rollout_mid_release();
  Observed observed;
  observed.slot(Slot::a).pod_template_hash = "7d4f9c8b6";
  observed.slot(Slot::b).pod_template_hash = "5c6d7e8f9";
  const analysis::GateTarget target = gate_target(r, observed, "step-1");
  EXPECT_EQ(target.rollout, "web");
  EXPECT_EQ(target.namespace_name, "shop");
  EXPECT_EQ(target.stable_revision, "1111111111");
  EXPECT_EQ(target.current_revision, template_revision(r.spec.pod_template));
  EXPECT_EQ(target.stable_slot, "b");
  EXPECT_EQ(target.canary_slot, "a");
  EXPECT_EQ(target.stable_pod_hash, "5c6d7e8f9");
  EXPECT_EQ(target.canary_pod_hash, "7d4f9c8b6");
}

TEST(AnalysisDriverGateTargetTest, TheFirstDeploymentsGateJudgesTheStableSlot) {
  Rollout r = rollout_mid_release();
  Observed observed;
  observed.slot(Slot::b).pod_template_hash = "5c6d7e8f9";
  const analysis::GateTarget target = gate_target(r, observed, "first-deploy");
  EXPECT_EQ(target.canary_slot, "b");
  EXPECT_EQ(target.canary_pod_hash, "5c6d7e8f9");
  r.status.stable_slot.reset();
  EXPECT_EQ(gate_target(r, Observed{}, "step-1").stable_slot, "a") << "no stable slot yet";
}

// A run of the gate the release is holding at, while the planner does not evaluate the gate
// this pass (spec.paused, or pods not ready at the step's weight).
TEST(AnalysisDriverPersistTest, RunOfTheHeldGateIsNotTerminated) {
  testing::FakeKubeClient client;
  Rollout r = rollout_mid_release();
  const StartAnalysis gate = start({{"errors", false}}, {{"path", "/"}});
  Json object = AnalysisDriver::build_run(r, gate, {policy(kErrorRate)});
  object["status"] = {{"phase", "Running"}, {"startedAt", "2026-11-22T10:00:00Z"}};
  const kube::ResourceRef runs{"cutover.dev/v1alpha1", "AnalysisRun", "shop"};
  client.seed(runs, object);

  AnalysisOptions options;
  options.sources = [](const analysis::PrometheusProvider&, const std::string&)
      -> std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> {
    return std::unexpected("no Prometheus in this test");
  };
  AnalysisDriver driver(client, options);
  Observed observed;
  const WallTime now = *parse_rfc3339("2026-11-22T10:00:05Z");
  ASSERT_TRUE(driver.measure(r, observed, now).has_value());
  ASSERT_EQ(observed.analysis_runs.at(gate.name).phase, "Running");

  Plan plan;  // the pass of a paused rollout: no gate evaluated, nothing active
  plan.status = r.status;
  plan.status.current_step_analysis = AnalysisStatus{gate.name, gate.gate, "Running", ""};
  ASSERT_TRUE(driver.persist(r, Observed{}, plan, now).has_value());
  const auto stored = client.get(runs, gate.name);
  ASSERT_TRUE(stored.has_value());
  EXPECT_NE(stored->value("status", Json::object()).value("phase", ""), "Terminated");
}

TEST(AnalysisDriverPersistTest, RunsOfAnAbortedReleaseAreTerminated) {
  testing::FakeKubeClient client;
  Rollout r = rollout_mid_release();
  const StartAnalysis gate = start({{"errors", false}}, {{"path", "/"}});
  Json object = AnalysisDriver::build_run(r, gate, {policy(kErrorRate)});
  object["status"] = {{"phase", "Running"}, {"startedAt", "2026-11-22T10:00:00Z"}};
  const kube::ResourceRef runs{"cutover.dev/v1alpha1", "AnalysisRun", "shop"};
  client.seed(runs, object);
  AnalysisOptions options;
  options.sources = [](const analysis::PrometheusProvider&, const std::string&)
      -> std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> {
    return std::unexpected("no Prometheus in this test");
  };
  AnalysisDriver driver(client, options);
  Observed observed;
  const WallTime now = *parse_rfc3339("2026-11-22T10:00:05Z");
  ASSERT_TRUE(driver.measure(r, observed, now).has_value());
  Plan plan;
  plan.status = r.status;
  plan.status.abort = true;
  plan.status.current_step_analysis = AnalysisStatus{gate.name, gate.gate, "Running", ""};
  ASSERT_TRUE(driver.persist(r, Observed{}, plan, now).has_value());
  const auto stored = client.get(runs, gate.name);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ((*stored)["status"]["phase"], "Terminated");
  EXPECT_THAT((*stored)["status"]["message"].get<std::string>(), HasSubstr("aborted"));
  EXPECT_EQ(driver.finished_runs(), (std::vector<std::string>{"Terminated"}))
      << "a terminated run is counted in cutover_analysis_runs_total";
}

TEST(AnalysisDriverPersistTest, RunsOfAPromotedReleaseAreTerminated) {
  testing::FakeKubeClient client;
  Rollout r = rollout_mid_release();
  const StartAnalysis gate{"web-rev-1-background", "background",
                           AnalysisRef{{{"errors", false}}, {{"path", "/"}}}};
  Json object = AnalysisDriver::build_run(r, gate, {policy(kErrorRate)});
  object["status"] = {{"phase", "Running"}, {"startedAt", "2026-11-22T10:00:00Z"}};
  const kube::ResourceRef runs{"cutover.dev/v1alpha1", "AnalysisRun", "shop"};
  client.seed(runs, object);
  AnalysisOptions options;
  options.sources = [](const analysis::PrometheusProvider&, const std::string&)
      -> std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> {
    return std::unexpected("no Prometheus in this test");
  };
  AnalysisDriver driver(client, options);
  Observed observed;
  const WallTime now = *parse_rfc3339("2026-11-22T10:00:05Z");
  ASSERT_TRUE(driver.measure(r, observed, now).has_value());
  Plan plan;
  plan.status = r.status;
  plan.status.stable_revision = plan.status.current_revision;  // promoted this pass
  plan.status.background_analysis = AnalysisStatus{gate.name, gate.gate, "Running", ""};
  ASSERT_TRUE(driver.persist(r, Observed{}, plan, now).has_value());
  const auto stored = client.get(runs, gate.name);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ((*stored)["status"]["phase"], "Terminated");
}

// Answers by query text, for the driver's measure pass.
class CannedSource final : public analysis::MetricsSource {
 public:
  std::map<std::string, double, std::less<>> values;
  std::expected<analysis::QueryResult, analysis::PrometheusError> query(
      std::string_view promql, std::optional<double>) override {
    analysis::QueryResult r;
    r.series.push_back(analysis::Series{{}, {analysis::Sample{1, values.at(std::string(promql))}}});
    return r;
  }
  std::expected<analysis::QueryResult, analysis::PrometheusError> query_range(
      std::string_view promql, double, double, double) override {
    return query(promql, std::nullopt);
  }
};

TEST(AnalysisDriverMeasureTest, EachMetricsMeasurementIsCountedWithItsOwnPhase) {
  // Two metrics measured in one pass, the first failing and the second passing: the metrics
  // must count one Failed and one Successful (they were once both read as the last one's).
  testing::FakeKubeClient client;
  Rollout r = rollout_mid_release();
  const char* kTwo = R"(
kind: SLOPolicy
metadata: {name: two, namespace: shop}
spec:
  metrics:
  - name: bad
    count: 3
    failureLimit: 5
    threshold: {query: bad_query, successCondition: result < 0.01}
  - name: good
    count: 3
    threshold: {query: good_query, successCondition: result < 0.01}
)";
  const StartAnalysis gate = start({{"two", false}});
  Json object = AnalysisDriver::build_run(r, gate, {policy(kTwo)});
  object["status"] = {{"phase", "Running"}, {"startedAt", "2026-11-22T10:00:00Z"}};
  const kube::ResourceRef runs{"cutover.dev/v1alpha1", "AnalysisRun", "shop"};
  client.seed(runs, object);
  auto source = std::make_shared<CannedSource>();
  source->values = {{"bad_query", 0.5}, {"good_query", 0.001}};
  AnalysisOptions options;
  int connections = 0;
  options.sources = [&](const analysis::PrometheusProvider&, const std::string&)
      -> std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> {
    ++connections;
    return source;
  };
  // Three passes, each a new driver over the stored run (as three reconciles are).
  for (const auto* at : {"2026-11-22T10:00:05Z", "2026-11-22T10:01:05Z", "2026-11-22T10:02:05Z"}) {
    AnalysisDriver driver(client, options);
    Observed observed;
    const WallTime now = *parse_rfc3339(at);
    ASSERT_TRUE(driver.measure(r, observed, now).has_value());
    EXPECT_EQ(driver.measurements(), (std::vector<std::string>{"Failed", "Successful"})) << at;
    EXPECT_EQ(connections, 1) << "one connection per provider and pass, not one per metric";
    connections = 0;
    Plan plan;
    plan.status = r.status;
    plan.active_analyses = {gate.name};
    ASSERT_TRUE(driver.persist(r, observed, plan, now).has_value());
  }
}

TEST(AnalysisDriverPersistTest, HistoryLimitsDeleteOnlyTheOldestFinishedRunsOfTheirKind) {
  testing::FakeKubeClient client;
  Rollout r = rollout_mid_release();
  r.spec.successful_run_history_limit = 1;
  const kube::ResourceRef runs{"cutover.dev/v1alpha1", "AnalysisRun", "shop"};
  const auto seed = [&](const std::string& name, const std::string& phase,
                        const std::string& finished) {
    Json object = AnalysisDriver::build_run(r, start({{"errors", false}}, {{"path", "/"}}),
                                            {policy(kErrorRate)});
    object["metadata"]["name"] = name;
    object["status"] = {
        {"phase", phase}, {"startedAt", "2026-11-22T09:00:00Z"}, {"finishedAt", finished}};
    client.seed(runs, object);
  };
  seed("web-old", "Successful", "2026-11-22T09:01:00Z");
  seed("web-newest", "Successful", "2026-11-22T09:03:00Z");
  seed("web-middle", "Successful", "2026-11-22T09:02:00Z");
  seed("web-failed-1", "Failed", "2026-11-22T09:00:30Z");
  seed("web-failed-2", "Failed", "2026-11-22T09:00:40Z");
  AnalysisOptions options;
  options.sources = [](const analysis::PrometheusProvider&, const std::string&)
      -> std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> {
    return std::unexpected("no Prometheus in this test");
  };
  AnalysisDriver driver(client, options);
  Observed observed;
  const WallTime now = *parse_rfc3339("2026-11-22T10:00:05Z");
  ASSERT_TRUE(driver.measure(r, observed, now).has_value());
  Plan plan;
  plan.status = r.status;
  ASSERT_TRUE(driver.persist(r, Observed{}, plan, now).has_value());
  EXPECT_FALSE(client.get(runs, "web-old").has_value());
  EXPECT_FALSE(client.get(runs, "web-middle").has_value());
  EXPECT_TRUE(client.get(runs, "web-newest").has_value()) << "the newest successful run is kept";
  EXPECT_TRUE(client.get(runs, "web-failed-1").has_value())
      << "no unsuccessfulRunHistoryLimit: every failed run is kept";
  EXPECT_TRUE(client.get(runs, "web-failed-2").has_value());

  // Without limits nothing is ever deleted.
  testing::FakeKubeClient keep;
  Rollout unlimited = rollout_mid_release();
  for (const auto* name : {"a", "b", "c"}) {
    Json object = AnalysisDriver::build_run(unlimited, start({{"errors", false}}, {{"path", "/"}}),
                                            {policy(kErrorRate)});
    object["metadata"]["name"] = name;
    object["status"] = {{"phase", "Successful"},
                        {"startedAt", "2026-11-22T09:00:00Z"},
                        {"finishedAt", "2026-11-22T09:01:00Z"}};
    keep.seed(runs, object);
  }
  AnalysisDriver keeper(keep, options);
  ASSERT_TRUE(keeper.measure(unlimited, observed, now).has_value());
  ASSERT_TRUE(keeper.persist(unlimited, Observed{}, plan, now).has_value());
  EXPECT_EQ(keep.calls["remove"], 0);
}

}  // namespace
}  // namespace cutover::rollout
