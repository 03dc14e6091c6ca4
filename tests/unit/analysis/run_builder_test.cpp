// The spec of a gate's AnalysisRun: policies resolved and rendered from the gate's values, and
// every problem as spec.error (so the run fails rather than passes).
#include "analysis/run_builder.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/yaml_json.hpp"

namespace cutover::analysis {
namespace {

using ::testing::HasSubstr;

// Mid-release: stable is b, so the canary is a.
GateTarget web() {
  return {.rollout = "web",
          .namespace_name = "shop",
          .stable_revision = "1111111111",
          .current_revision = "2222222222",
          .stable_slot = "b",
          .canary_slot = "a"};
}

std::expected<SloPolicy, FieldError> parsed(const std::string& yaml) {
  auto documents = parse_yaml_documents(yaml);
  EXPECT_TRUE(documents.has_value());
  return parse_slo_policy(documents ? documents->front() : Json());
}

GatePolicy policy(const std::string& yaml) {
  auto found = parsed(yaml);
  const PolicyLocator ref =
      found ? PolicyLocator{found->cluster_scope, found->name} : PolicyLocator{false, "invalid"};
  return {ref, std::move(found)};
}

GatePolicy missing(const std::string& name, bool cluster_scope = false) {
  return {{cluster_scope, name}, std::nullopt};
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

const char* kPods = R"(
kind: SLOPolicy
metadata: {name: pods, namespace: shop}
spec:
  metrics:
  - name: pods
    threshold:
      query: up{canary=~"{{rollout.canaryPods}}",stable=~"{{rollout.stablePods}}",from="{{rollout.stableRevision}}"}
      successCondition: result > 0
)";

TEST(RunBuilderTest, RendersQueriesWithTheGateValues) {
  const RunSpec spec =
      build_run_spec(web(), "step-1", {policy(kErrorRate), policy(kBurn)}, {{"path", "/checkout"}});
  ASSERT_TRUE(spec.error.empty()) << spec.error;
  EXPECT_EQ(spec.rollout, "web");
  EXPECT_EQ(spec.revision, "2222222222");
  EXPECT_EQ(spec.gate, "step-1");
  EXPECT_EQ(spec.policies, (std::vector<std::string>{"errors", "burn"}));
  EXPECT_EQ(spec.args, Json::parse(R"({"limit":"0.01","path":"/checkout"})"));
  EXPECT_EQ(spec.no_data_timeout, std::chrono::seconds{90});
  ASSERT_EQ(spec.metrics.size(), 2U);
  EXPECT_EQ(spec.metrics[0].key(), "errors/error-rate");
  const auto& t = std::get<ThresholdSpec>(spec.metrics[0].spec.judge);
  EXPECT_EQ(t.query, R"(sum(rate(x{pod=~"web-a-.*",path="/checkout"}[1m])))");
  EXPECT_EQ(t.success_condition, "result < 0.01");
  const auto& b = std::get<BurnRateSpec>(spec.metrics[1].spec.judge);
  EXPECT_EQ(b.error_query, R"(sum(rate(e{ns="shop",slot="b"}[{{window}}])))");
  EXPECT_EQ(b.total_query, R"(sum(rate(t{rev="2222222222"}[{{window}}])))");
  ASSERT_TRUE(spec.metrics[1].provider.policy.has_value());
  EXPECT_EQ(*spec.metrics[1].provider.policy, (PolicyLocator{true, "burn"}))
      << "a redacted header is read back from the policy";
}

TEST(RunBuilderTest, PodPatternsSelectTheSlotsCurrentReplicaSet) {
  GateTarget target = web();
  const RunSpec whole_slots = build_run_spec(target, "step-1", {policy(kPods)}, {});
  ASSERT_TRUE(whole_slots.error.empty()) << whole_slots.error;
  EXPECT_EQ(std::get<ThresholdSpec>(whole_slots.metrics[0].spec.judge).query,
            R"(up{canary=~"web-a-.*",stable=~"web-b-.*",from="1111111111"})")
      << "before any pod is observed, every pod of the slot";
  target.canary_pod_hash = "7d4f9c8b6";
  target.stable_pod_hash = "5c6d7e8f9";
  const RunSpec current = build_run_spec(target, "step-1", {policy(kPods)}, {});
  EXPECT_EQ(std::get<ThresholdSpec>(current.metrics[0].spec.judge).query,
            R"(up{canary=~"web-a-7d4f9c8b6-.*",stable=~"web-b-5c6d7e8f9-.*",from="1111111111"})");
}

TEST(RunBuilderTest, TemplateValuesNameEveryRolloutPlaceholder) {
  const TemplateValues values = gate_template_values(web());
  EXPECT_EQ(values.at("rollout.name"), "web");
  EXPECT_EQ(values.at("rollout.namespace"), "shop");
  EXPECT_EQ(values.at("rollout.stableRevision"), "1111111111");
  EXPECT_EQ(values.at("rollout.currentRevision"), "2222222222");
  EXPECT_EQ(values.at("rollout.stableSlot"), "b");
  EXPECT_EQ(values.at("rollout.canarySlot"), "a");
  EXPECT_EQ(values.at("rollout.stablePods"), "web-b-.*");
  EXPECT_EQ(values.at("rollout.canaryPods"), "web-a-.*");
  for (const auto& [name, value] : values)
    EXPECT_TRUE(template_placeholders("{{" + name + "}}").has_value()) << name;
}

TEST(RunBuilderTest, AnExplicitZeroNoDataTimeoutIsKept) {
  std::string zero = kErrorRate;
  zero.replace(zero.find("noDataTimeout: 90s"), 18, "noDataTimeout: 0s");
  const RunSpec spec = build_run_spec(web(), "step-1", {policy(zero)}, {{"path", "/"}});
  ASSERT_TRUE(spec.error.empty()) << spec.error;
  EXPECT_EQ(spec.no_data_timeout, std::chrono::seconds{0}) << "0s means: judge at once";
  const RunSpec defaulted = build_run_spec(web(), "step-1", {policy(kBurn)}, {});
  EXPECT_EQ(defaulted.no_data_timeout, std::chrono::seconds{60}) << "the default";
}

TEST(RunBuilderTest, MissingPolicyFailsTheRunWithTheFix) {
  const RunSpec spec = build_run_spec(web(), "step-1", {missing("nope")}, {});
  EXPECT_THAT(spec.error, HasSubstr("SLOPolicy \"nope\" not found in namespace shop"));
  EXPECT_THAT(spec.error, HasSubstr("fix: create it"));
  EXPECT_THAT(spec.error, HasSubstr("step-1"));
  EXPECT_EQ(spec.policies, (std::vector<std::string>{"nope"}));
  EXPECT_TRUE(spec.metrics.empty());
}

TEST(RunBuilderTest, MissingClusterPolicyHasNoNamespace) {
  const RunSpec spec = build_run_spec(web(), "step-1", {missing("gone", true)}, {});
  EXPECT_THAT(spec.error, HasSubstr("ClusterSLOPolicy \"gone\" not found (fix:"));
}

TEST(RunBuilderTest, TheFirstProblemIsTheOneReported) {
  const RunSpec spec =
      build_run_spec(web(), "step-1", {missing("first"), missing("second")}, {{"path", "/"}});
  EXPECT_THAT(spec.error, HasSubstr("\"first\""));
  EXPECT_THAT(spec.error, ::testing::Not(HasSubstr("second")));
  EXPECT_EQ(spec.policies, (std::vector<std::string>{"first", "second"}))
      << "every policy is still named, for the record";
}

TEST(RunBuilderTest, MissingRequiredArgument) {
  const RunSpec spec = build_run_spec(web(), "step-1", {policy(kErrorRate)}, {});
  EXPECT_THAT(spec.error, HasSubstr("needs argument \"path\""));
  EXPECT_THAT(spec.error, HasSubstr("{name: path, value: ...}"));
}

TEST(RunBuilderTest, UndeclaredArgument) {
  const RunSpec spec =
      build_run_spec(web(), "step-1", {policy(kErrorRate)}, {{"path", "/"}, {"paht", "/x"}});
  EXPECT_THAT(spec.error, HasSubstr("analysis argument \"paht\" is not declared"));
}

TEST(RunBuilderTest, InvalidPolicyFailsTheRun) {
  auto documents = parse_yaml_documents(kErrorRate);
  ASSERT_TRUE(documents.has_value());
  Json bad = documents->front();
  bad["spec"]["metrics"][0]["threshold"]["successCondition"] = nullptr;
  const RunSpec spec = build_run_spec(web(), "step-1", {{{false, "errors"}, parse_slo_policy(bad)}},
                                      {{"path", "/"}});
  EXPECT_THAT(spec.error, HasSubstr("spec.metrics[0].threshold"));
  EXPECT_TRUE(spec.metrics.empty());
}

TEST(RunBuilderTest, InjectedArgumentIsEscapedInsideQuotes) {
  const RunSpec spec =
      build_run_spec(web(), "step-1", {policy(kErrorRate)}, {{"path", R"(x"} or vector(1) #)"}});
  ASSERT_TRUE(spec.error.empty()) << spec.error;
  const auto& t = std::get<ThresholdSpec>(spec.metrics[0].spec.judge);
  EXPECT_THAT(t.query, HasSubstr(R"(path="x\"} or vector(1) #")"));
}

TEST(RunBuilderTest, InjectedArgumentOutsideQuotesFailsTheRun) {
  const RunSpec spec =
      build_run_spec(web(), "step-1", {policy(kErrorRate)}, {{"path", "/"}, {"limit", "1 or 1"}});
  EXPECT_THAT(spec.error, HasSubstr("metric error-rate"));
  EXPECT_THAT(spec.error, HasSubstr("outside quotes"));
}

TEST(RunBuilderTest, RenderedConditionThatDoesNotParseFailsTheRun) {
  // An identifier is a valid value outside quotes, but not a number a condition can compare.
  const RunSpec spec =
      build_run_spec(web(), "step-1", {policy(kErrorRate)}, {{"path", "/"}, {"limit", "high"}});
  EXPECT_THAT(spec.error, HasSubstr("SLOPolicy \"errors\" metric error-rate"));
  EXPECT_THAT(spec.error, HasSubstr("threshold.successCondition \"result < high\""));
  EXPECT_THAT(spec.error, HasSubstr("fix:"));
}

TEST(RunBuilderTest, ArgumentOverridesTheDefault) {
  const RunSpec spec =
      build_run_spec(web(), "step-1", {policy(kErrorRate)}, {{"path", "/"}, {"limit", "0.2"}});
  const auto& t = std::get<ThresholdSpec>(spec.metrics[0].spec.judge);
  EXPECT_EQ(t.success_condition, "result < 0.2");
}

TEST(RunBuilderTest, RetentionIsTheLargestOfThePolicies) {
  std::string more = kBurn;
  more.replace(more.find("spec:\n"), 6, "spec:\n  measurementRetention: 300\n");
  const RunSpec spec =
      build_run_spec(web(), "step-1", {policy(kErrorRate), policy(more)}, {{"path", "/"}});
  ASSERT_TRUE(spec.error.empty()) << spec.error;
  EXPECT_EQ(spec.measurement_retention, 300);
}

}  // namespace
}  // namespace cutover::analysis
