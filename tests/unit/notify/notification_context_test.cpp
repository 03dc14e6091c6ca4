#include "notify/notification_context.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cutover::notify {
namespace {

using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

Json rollout_object() {
  return Json::parse(R"({
    "apiVersion": "cutover.dev/v1alpha1",
    "kind": "Rollout",
    "metadata": {"namespace": "shop", "name": "web", "labels": {"team": "payments"}},
    "spec": {"template": {
      "metadata": {"annotations": {"cutover.dev/git-sha": "abc123"}},
      "spec": {"containers": [{"name": "web", "image": "web:2"}]}}},
    "status": {"phase": "Degraded", "message": "rolled back <now> & for good",
               "currentRevision": "7", "promotedBy": "alice via deploy promote",
               "abortReason": "error rate too high", "currentStepIndex": 2,
               "canary": {"weight": 20}}
  })");
}

Json measurement(const std::string& value, const std::string& phase) {
  return {{"startedAt", "2026-11-22T01:00:00Z"},
          {"finishedAt", "2026-11-22T01:00:10Z"},
          {"phase", phase},
          {"value", value},
          {"message", "measured " + value}};
}

// An AnalysisRun as the API serves it: two metrics in its spec, the result of
// "http/error-rate" in its status.
Json analysis_run(const std::string& name, const std::string& revision, const std::string& created,
                  const Json& measurements = Json::array()) {
  Json run = Json::parse(R"json({
    "spec": {"gate": "step-2", "metrics": [
      {"policy": "http", "name": "latency",
       "threshold": {"query": "p99", "successCondition": "result < 300"}},
      {"policy": "http", "name": "error-rate",
       "threshold": {"query": "sum(rate(errors[1m]))", "successCondition": "result < 0.01"}}]},
    "status": {"phase": "Failed", "message": "metric error-rate failed",
               "metricResults": [{"name": "http/error-rate", "phase": "Failed"}]}
  })json");
  run["metadata"]["name"] = name;
  run["metadata"]["creationTimestamp"] = created;
  run["spec"]["revision"] = revision;
  run["status"]["metricResults"][0]["measurements"] = measurements;
  return run;
}

std::string render(const std::string& text, const Json& context) {
  auto rendered = render_text(text, context);
  return rendered ? *rendered : "error: " + rendered.error();
}

TEST(NotificationContextTest, FieldsFromTheRollout) {
  const Json object = rollout_object();
  const Json context = notification_context("on-rollout-aborted", object, {});
  EXPECT_EQ(context["trigger"], "on-rollout-aborted");
  EXPECT_EQ(context["kind"], "Rollout");
  EXPECT_EQ(context["namespace"], "shop");
  EXPECT_EQ(context["name"], "web");
  EXPECT_EQ(context["phase"], "Degraded");
  EXPECT_EQ(context["message"], "rolled back <now> & for good");
  EXPECT_EQ(context["revision"], "7");
  EXPECT_EQ(context["images"], "web=web:2");
  EXPECT_EQ(context["promotedBy"], "alice via deploy promote");
  EXPECT_EQ(context["abortReason"], "error rate too high");
  EXPECT_EQ(context["step"], "2");
  EXPECT_EQ(context["weight"], "20");
  EXPECT_EQ(context["gitSha"], "abc123");
  EXPECT_EQ(context["rollout"], object);
  EXPECT_FALSE(context.contains("analysis"));
}

TEST(NotificationContextTest, ImagesListEveryContainer) {
  Json object = rollout_object();
  object["spec"]["template"]["spec"]["containers"].push_back(
      {{"name", "proxy"}, {"image", "envoy:1.30"}});
  EXPECT_EQ(notification_context("t", object, {})["images"], "web=web:2, proxy=envoy:1.30");
}

TEST(NotificationContextTest, MissingFieldsAreEmpty) {
  for (const Json& object : {Json::object(), Json(nullptr), Json::array({1})}) {
    const Json context = notification_context("on-rollout-updated", object, {});
    EXPECT_EQ(context["trigger"], "on-rollout-updated");
    for (const char* key : {"kind", "namespace", "name", "phase", "message", "revision", "images",
                            "promotedBy", "abortReason", "step", "weight", "gitSha"})
      EXPECT_EQ(context[key], "") << key;
    EXPECT_FALSE(context.contains("analysis"));
  }
}

TEST(NotificationContextTest, AnalysisIsTheNewestRunOfTheCurrentRevision) {
  const std::vector<Json> runs = {
      analysis_run("web-7-a", "7", "2026-11-22T01:00:00Z"),
      analysis_run("web-7-b", "7", "2026-11-22T01:05:00Z"),
      analysis_run("web-8-a", "8", "2026-11-22T01:10:00Z"),
      analysis_run("web-6-a", "6", "2026-11-22T00:10:00Z"),
  };
  const Json context = notification_context("on-rollout-aborted", rollout_object(), runs);
  ASSERT_TRUE(context.contains("analysis"));
  EXPECT_EQ(context["analysis"]["run"], "web-7-b");
}

TEST(NotificationContextTest, AnalysisOrderOfTheRunsDoesNotMatter) {
  const std::vector<Json> runs = {
      analysis_run("web-8-a", "8", "2026-11-22T01:10:00Z"),
      analysis_run("web-7-b", "7", "2026-11-22T01:05:00Z"),
      analysis_run("web-7-a", "7", "2026-11-22T01:00:00Z"),
  };
  EXPECT_EQ(notification_context("t", rollout_object(), runs)["analysis"]["run"], "web-7-b");
}

TEST(NotificationContextTest, AnalysisFallsBackToTheNewestOfAll) {
  const std::vector<Json> runs = {
      analysis_run("web-5-a", "5", "2026-11-22T01:00:00Z"),
      analysis_run("web-6-a", "6", "2026-11-22T01:05:00Z"),
      analysis_run("web-4-a", "4", "2026-11-22T00:05:00Z"),
  };
  EXPECT_EQ(notification_context("t", rollout_object(), runs)["analysis"]["run"], "web-6-a");
}

TEST(NotificationContextTest, AnalysisFieldsAndMetricEvidence) {
  Json measurements = Json::array();
  for (int i = 1; i <= 8; ++i)
    measurements.push_back(measurement("0.0" + std::to_string(i), "Successful"));
  measurements.back()["phase"] = "Failed";
  const Json context =
      notification_context("on-rollout-aborted", rollout_object(),
                           {analysis_run("web-7-a", "7", "2026-11-22T01:00:00Z", measurements)});
  const Json& analysis = context["analysis"];
  EXPECT_EQ(analysis["run"], "web-7-a");
  EXPECT_EQ(analysis["gate"], "step-2");
  EXPECT_EQ(analysis["phase"], "Failed");
  EXPECT_EQ(analysis["message"], "metric error-rate failed");
  ASSERT_THAT(analysis["metrics"], SizeIs(1));
  const Json& metric = analysis["metrics"][0];
  EXPECT_EQ(metric["name"], "http/error-rate");
  EXPECT_EQ(metric["phase"], "Failed");
  EXPECT_EQ(metric["value"], "0.08");
  EXPECT_EQ(metric["verdict"], "Failed");
  // Up to five values before the last one, oldest first.
  EXPECT_EQ(metric["values"], Json::array({"0.03", "0.04", "0.05", "0.06", "0.07"}));
  EXPECT_EQ(metric["condition"], "result < 0.01");
  EXPECT_EQ(metric["query"], "sum(rate(errors[1m]))");
  EXPECT_EQ(metric["message"], "measured 0.08");
}

TEST(NotificationContextTest, VerdictIsTheLastMeasurementsPhase) {
  const Json measurements =
      Json::array({measurement("0.5", "Failed"), measurement("0.001", "Successful")});
  const Json metric = notification_context(
      "t", rollout_object(),
      {analysis_run("r", "7", "2026-11-22T01:00:00Z", measurements)})["analysis"]["metrics"][0];
  EXPECT_EQ(metric["phase"], "Failed");  // the metric's own phase
  EXPECT_EQ(metric["verdict"], "Successful");
  EXPECT_EQ(metric["value"], "0.001");
  EXPECT_EQ(metric["values"], Json::array({"0.5"}));
}

TEST(NotificationContextTest, NoMeasurementIsNoData) {
  const Json metric = notification_context(
      "t", rollout_object(),
      {analysis_run("r", "7", "2026-11-22T01:00:00Z")})["analysis"]["metrics"][0];
  EXPECT_EQ(metric["value"], "no data");
  EXPECT_EQ(metric["verdict"], "Failed");
  EXPECT_EQ(metric["values"], Json::array());
  EXPECT_EQ(metric["message"], "");
}

TEST(NotificationContextTest, EmptyLastValueIsNoData) {
  const Json measurements =
      Json::array({measurement("0.2", "Successful"), measurement("", "Inconclusive")});
  const Json metric = notification_context(
      "t", rollout_object(),
      {analysis_run("r", "7", "2026-11-22T01:00:00Z", measurements)})["analysis"]["metrics"][0];
  EXPECT_EQ(metric["value"], "no data");
  EXPECT_EQ(metric["verdict"], "Inconclusive");
  EXPECT_EQ(metric["values"], Json::array({"0.2"}));
}

TEST(NotificationContextTest, ConditionIsMatchedByPolicyAndName) {
  Json run = analysis_run("r", "7", "2026-11-22T01:00:00Z");
  run["status"]["metricResults"][0]["name"] = "http/latency";
  run["status"]["metricResults"].push_back({{"name", "other/unknown"}, {"phase", "Running"}});
  const Json metrics = notification_context("t", rollout_object(), {run})["analysis"]["metrics"];
  ASSERT_THAT(metrics, SizeIs(2));
  EXPECT_EQ(metrics[0]["condition"], "result < 300");
  EXPECT_EQ(metrics[0]["query"], "p99");
  EXPECT_EQ(metrics[1]["name"], "other/unknown");
  EXPECT_EQ(metrics[1]["condition"], "");
  EXPECT_EQ(metrics[1]["query"], "");
}

TEST(NotificationContextTest, FailureConditionIsShownNegated) {
  Json run = analysis_run("r", "7", "2026-11-22T01:00:00Z");
  run["spec"]["metrics"][1]["threshold"] = {{"query", "q"}, {"failureCondition", "result > 0.05"}};
  EXPECT_EQ(
      notification_context("t", rollout_object(), {run})["analysis"]["metrics"][0]["condition"],
      "not (result > 0.05)");
}

TEST(NotificationContextTest, NoRunsNoAnalysis) {
  EXPECT_FALSE(notification_context("t", rollout_object(), {}).contains("analysis"));
}

TEST(NotificationContextTest, RenderPlainAndDottedNames) {
  const Json context = notification_context("on-rollout-aborted", rollout_object(),
                                            {analysis_run("r", "7", "2026-11-22T01:00:00Z")});
  EXPECT_EQ(render("{{kind}} {{namespace}}/{{name}} ({{trigger}})", context),
            "Rollout shop/web (on-rollout-aborted)");
  EXPECT_EQ(render("{{analysis.phase}} in {{analysis.gate}}", context), "Failed in step-2");
  EXPECT_EQ(render("team {{rollout.metadata.labels.team}}", context), "team payments");
  EXPECT_EQ(render("step {{rollout.status.currentStepIndex}}", context), "step 2");
}

TEST(NotificationContextTest, RenderSectionsOverLists) {
  Json run =
      analysis_run("r", "7", "2026-11-22T01:00:00Z", Json::array({measurement("0.2", "Failed")}));
  Json latency = {{"name", "http/latency"}, {"phase", "Successful"}};
  latency["measurements"] = Json::array({measurement("120", "Successful")});
  run["status"]["metricResults"].push_back(latency);
  const Json context = notification_context("t", rollout_object(), {run});
  EXPECT_EQ(render("{{#analysis.metrics}}{{name}}={{value}};{{/analysis.metrics}}", context),
            "http/error-rate=0.2;http/latency=120;");
  EXPECT_EQ(render("{{#analysis}}run {{run}}{{/analysis}}", context), "run r");
  EXPECT_EQ(render("{{^analysis}}none{{/analysis}}", context), "");
  EXPECT_EQ(
      render("{{^analysis}}none{{/analysis}}", notification_context("t", rollout_object(), {})),
      "none");
}

TEST(NotificationContextTest, RenderEscapesNothing) {
  const Json context = notification_context("t", rollout_object(), {});
  EXPECT_EQ(render("{{message}}", context), "rolled back <now> & for good");
  EXPECT_EQ(render("{{{message}}}", context), "rolled back <now> & for good");
  EXPECT_EQ(render("<b>{{name}}</b> & \"x\"", context), "<b>web</b> & \"x\"");
}

TEST(NotificationContextTest, RenderMalformedTemplateIsAnError) {
  const Json context = notification_context("t", rollout_object(), {});
  const auto unclosed = render_text("{{#a}} never closed", context);
  ASSERT_FALSE(unclosed.has_value());
  EXPECT_THAT(unclosed.error(), Not(IsEmpty()));
  EXPECT_FALSE(render_text("{{#a}}x{{/b}}", context).has_value());
  EXPECT_FALSE(render_text("{{name", context).has_value());
}

TEST(NotificationContextTest, RenderMissingNameIsEmpty) {
  const Json context = notification_context("t", rollout_object(), {});
  EXPECT_EQ(render("[{{nothing}}][{{analysis.phase}}][{{rollout.nope.deeper}}]", context),
            "[][][]");
  EXPECT_EQ(render("", context), "");
  EXPECT_EQ(render("no tags", Json(nullptr)), "no tags");
}

TEST(NotificationContextTest, ContextValueFollowsDottedPaths) {
  const Json context = notification_context("t", rollout_object(), {});
  EXPECT_EQ(context_value(context, "name"), "web");
  EXPECT_EQ(context_value(context, "rollout.status.currentRevision"), "7");
  EXPECT_EQ(context_value(context, "rollout.status.currentStepIndex"), "2");
  EXPECT_EQ(context_value(context, "rollout.status.canary"), R"({"weight":20})");
  EXPECT_EQ(context_value(context, "rollout.metadata.labels.team"), "payments");
}

TEST(NotificationContextTest, ContextValueOfAMissingPathIsEmpty) {
  const Json context = notification_context("t", rollout_object(), {});
  EXPECT_EQ(context_value(context, "nothing"), "");
  EXPECT_EQ(context_value(context, "rollout.status.nothing"), "");
  EXPECT_EQ(context_value(context, "name.deeper"), "");
  EXPECT_EQ(context_value(context, "rollout.spec.template.spec.containers.0"), "");
  EXPECT_EQ(context_value(context, ""), "");
  EXPECT_EQ(context_value(context, "rollout..status"), "");
  EXPECT_EQ(context_value(Json(nullptr), "name"), "");
}

}  // namespace
}  // namespace cutover::notify
