// The AnalysisRun objects the driver builds for a gate (pure), and which runs it keeps.
#include "rollout/analysis_driver.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/analysis_run.hpp"
#include "fakes/fake_kube_client.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_world.hpp"
#include "util/encoding.hpp"
#include "util/yaml_json.hpp"

namespace cutover::rollout {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

TEST(AnalysisDriverBuildRunTest, RendersQueriesWithTheRolloutValues) {
  const Rollout r = rollout_mid_release();
  const Json object = AnalysisDriver::build_run(
      r, start({{"errors", false}, {"burn", true}}, {{"path", "/checkout"}}),
      {policy(kErrorRate), policy(kBurn)});
  EXPECT_EQ(object["kind"], "AnalysisRun");
  EXPECT_EQ(object["metadata"]["name"], "web-rev-1-step-1");
  EXPECT_EQ(object["metadata"]["namespace"], "shop");
  EXPECT_EQ(object["metadata"]["labels"]["cutover.dev/rollout"], "web");
  EXPECT_EQ(object["metadata"]["labels"]["cutover.dev/gate"], "step-1");
  EXPECT_EQ(object["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  const auto run = parse_run(object);
  ASSERT_TRUE(run.spec.error.empty()) << run.spec.error;
  EXPECT_EQ(run.spec.revision, r.status.current_revision);
  EXPECT_EQ(run.spec.policies, (std::vector<std::string>{"errors", "burn"}));
  EXPECT_EQ(run.spec.args, Json::parse(R"({"limit":"0.01","path":"/checkout"})"));
  EXPECT_EQ(run.spec.no_data_timeout, std::chrono::seconds{90});
  ASSERT_EQ(run.spec.metrics.size(), 2U);
  EXPECT_EQ(run.spec.metrics[0].key(), "errors/error-rate");
  const auto& t = std::get<analysis::ThresholdSpec>(run.spec.metrics[0].spec.judge);
  EXPECT_EQ(t.query, R"(sum(rate(x{pod=~"web-a-.*",path="/checkout"}[1m])))")
      << "stable is b, so the canary is a";
  EXPECT_EQ(t.success_condition, "result < 0.01");
  const auto& b = std::get<analysis::BurnRateSpec>(run.spec.metrics[1].spec.judge);
  EXPECT_EQ(b.error_query, R"(sum(rate(e{ns="shop",slot="b"}[{{window}}])))");
  EXPECT_EQ(b.total_query,
            fmt::format(R"(sum(rate(t{{rev="{}"}}[{{{{window}}}}])))", r.status.current_revision));
}

TEST(AnalysisDriverBuildRunTest, AnExplicitZeroNoDataTimeoutIsKept) {
  std::string zero = kErrorRate;
  zero.replace(zero.find("noDataTimeout: 90s"), 18, "noDataTimeout: 0s");
  const auto run = parse_run(AnalysisDriver::build_run(
      rollout_mid_release(), start({{"errors", false}}, {{"path", "/"}}), {policy(zero)}));
  ASSERT_TRUE(run.spec.error.empty()) << run.spec.error;
  EXPECT_EQ(run.spec.no_data_timeout, std::chrono::seconds{0}) << "0s means: judge at once";
  const auto defaulted = parse_run(
      AnalysisDriver::build_run(rollout_mid_release(), start({{"burn", true}}), {policy(kBurn)}));
  EXPECT_EQ(defaulted.spec.no_data_timeout, std::chrono::seconds{60}) << "the default";
}

TEST(AnalysisDriverBuildRunTest, MissingPolicyFailsTheRunWithTheFix) {
  const Json object =
      AnalysisDriver::build_run(rollout_mid_release(), start({{"nope", false}}), {Json()});
  const auto run = parse_run(object);
  EXPECT_THAT(run.spec.error, HasSubstr("SLOPolicy \"nope\" not found in namespace shop"));
  EXPECT_THAT(run.spec.error, HasSubstr("fix: create it"));
  EXPECT_THAT(run.spec.error, HasSubstr("step-1"));
  EXPECT_TRUE(run.spec.metrics.empty());
}

TEST(AnalysisDriverBuildRunTest, MissingClusterPolicyHasNoNamespace) {
  const auto run =
      parse_run(AnalysisDriver::build_run(rollout_mid_release(), start({{"gone", true}}), {}));
  EXPECT_THAT(run.spec.error, HasSubstr("ClusterSLOPolicy \"gone\" not found (fix:"));
}

TEST(AnalysisDriverBuildRunTest, MissingRequiredArgument) {
  const auto run = parse_run(AnalysisDriver::build_run(
      rollout_mid_release(), start({{"errors", false}}), {policy(kErrorRate)}));
  EXPECT_THAT(run.spec.error, HasSubstr("needs argument \"path\""));
  EXPECT_THAT(run.spec.error, HasSubstr("{name: path, value: ...}"));
}

TEST(AnalysisDriverBuildRunTest, UndeclaredRolloutArgument) {
  const auto run = parse_run(AnalysisDriver::build_run(
      rollout_mid_release(), start({{"errors", false}}, {{"path", "/"}, {"paht", "/x"}}),
      {policy(kErrorRate)}));
  EXPECT_THAT(run.spec.error, HasSubstr("analysis argument \"paht\" is not declared"));
}

TEST(AnalysisDriverBuildRunTest, InvalidPolicyFailsTheRun) {
  Json bad = policy(kErrorRate);
  bad["spec"]["metrics"][0]["threshold"]["successCondition"] = nullptr;
  const auto run = parse_run(AnalysisDriver::build_run(
      rollout_mid_release(), start({{"errors", false}}, {{"path", "/"}}), {bad}));
  EXPECT_THAT(run.spec.error, HasSubstr("spec.metrics[0].threshold"));
}

TEST(AnalysisDriverBuildRunTest, InjectedArgumentIsEscapedInsideQuotes) {
  const auto run = parse_run(AnalysisDriver::build_run(
      rollout_mid_release(), start({{"errors", false}}, {{"path", R"(x"} or vector(1) #)"}}),
      {policy(kErrorRate)}));
  ASSERT_TRUE(run.spec.error.empty()) << run.spec.error;
  const auto& t = std::get<analysis::ThresholdSpec>(run.spec.metrics[0].spec.judge);
  EXPECT_THAT(t.query, HasSubstr(R"(path="x\"} or vector(1) #")"));
}

TEST(AnalysisDriverBuildRunTest, InjectedArgumentOutsideQuotesFailsTheRun) {
  const auto run = parse_run(AnalysisDriver::build_run(
      rollout_mid_release(), start({{"errors", false}}, {{"path", "/"}, {"limit", "1 or 1"}}),
      {policy(kErrorRate)}));
  EXPECT_THAT(run.spec.error, HasSubstr("metric error-rate"));
  EXPECT_THAT(run.spec.error, HasSubstr("outside quotes"));
}

TEST(AnalysisDriverBuildRunTest, RolloutArgumentOverridesTheDefault) {
  const auto run = parse_run(AnalysisDriver::build_run(
      rollout_mid_release(), start({{"errors", false}}, {{"path", "/"}, {"limit", "0.2"}}),
      {policy(kErrorRate)}));
  const auto& t = std::get<analysis::ThresholdSpec>(run.spec.metrics[0].spec.judge);
  EXPECT_EQ(t.success_condition, "result < 0.2");
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

}  // namespace
}  // namespace cutover::rollout
