// SLOPolicy parsing: the shipped policies/, errors that name the field and the fix, and the
// JSON shapes shared with AnalysisRun.
#include "analysis/slo_policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "analysis/analysis_run.hpp"
#include "analysis/query_template.hpp"
#include "test_paths.hpp"
#include "util/yaml_json.hpp"

namespace cutover::analysis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json yaml(const std::string& text) {
  auto documents = parse_yaml_documents(text);
  EXPECT_TRUE(documents.has_value()) << (documents ? "" : documents.error().message);
  if (!documents || documents->size() != 1)
    return Json();
  return documents->front();
}

std::vector<std::string> texts_of(const MetricSpec& metric) {
  if (const auto* t = std::get_if<ThresholdSpec>(&metric.judge))
    return {t->query, t->success_condition, t->failure_condition};
  if (const auto* b = std::get_if<BurnRateSpec>(&metric.judge))
    return {b->error_query, b->total_query};
  const auto& c = std::get<CompareSpec>(metric.judge);
  return {c.canary_query, c.baseline_query};
}

TEST(SloPolicyTest, EveryShippedPolicyParses) {
  const std::filesystem::path dir = cutover::testing::source_dir() / "policies";
  int files = 0;
  int policies = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml")
      continue;
    ++files;
    const auto documents = parse_yaml_documents(read_file(entry.path()));
    ASSERT_TRUE(documents.has_value()) << entry.path() << ": " << documents.error().message;
    ASSERT_FALSE(documents->empty()) << entry.path();
    for (const auto& document : *documents) {
      ++policies;
      const auto policy = parse_slo_policy(document);
      ASSERT_TRUE(policy.has_value()) << entry.path() << ": " << policy.error().describe();
      EXPECT_GE(policy->metrics.size(), 1U) << policy->name;
      for (const auto& metric : policy->metrics) {
        for (const auto& text : texts_of(metric)) {
          const auto names = template_placeholders(text);
          ASSERT_TRUE(names.has_value()) << policy->name << ": " << names.error();
          for (const auto& name : *names) {
            if (!name.starts_with("args."))
              continue;
            const auto arg = name.substr(5);
            EXPECT_TRUE(std::any_of(policy->args.begin(), policy->args.end(),
                                    [&](const PolicyArg& a) { return a.name == arg; }))
                << policy->name << " uses undeclared " << name;
          }
        }
      }
    }
  }
  EXPECT_GE(files, 5);
  EXPECT_GE(policies, 10);
}

constexpr const char* kValid = R"(
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: errors, namespace: shop}
spec:
  args:
  - {name: limit, value: "0.01"}
  - {name: service}
  noDataTimeout: 2m
  provider:
    prometheus:
      address: https://prom.monitoring:9090/prefix
      timeout: 20s
      headers: [{name: X-Scope-OrgID, value: team-a}]
      bearerTokenSecretRef: {name: prom, key: token}
      caSecretRef: {name: prom-ca, key: ca.crt}
  metrics:
  - name: error-rate
    interval: 15s
    initialDelay: 30s
    count: 4
    failureLimit: 1
    inconclusiveLimit: 2
    consecutiveErrorLimit: 3
    dryRun: true
    threshold:
      query: sum(rate(x{svc="{{args.service}}"}[1m]))
      successCondition: result < {{args.limit}}
      failureCondition: result >= 0.5
  - name: burn
    burnRate:
      objective: 99.5
      windowScale: 0.5
      errorQuery: sum(rate(e[{{window}}]))
      totalQuery: sum(rate(t[{{ window }}]))
      windows: [{long: 1h, short: 5m, burnRate: 14.4}]
  - name: latency
    compare:
      canaryQuery: c
      baselineQuery: b
      lookback: 2m
      step: 10s
      direction: either
      allowedIncrease: 1.5
      allowedDecrease: 0.5
      criticalIncrease: 3
      nanStrategy: replace
      outliers: remove
      outlierFactor: 2
      mustHaveData: false
      confidence: 0.95
)";

TEST(SloPolicyTest, EveryFieldIsRead) {
  const auto policy = parse_slo_policy(yaml(kValid));
  ASSERT_TRUE(policy.has_value()) << policy.error().describe();
  EXPECT_EQ(policy->name, "errors");
  EXPECT_EQ(policy->namespace_name, "shop");
  EXPECT_FALSE(policy->cluster_scope);
  ASSERT_EQ(policy->args.size(), 2U);
  EXPECT_EQ(policy->args[0].value, "0.01");
  EXPECT_FALSE(policy->args[1].value.has_value());
  EXPECT_EQ(policy->no_data_timeout, std::chrono::minutes{2});
  const auto& p = policy->provider;
  EXPECT_EQ(p.address, "https://prom.monitoring:9090/prefix");
  EXPECT_EQ(p.timeout, std::chrono::seconds{20});
  ASSERT_EQ(p.headers.size(), 1U);
  EXPECT_EQ(p.headers[0].name, "X-Scope-OrgID");
  EXPECT_EQ(p.headers[0].value, "team-a");
  EXPECT_FALSE(p.headers[0].secret.has_value());
  EXPECT_FALSE(p.headers[0].redacted);
  EXPECT_EQ(p.policy, (PolicyLocator{false, "errors"}));
  EXPECT_EQ(p.bearer_token, (SecretKeyRef{"prom", "token"}));
  EXPECT_EQ(p.ca, (SecretKeyRef{"prom-ca", "ca.crt"}));
  ASSERT_EQ(policy->metrics.size(), 3U);
  const auto& m = policy->metrics[0];
  EXPECT_EQ(m.interval, std::chrono::seconds{15});
  EXPECT_EQ(m.initial_delay, std::chrono::seconds{30});
  EXPECT_EQ(m.limits.count, 4);
  EXPECT_EQ(m.limits.failure_limit, 1);
  EXPECT_EQ(m.limits.inconclusive_limit, 2);
  EXPECT_EQ(m.limits.consecutive_error_limit, 3);
  EXPECT_TRUE(m.dry_run);
  const auto& b = std::get<BurnRateSpec>(policy->metrics[1].judge);
  EXPECT_DOUBLE_EQ(b.objective, 99.5);
  ASSERT_EQ(b.windows.size(), 1U);
  EXPECT_EQ(b.windows[0].long_window, std::chrono::hours{1});
  const auto& c = std::get<CompareSpec>(policy->metrics[2].judge);
  EXPECT_EQ(c.options.direction, Direction::either);
  EXPECT_EQ(c.options.nan_strategy, NanStrategy::replace);
  EXPECT_TRUE(c.options.remove_outliers);
  EXPECT_EQ(c.options.critical_increase, 3.0);
  EXPECT_FALSE(c.options.critical_decrease.has_value());
}

TEST(SloPolicyTest, ClusterPolicyHasNoNamespace) {
  auto object = yaml(kValid);
  object["kind"] = "ClusterSLOPolicy";
  object["metadata"].erase("namespace");
  const auto policy = parse_slo_policy(object);
  ASSERT_TRUE(policy.has_value());
  EXPECT_TRUE(policy->cluster_scope);
}

TEST(SloPolicyTest, DefaultsOfAMinimalPolicy) {
  const auto policy = parse_slo_policy(yaml(R"(
kind: SLOPolicy
metadata: {name: m}
spec:
  metrics:
  - name: up
    threshold: {query: up, successCondition: result == 1}
)"));
  ASSERT_TRUE(policy.has_value()) << policy.error().describe();
  EXPECT_EQ(policy->no_data_timeout, std::chrono::minutes{1});
  EXPECT_TRUE(policy->provider.address.empty());
  EXPECT_EQ(policy->provider.timeout, std::chrono::seconds{10});
  const auto& m = policy->metrics[0];
  EXPECT_EQ(m.interval, std::chrono::seconds{30});
  EXPECT_EQ(m.limits.count, 1);
  EXPECT_FALSE(m.dry_run);
}

struct BadPolicy {
  const char* name;
  const char* patch;  // a JSON merge patch on kValid (JSON text)
  const char* field;
  const char* message;  // a part of the message
  const char* fix;      // a part of the fix, or "" when none is given
};

void PrintTo(const BadPolicy& bad, std::ostream* os) {
  *os << bad.name;
}

class BadPolicyTest : public ::testing::TestWithParam<BadPolicy> {};

TEST_P(BadPolicyTest, NamesTheFieldAndTheFix) {
  const BadPolicy& bad = GetParam();
  Json object = yaml(kValid);
  object.merge_patch(Json::parse(bad.patch));
  const auto policy = parse_slo_policy(object);
  ASSERT_FALSE(policy.has_value()) << bad.name;
  const FieldError& e = policy.error();
  EXPECT_EQ(e.field, bad.field) << e.describe();
  EXPECT_THAT(e.message, HasSubstr(bad.message)) << e.describe();
  if (*bad.fix != '\0') {
    EXPECT_THAT(e.fix, HasSubstr(bad.fix)) << e.describe();
  }
  EXPECT_FALSE(e.kind.empty());
  EXPECT_THAT(e.describe(), HasSubstr(e.field));
}

INSTANTIATE_TEST_SUITE_P(
    Policies, BadPolicyTest,
    ::testing::Values(
        BadPolicy{"WrongKind", R"({"kind":"Rollout"})", "kind", "is \"Rollout\"",
                  "use SLOPolicy or ClusterSLOPolicy"},
        BadPolicy{"NoName", R"({"metadata":{"name":null}})", "metadata.name", "is required", ""},
        BadPolicy{"NoSpec", R"({"spec":null})", "spec", "is missing", ""},
        BadPolicy{"MissingMetrics", R"({"spec":{"metrics":null}})", "spec.metrics",
                  "at least one metric", "policies/"},
        BadPolicy{"EmptyMetrics", R"({"spec":{"metrics":[]}})", "spec.metrics",
                  "at least one metric", "policies/"},
        BadPolicy{
            "TwoJudges",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"up","successCondition":"result > 0"},"compare":{"canaryQuery":"a","baselineQuery":"b"}}]}})",
            "spec.metrics[0]", "exactly one judge", "one metric per judge"},
        BadPolicy{"NoJudge", R"({"spec":{"metrics":[{"name":"a"}]}})", "spec.metrics[0]",
                  "exactly one judge", ""},
        BadPolicy{
            "BadInterval",
            R"({"spec":{"metrics":[{"name":"a","interval":"10 parsecs","threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[0].interval", "", "e.g. 30s"},
        BadPolicy{
            "SubSecondInterval",
            R"({"spec":{"metrics":[{"name":"a","interval":"500ms","threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[0].interval", "at least 1s", ""},
        BadPolicy{"BadNoDataTimeout", R"({"spec":{"noDataTimeout":"soon"}})", "spec.noDataTimeout",
                  "", "e.g. 30s"},
        BadPolicy{
            "UndeclaredArg",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"x{a=\"{{args.nope}}\"}","successCondition":"true"}}]}})",
            "spec.metrics[0]", "does not declare \"nope\"", "add {name: nope}"},
        BadPolicy{
            "UndeclaredArgInCondition",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"up","successCondition":"result < {{args.max}}"}}]}})",
            "spec.metrics[0]", "{{args.max}}", "add {name: max}"},
        BadPolicy{
            "BadCondition",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"up","successCondition":"result <<< 1"}}]}})",
            "spec.metrics[0].threshold.successCondition", "", "result < 0.01"},
        BadPolicy{
            "BadFailureCondition",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"up","failureCondition":"(("}}]}})",
            "spec.metrics[0].threshold.failureCondition", "", "result < 0.01"},
        BadPolicy{"NoCondition",
                  R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"up"}}]}})",
                  "spec.metrics[0].threshold", "needs successCondition", "successCondition:"},
        BadPolicy{"NoQuery",
                  R"({"spec":{"metrics":[{"name":"a","threshold":{"successCondition":"true"}}]}})",
                  "spec.metrics[0].threshold.query", "is required", ""},
        BadPolicy{
            "UnknownPlaceholder",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"{{rollout.colour}}","successCondition":"true"}}]}})",
            "spec.metrics[0].threshold.query", "unknown placeholder", ""},
        BadPolicy{
            "UnclosedPlaceholder",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"x{a=\"{{args.limit\"}","successCondition":"true"}}]}})",
            "spec.metrics[0].threshold.query", "", ""},
        BadPolicy{
            "Objective100",
            R"({"spec":{"metrics":[{"name":"a","burnRate":{"objective":100,"errorQuery":"e[{{window}}]","totalQuery":"t[{{window}}]"}}]}})",
            "spec.metrics[0].burnRate.objective", "above 0 and below 100", "99.9"},
        BadPolicy{
            "ObjectiveMissing",
            R"({"spec":{"metrics":[{"name":"a","burnRate":{"errorQuery":"e[{{window}}]","totalQuery":"t[{{window}}]"}}]}})",
            "spec.metrics[0].burnRate.objective", "is required", "99.9"},
        BadPolicy{
            "BurnRateWithoutWindow",
            R"({"spec":{"metrics":[{"name":"a","burnRate":{"objective":99,"errorQuery":"e[5m]","totalQuery":"t[{{window}}]"}}]}})",
            "spec.metrics[0].burnRate.errorQuery", "{{window}}", "[{{window}}]"},
        BadPolicy{
            "BurnRateShortLongerThanLong",
            R"({"spec":{"metrics":[{"name":"a","burnRate":{"objective":99,"errorQuery":"e[{{window}}]","totalQuery":"t[{{window}}]","windows":[{"long":"5m","short":"1h","burnRate":2}]}}]}})",
            "spec.metrics[0].burnRate.windows[0].short", "longer than long", ""},
        BadPolicy{
            "BurnRateZeroRate",
            R"({"spec":{"metrics":[{"name":"a","burnRate":{"objective":99,"errorQuery":"e[{{window}}]","totalQuery":"t[{{window}}]","windows":[{"long":"1h","short":"5m"}]}}]}})",
            "spec.metrics[0].burnRate.windows[0]", "all above zero", "burnRate: 14.4"},
        BadPolicy{
            "CompareStepLongerThanLookback",
            R"({"spec":{"metrics":[{"name":"a","compare":{"canaryQuery":"c","baselineQuery":"b","lookback":"10s","step":"1m"}}]}})",
            "spec.metrics[0].compare.step", "no longer than lookback", "lookback: 2m"},
        BadPolicy{
            "CompareBadDirection",
            R"({"spec":{"metrics":[{"name":"a","compare":{"canaryQuery":"c","baselineQuery":"b","direction":"up"}}]}})",
            "spec.metrics[0].compare.direction", "is \"up\"", "increase, decrease"},
        BadPolicy{
            "CompareConfidence",
            R"({"spec":{"metrics":[{"name":"a","compare":{"canaryQuery":"c","baselineQuery":"b","confidence":1.5}}]}})",
            "spec.metrics[0].compare.confidence", "outside", ""},
        BadPolicy{
            "HeaderWithNewline",
            R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"X-A","value":"a\r\nEvil: 1"}]}}}})",
            "spec.provider.prometheus.headers[0].value", "one line", ""},
        BadPolicy{
            "HeaderBadName",
            R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"X A","value":"a"}]}}}})",
            "spec.provider.prometheus.headers[0].name", "not an HTTP header name", ""},
        BadPolicy{
            "LiteralAuthorizationHeader",
            R"({"spec":{"provider":{"prometheus":{"bearerTokenSecretRef":null,"headers":[{"name":"Authorization","value":"Bearer abc"}]}}}})",
            "spec.provider.prometheus.headers[0].value", "literal Authorization header",
            "bearerTokenSecretRef or basicAuthSecretRef"},
        BadPolicy{
            "LiteralAuthorizationHeaderInLowerCase",
            R"({"spec":{"provider":{"prometheus":{"bearerTokenSecretRef":null,"headers":[{"name":"X-A","value":"a"},{"name":"authorization","value":"Basic YTpi"}]}}}})",
            "spec.provider.prometheus.headers[1].value", "literal Authorization header",
            "valueFrom.secretKeyRef"},
        BadPolicy{
            "AuthorizationHeaderAndBearerToken",
            R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"Authorization","valueFrom":{"secretKeyRef":{"name":"a","key":"b"}}}]}}}})",
            "spec.provider.prometheus.headers[0]", "so does bearerTokenSecretRef", "keep one"},
        BadPolicy{
            "HeaderValueAndValueFrom",
            R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"X-A","value":"a","valueFrom":{"secretKeyRef":{"name":"a","key":"b"}}}]}}}})",
            "spec.provider.prometheus.headers[0]", "both value and valueFrom", "keep one"},
        BadPolicy{"HeaderWithoutValue",
                  R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"X-A"}]}}}})",
                  "spec.provider.prometheus.headers[0]", "needs value or valueFrom",
                  "secretKeyRef"},
        BadPolicy{
            "HeaderValueFromWithoutSecretKeyRef",
            R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"X-A","valueFrom":{"configMapKeyRef":{"name":"a","key":"b"}}}]}}}})",
            "spec.provider.prometheus.headers[0].valueFrom", "{secretKeyRef: {name, key}}",
            "valueFrom: {secretKeyRef:"},
        BadPolicy{
            "HeaderSecretKeyRefWithoutKey",
            R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"X-A","valueFrom":{"secretKeyRef":{"name":"a"}}}]}}}})",
            "spec.provider.prometheus.headers[0].valueFrom.secretKeyRef", "needs name and key", ""},
        BadPolicy{
            "HeaderTwice",
            R"({"spec":{"provider":{"prometheus":{"headers":[{"name":"X-A","value":"a"},{"name":"x-a","value":"b"}]}}}})",
            "spec.provider.prometheus.headers[1].name", "set twice", "keep one"},
        BadPolicy{"CaAndInsecureSkipVerify",
                  R"({"spec":{"provider":{"prometheus":{"insecureSkipVerify":true}}}})",
                  "spec.provider.prometheus.insecureSkipVerify", "caSecretRef",
                  "remove insecureSkipVerify"},
        BadPolicy{
            "PolicyRefInAPolicy",
            R"({"spec":{"provider":{"prometheus":{"policyRef":{"kind":"SLOPolicy","name":"x"}}}}})",
            "spec.provider.prometheus.policyRef", "AnalysisRuns", "remove it"},
        BadPolicy{"BearerAndBasic",
                  R"({"spec":{"provider":{"prometheus":{"basicAuthSecretRef":{"name":"basic"}}}}})",
                  "spec.provider.prometheus", "both bearerTokenSecretRef and basicAuthSecretRef",
                  "keep one"},
        BadPolicy{"BearerWithoutKey",
                  R"({"spec":{"provider":{"prometheus":{"bearerTokenSecretRef":{"key":null}}}}})",
                  "spec.provider.prometheus.bearerTokenSecretRef", "needs name and key", ""},
        BadPolicy{"NonHttpAddress",
                  R"({"spec":{"provider":{"prometheus":{"address":"prom.monitoring:9090"}}}})",
                  "spec.provider.prometheus.address", "not an http(s) URL",
                  "http://prometheus.monitoring:9090"},
        BadPolicy{"TimeoutTooLong", R"({"spec":{"provider":{"prometheus":{"timeout":"1h"}}}})",
                  "spec.provider.prometheus.timeout", "between 1s and 5m", ""},
        BadPolicy{"ProviderNotObject", R"({"spec":{"provider":"prom"}})", "spec.provider",
                  "must be an object", ""},
        BadPolicy{
            "MetricNameNotDns",
            R"({"spec":{"metrics":[{"name":"Error_Rate","threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[0].name", "not a DNS label", "error-rate"},
        BadPolicy{
            "MetricNameMissing",
            R"({"spec":{"metrics":[{"threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[0].name", "is required", "error-rate"},
        BadPolicy{
            "MetricNameTwice",
            R"({"spec":{"metrics":[{"name":"a","threshold":{"query":"up","successCondition":"true"}},{"name":"a","threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[1].name", "used twice", ""},
        BadPolicy{
            "CountNegative",
            R"({"spec":{"metrics":[{"name":"a","count":-1,"threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[0].count", "outside 0..10000", ""},
        BadPolicy{
            "CountNotInteger",
            R"({"spec":{"metrics":[{"name":"a","count":"3","threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[0].count", "must be an integer", ""},
        BadPolicy{
            "DryRunNotBool",
            R"({"spec":{"metrics":[{"name":"a","dryRun":"yes","threshold":{"query":"up","successCondition":"true"}}]}})",
            "spec.metrics[0].dryRun", "true or false", ""},
        BadPolicy{"ArgValueNotString", R"({"spec":{"args":[{"name":"limit","value":0.01}]}})",
                  "spec.args[0].value", "must be a string", "quote it"},
        BadPolicy{"ArgTwice", R"({"spec":{"args":[{"name":"limit"},{"name":"limit"}]}})",
                  "spec.args[1].name", "declared twice", ""},
        BadPolicy{"ArgBadName", R"({"spec":{"args":[{"name":"a.b"}]}})", "spec.args[0].name",
                  "letters, digits", "service"},
        BadPolicy{"ArgsNotList", R"({"spec":{"args":{"limit":"1"}}})", "spec.args",
                  "must be a list", ""}),
    [](const ::testing::TestParamInfo<BadPolicy>& param) { return std::string(param.param.name); });

TEST(SloPolicyTest, NotAnObject) {
  const auto policy = parse_slo_policy(Json::array());
  ASSERT_FALSE(policy.has_value());
  EXPECT_THAT(policy.error().message, HasSubstr("must be an object"));
}

TEST(SloPolicyTest, ErrorNamesTheObject) {
  Json object = yaml(kValid);
  object["spec"]["metrics"] = nullptr;
  const auto policy = parse_slo_policy(object);
  ASSERT_FALSE(policy.has_value());
  EXPECT_EQ(policy.error().object, "shop/errors");
  EXPECT_THAT(policy.error().describe(),
              HasSubstr("SLOPolicy shop/errors: spec.metrics: must list at least one metric"));
}

TEST(SloPolicyTest, MetricAndProviderRoundTripThroughJson) {
  const auto policy = parse_slo_policy(yaml(kValid));
  ASSERT_TRUE(policy.has_value());
  const SpecReader reader("AnalysisRun", "shop/run");
  for (const auto& metric : policy->metrics) {
    const Json json = metric_to_json(metric);
    const auto again = parse_metric(reader, json, "spec.metrics[0]");
    ASSERT_TRUE(again.has_value()) << again.error().describe() << "\n" << json.dump(2);
    EXPECT_EQ(metric_to_json(*again), json) << metric.name;
  }
  const Json provider = provider_to_json(policy->provider);
  const auto again = parse_provider(reader, provider, "spec.provider");
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_EQ(provider_to_json(*again), provider);
  // The literal header value stays in the policy; the run knows where.
  ASSERT_EQ(again->headers.size(), 1U);
  EXPECT_EQ(again->headers[0], (PrometheusHeader{"X-Scope-OrgID", "", std::nullopt, true}));
  EXPECT_EQ(again->policy, (PolicyLocator{false, "errors"}));
  EXPECT_TRUE(again->reads_cluster());
  EXPECT_EQ(again->bearer_token, policy->provider.bearer_token);
  EXPECT_EQ(again->ca, policy->provider.ca);
}

TEST(SloPolicyTest, AuthorizationErrorNamesThePolicyTheFieldAndTheFix) {
  Json object = yaml(kValid);
  object["spec"]["provider"]["prometheus"]["headers"] =
      Json::parse(R"([{"name":"Authorization","value":"Bearer abc"}])");
  object["spec"]["provider"]["prometheus"].erase("bearerTokenSecretRef");
  const auto policy = parse_slo_policy(object);
  ASSERT_FALSE(policy.has_value());
  EXPECT_THAT(policy.error().describe(),
              HasSubstr("SLOPolicy shop/errors: spec.provider.prometheus.headers[0].value: is a "
                        "literal Authorization header"));
  EXPECT_THAT(policy.error().describe(), HasSubstr("bearerTokenSecretRef or basicAuthSecretRef"));
  EXPECT_THAT(policy.error().describe(), Not(HasSubstr("Bearer abc")));
}

constexpr const char* kHeaders = R"(
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: tenant, namespace: shop}
spec:
  provider:
    prometheus:
      address: https://mimir.example/prometheus
      headers:
      - {name: X-Scope-OrgID, value: team-secret-123}
      - name: X-Api-Key
        valueFrom: {secretKeyRef: {name: prometheus-auth, key: api-key}}
  metrics:
  - name: up
    threshold: {query: up, successCondition: result == 1}
)";

TEST(SloPolicyTest, HeaderValueFromASecret) {
  const auto policy = parse_slo_policy(yaml(kHeaders));
  ASSERT_TRUE(policy.has_value()) << policy.error().describe();
  const auto& headers = policy->provider.headers;
  ASSERT_EQ(headers.size(), 2U);
  EXPECT_EQ(headers[0],
            (PrometheusHeader{"X-Scope-OrgID", "team-secret-123", std::nullopt, false}));
  EXPECT_EQ(headers[1].name, "X-Api-Key");
  EXPECT_TRUE(headers[1].value.empty());
  EXPECT_EQ(headers[1].secret, (SecretKeyRef{"prometheus-auth", "api-key"}));
  EXPECT_TRUE(policy->provider.reads_cluster());
}

TEST(SloPolicyTest, AnalysisRunJsonNeverHoldsAHeaderValue) {
  const auto policy = parse_slo_policy(yaml(kHeaders));
  ASSERT_TRUE(policy.has_value()) << policy.error().describe();
  RunSpec spec;
  spec.rollout = "web";
  spec.metrics.push_back(RunMetric{policy->name, policy->metrics[0], policy->provider});
  const Json run = run_spec_to_json(spec);
  const std::string text = run.dump();
  EXPECT_THAT(text, Not(HasSubstr("team-secret-123")));
  const Json& provider = run["metrics"][0]["provider"];
  EXPECT_EQ(provider["headers"], Json::parse(R"([
      {"name": "X-Scope-OrgID", "value": "<redacted>"},
      {"name": "X-Api-Key",
       "valueFrom": {"secretKeyRef": {"name": "prometheus-auth", "key": "api-key"}}}])"));
  EXPECT_EQ(provider["policyRef"], Json::parse(R"({"kind": "SLOPolicy", "name": "tenant"})"));

  // Read back (as the driver does before measuring): the redacted header still knows its policy.
  const auto again = parse_provider(SpecReader("AnalysisRun", "shop/run"), provider, "p");
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_TRUE(again->headers[0].redacted);
  EXPECT_TRUE(again->headers[0].value.empty());
  EXPECT_EQ(again->headers[1].secret, policy->provider.headers[1].secret);
  EXPECT_EQ(again->policy, (PolicyLocator{false, "tenant"}));
  EXPECT_EQ(provider_to_json(*again), provider);
}

TEST(SloPolicyTest, ClusterPolicyRunNamesTheClusterPolicy) {
  Json object = yaml(kHeaders);
  object["kind"] = "ClusterSLOPolicy";
  object["metadata"].erase("namespace");
  const auto policy = parse_slo_policy(object);
  ASSERT_TRUE(policy.has_value()) << policy.error().describe();
  EXPECT_EQ(provider_to_json(policy->provider)["policyRef"],
            Json::parse(R"({"kind": "ClusterSLOPolicy", "name": "tenant"})"));
}

TEST(SloPolicyTest, RedactedWithoutPolicyRefIsALiteral) {
  // A policy may say "<redacted>" itself; only a run's policyRef makes it a placeholder.
  const auto provider =
      parse_provider(SpecReader("SLOPolicy", "x"),
                     Json::parse(R"({"headers":[{"name":"X-A","value":"<redacted>"}]})"), "p");
  ASSERT_TRUE(provider.has_value());
  EXPECT_FALSE(provider->headers[0].redacted);
  EXPECT_EQ(provider->headers[0].value, "<redacted>");
  EXPECT_FALSE(provider->reads_cluster());
}

TEST(SloPolicyTest, BasicAuthAndInsecureRoundTrip) {
  PrometheusProvider p;
  p.address = "http://prom:9090";
  p.basic_auth_secret = "creds";
  p.insecure_skip_verify = true;
  p.timeout = std::chrono::milliseconds{1500};
  const SpecReader reader("AnalysisRun", "x");
  const auto again = parse_provider(reader, provider_to_json(p), "p");
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_EQ(again->basic_auth_secret, "creds");
  EXPECT_TRUE(again->insecure_skip_verify);
  EXPECT_EQ(again->timeout, std::chrono::milliseconds{1500});
  EXPECT_EQ(again->address, p.address);
}

TEST(SloPolicyTest, DefaultWindowsRoundTripAsAbsent) {
  const auto policy = parse_slo_policy(yaml(R"(
kind: SLOPolicy
metadata: {name: m}
spec:
  metrics:
  - name: burn
    burnRate: {objective: 99.9, errorQuery: "e[{{window}}]", totalQuery: "t[{{window}}]"}
)"));
  ASSERT_TRUE(policy.has_value()) << policy.error().describe();
  const Json json = metric_to_json(policy->metrics[0]);
  EXPECT_FALSE(json["burnRate"].contains("windows"));
  const auto again = parse_metric(SpecReader("AnalysisRun", "x"), json, "m");
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(std::get<BurnRateSpec>(again->judge).windows.empty());
}

TEST(SloPolicyTest, WindowScaleDefaultsToTheGatesDuration) {
  const auto policy = parse_slo_policy(yaml(R"(
kind: SLOPolicy
metadata: {name: m}
spec:
  metrics:
  - name: gated
    initialDelay: 10s
    interval: 10s
    count: 3
    burnRate: {objective: 99.9, errorQuery: "e[{{window}}]", totalQuery: "t[{{window}}]"}
  - name: own-pairs
    interval: 30s
    count: 4
    burnRate:
      objective: 99.9
      errorQuery: "e[{{window}}]"
      totalQuery: "t[{{window}}]"
      windows: [{long: 10m, short: 1m, burnRate: 10}]
  - name: background
    count: 0
    burnRate: {objective: 99.9, errorQuery: "e[{{window}}]", totalQuery: "t[{{window}}]"}
  - name: explicit
    count: 3
    burnRate: {objective: 99.9, windowScale: 0.5, errorQuery: "e[{{window}}]", totalQuery: "t[{{window}}]"}
)"));
  ASSERT_TRUE(policy.has_value()) << policy.error().describe();
  const auto scale = [&](std::size_t i) {
    return std::get<BurnRateSpec>(policy->metrics[i].judge).window_scale;
  };
  EXPECT_DOUBLE_EQ(scale(0), 40.0 / 3600) << "10s + 3 x 10s over the workbook's 1h";
  EXPECT_DOUBLE_EQ(scale(1), 120.0 / 600) << "4 x 30s over the policy's own first pair (10m)";
  EXPECT_DOUBLE_EQ(scale(2), 1.0) << "a gate without a count has no duration to fit";
  EXPECT_DOUBLE_EQ(scale(3), 0.5) << "an explicit windowScale is kept";
  // The AnalysisRun records the scale it used, so a later default cannot change a past run.
  const Json json = metric_to_json(policy->metrics[0]);
  EXPECT_DOUBLE_EQ(json["burnRate"]["windowScale"].get<double>(), 40.0 / 3600);
}

}  // namespace
}  // namespace cutover::analysis

namespace cutover::analysis {
namespace {

TEST(SloPolicyTest, FieldsOfTheWrongTypeAreErrorsNotExceptions) {
  // Found by fuzz_slo_policy: `kind: 5` made nlohmann's value() throw.
  for (const char* patch :
       {R"({"kind":5})", R"({"kind":["SLOPolicy"]})", R"({"metadata":{"name":7}})",
        R"({"metadata":{"namespace":{}}})", R"({"metadata":"web"})"}) {
    Json object = yaml(kValid);
    object.merge_patch(Json::parse(patch));
    std::expected<SloPolicy, FieldError> policy;
    ASSERT_NO_THROW(policy = parse_slo_policy(object)) << patch;
    if (!policy) {
      EXPECT_FALSE(policy.error().message.empty()) << patch;
    }
  }
}

}  // namespace
}  // namespace cutover::analysis
