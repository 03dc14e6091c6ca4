// The order of a reconcile's writes when an SLO gate decides: a failed gate moves traffic to
// stable first, then scales the candidate down, and only then writes the events, the
// AnalysisRun and the Rollout's status. The world is driven to the gate through the pure
// planner (RolloutWorld), then copied into the fake API server, and one real reconcile runs.
#include "rollout/reconciler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <expected>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_kube_client.hpp"
#include "rollout/executor.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_world.hpp"
#include "util/encoding.hpp"
#include "util/yaml_json.hpp"

namespace cutover::rollout {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RolloutWorld;
using ::testing::StartsWith;

const kube::ResourceRef kRollouts{"cutover.dev/v1alpha1", "Rollout", "shop"};
const kube::ResourceRef kDeployments{"apps/v1", "Deployment", "shop"};
const kube::ResourceRef kServices{"v1", "Service", "shop"};
const kube::ResourceRef kEvents{"v1", "Event", "shop"};
const kube::ResourceRef kRuns{"cutover.dev/v1alpha1", "AnalysisRun", "shop"};
const kube::ResourceRef kPolicies{"cutover.dev/v1alpha1", "SLOPolicy", "shop"};

// One measurement decides the gate: a single failure fails it, a single success passes it.
const char* kErrorRatePolicy = R"(
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: http-error-rate, namespace: shop}
spec:
  metrics:
  - name: error-rate
    count: 1
    failureLimit: 0
    threshold:
      query: sum(rate(errors{pod=~"{{rollout.canaryPods}}"}[1m]))
      successCondition: result < 0.01
)";

Json error_rate_policy() {
  auto documents = parse_yaml_documents(kErrorRatePolicy);
  EXPECT_TRUE(documents.has_value());
  return documents ? documents->front() : Json();
}

Json gate() {
  return {{"policies", Json::array({{{"name", "http-error-rate"}}})}};
}

// Every query answers `value`.
class FixedSource final : public analysis::MetricsSource {
 public:
  explicit FixedSource(double value) : value_(value) {}
  std::expected<analysis::QueryResult, analysis::PrometheusError> query(
      std::string_view, std::optional<double>) override {
    analysis::QueryResult r;
    r.series.push_back(analysis::Series{{}, {analysis::Sample{1, value_}}});
    return r;
  }
  std::expected<analysis::QueryResult, analysis::PrometheusError> query_range(
      std::string_view promql, double, double, double) override {
    return query(promql, std::nullopt);
  }

 private:
  double value_;
};

AnalysisOptions answering(double value) {
  AnalysisOptions options;
  auto source = std::make_shared<FixedSource>(value);
  options.sources = [source](const analysis::PrometheusProvider&, const std::string&)
      -> std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> { return source; };
  return options;
}

// Copies the world's Rollout (with its status), slot Deployments and Services into `client`,
// plus the SLOPolicy and the gate's AnalysisRun: Running, its first measurement due at the
// world's `now`.
void seed_cluster(testing::FakeKubeClient& client, RolloutWorld& world, Json object,
                  const std::optional<StartAnalysis>& gate_run) {
  Rollout& r = world.rollout();
  r.uid = "uid-1";
  object["metadata"]["uid"] = r.uid;
  object["metadata"]["generation"] = r.generation;
  object["metadata"]["finalizers"] = Json::array({kFinalizer});
  object["spec"]["template"] = r.spec.pod_template;
  object["status"] = status_to_json(world.status());
  client.seed(kRollouts, object);
  for (const Slot slot : {Slot::a, Slot::b}) {
    const SlotObservation& seen = world.slot(slot);
    if (!seen.exists)
      continue;
    Json deployment = Executor::slot_deployment(r, slot, seen.revision, seen.spec_replicas);
    deployment["metadata"]["generation"] = 1;
    deployment["status"] = {{"observedGeneration", 1},
                            {"replicas", seen.spec_replicas},
                            {"readyReplicas", seen.ready_replicas},
                            {"availableReplicas", seen.available_replicas},
                            {"updatedReplicas", seen.updated_replicas}};
    client.seed(kDeployments, deployment);
  }
  for (const auto& [name, slot] : world.observed.service_slots) {
    Json selector = r.spec.selector["matchLabels"];
    if (slot)
      selector[kSlotLabel] = std::string(to_string(*slot));
    client.seed(kServices, {{"apiVersion", "v1"},
                            {"kind", "Service"},
                            {"metadata", {{"name", name}, {"namespace", "shop"}}},
                            {"spec", {{"selector", selector}}}});
  }
  client.seed(kPolicies, error_rate_policy());
  if (!gate_run)
    return;
  Json run = AnalysisDriver::build_run(r, world.observed, *gate_run, {error_rate_policy()});
  run["status"] = {{"phase", "Running"},
                   {"startedAt", format_rfc3339(world.now - std::chrono::seconds{10})}};
  client.seed(kRuns, run);
}

// What the reconciler reports for metrics.
struct RecordingObserver final : ReconcileObserver {
  std::vector<std::string> measurements, finished, rollbacks;
  void measured(std::string_view phase) override { measurements.emplace_back(phase); }
  void run_finished(std::string_view phase) override { finished.emplace_back(phase); }
  void rolled_back(std::string_view reason) override { rollbacks.emplace_back(reason); }
};

// The writes of the log, in order (reads left out).
std::vector<std::string> writes(const testing::FakeKubeClient& client) {
  std::vector<std::string> out;
  std::copy_if(client.log.begin(), client.log.end(), std::back_inserter(out),
               [](const std::string& entry) {
                 return !entry.starts_with("get ") && !entry.starts_with("list ");
               });
  return out;
}

// Positions in `log` of the entries that start with `prefix`.
std::vector<std::size_t> positions(const std::vector<std::string>& log, const std::string& prefix) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].starts_with(prefix))
      out.push_back(i);
  }
  return out;
}

std::string describe(const std::vector<std::string>& log) {
  std::string out;
  for (std::size_t i = 0; i < log.size(); ++i)
    out += "\n  " + std::to_string(i) + ": " + log[i];
  return out;
}

std::string selected_slot(testing::FakeKubeClient& client, const std::string& service) {
  const auto stored = client.get(kServices, service);
  EXPECT_TRUE(stored.has_value()) << service;
  return stored ? (*stored)["spec"]["selector"].value(kSlotLabel, "") : "";
}

std::vector<std::string> event_reasons(testing::FakeKubeClient& client) {
  std::vector<std::string> out;
  const auto events = client.list(kEvents, {});
  for (const auto& event : (*events)["items"])
    out.push_back(event.value("reason", ""));
  return out;
}

// A canary of 4 at 25% (one candidate pod), standing at its SLO gate (step 2 of 4) with the
// gate's run Running.
struct CanaryAtGate {
  RolloutWorld world;
  Json object;
  StartAnalysis gate_run;
  Slot stable = Slot::a;
  Slot candidate = Slot::b;
};

CanaryAtGate canary_at_gate() {
  Json object = testing::canary_rollout_json(4,
                                             Json::array({{{"setWeight", 25}},
                                                          {{"analysis", gate()}},
                                                          {{"setWeight", 50}},
                                                          {{"pause", Json::object()}}}),
                                             "web:1");
  object["spec"]["strategy"]["canary"]["abortScaleDownDelaySeconds"] = 0;
  CanaryAtGate out{RolloutWorld(object), object, {}};
  out.world.settle();
  out.world.set_image("web:2");
  out.world.settle();
  const auto& st = out.world.status();
  EXPECT_EQ(st.current_step_index, 1);
  EXPECT_EQ(st.current_weight, 25);
  EXPECT_TRUE(st.current_step_analysis.has_value());
  out.stable = *st.stable_slot;
  out.candidate = other(out.stable);
  EXPECT_EQ(out.world.slot(out.candidate).spec_replicas, 1);
  out.gate_run =
      StartAnalysis{analysis_run_name("web", st.current_revision, st.release_attempt, "step-1"),
                    "step-1", out.world.rollout().spec.canary().steps[1].analysis};
  EXPECT_EQ(st.current_step_analysis->name, out.gate_run.name);
  return out;
}

TEST(ReconcilerTest, FailedCanaryGateMovesTrafficToStableBeforeItWritesAnyRecord) {
  auto at = canary_at_gate();
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  clock.set_wall(at.world.now);
  seed_cluster(client, at.world, at.object, at.gate_run);
  const std::string stable(to_string(at.stable));
  const std::string candidate(to_string(at.candidate));
  ASSERT_EQ(selected_slot(client, "web-canary"), candidate) << "the candidate serves its 25%";
  client.log.clear();

  RecordingObserver observer;
  Reconciler reconciler(client, clock, "cutover", answering(0.5), &observer);
  const auto outcome = reconciler.reconcile("shop", "web");
  ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
  EXPECT_TRUE(outcome->aborted);
  EXPECT_EQ(observer.rollbacks, std::vector<std::string>{"analysis"});
  EXPECT_EQ(observer.measurements, std::vector<std::string>{"Failed"});
  EXPECT_EQ(observer.finished, std::vector<std::string>{"Failed"});
  EXPECT_TRUE(outcome->status_written);
  EXPECT_EQ(outcome->phase, Phase::degraded);

  // The order: traffic to stable, candidate down, events, the AnalysisRun, the Rollout.
  const auto log = writes(client);
  const auto pins = positions(log, "patch Service/");
  const auto candidate_down = positions(log, "patch Deployment/web-" + candidate + "/scale");
  const auto traffic = [&] {
    auto out = pins;
    const auto deployments = positions(log, "patch Deployment/");
    out.insert(out.end(), deployments.begin(), deployments.end());
    return out;
  }();
  const auto events = positions(log, "create Event/");
  const auto run_write = positions(log, "patch AnalysisRun/" + at.gate_run.name + "/status");
  const auto rollout_write = positions(log, "update Rollout/web/status");
  ASSERT_THAT(log, Contains("patch Service/web-canary")) << describe(log);
  ASSERT_EQ(candidate_down.size(), 1U) << describe(log);
  ASSERT_GE(events.size(), 2U) << describe(log);
  ASSERT_EQ(run_write.size(), 1U) << describe(log);
  ASSERT_EQ(rollout_write.size(), 1U) << describe(log);
  EXPECT_LT(*std::max_element(pins.begin(), pins.end()), candidate_down[0])
      << "every Service on stable before the candidate scales down" << describe(log);
  EXPECT_LT(*std::max_element(traffic.begin(), traffic.end()), events.front())
      << "traffic actions before the events" << describe(log);
  EXPECT_LT(events.back(), run_write[0]) << "events before the AnalysisRun" << describe(log);
  EXPECT_LT(run_write[0], rollout_write[0])
      << "the AnalysisRun before the Rollout's status" << describe(log);
  EXPECT_EQ(rollout_write[0], log.size() - 1) << "the Rollout's status last" << describe(log);

  // Events carry the injected clock's time, not the wall clock's.
  const auto stored_events = client.list(kEvents, {});
  ASSERT_TRUE(stored_events.has_value());
  for (const auto& event : (*stored_events)["items"])
    EXPECT_EQ(event.value("firstTimestamp", ""), format_rfc3339(at.world.now)) << event.dump();

  // The world afterwards.
  EXPECT_EQ(selected_slot(client, "web-stable"), stable);
  EXPECT_EQ(selected_slot(client, "web-canary"), stable) << "the canary Service back on stable";
  EXPECT_EQ((*client.get(kDeployments, "web-" + candidate))["spec"]["replicas"], 0);
  EXPECT_EQ((*client.get(kDeployments, "web-" + stable))["spec"]["replicas"], 4);
  EXPECT_THAT(event_reasons(client), Contains("AnalysisFailed"));
  EXPECT_THAT(event_reasons(client), Contains("RolloutAborted"));

  const auto run = client.get(kRuns, at.gate_run.name);
  ASSERT_TRUE(run.has_value());
  const Json& run_status = (*run)["status"];
  EXPECT_EQ(run_status["phase"], "Failed") << run_status.dump();
  ASSERT_EQ(run_status["metricResults"].size(), 1U) << run_status.dump();
  const Json& metric = run_status["metricResults"][0];
  EXPECT_EQ(metric["phase"], "Failed");
  EXPECT_EQ(metric["failed"], 1);
  ASSERT_EQ(metric["measurements"].size(), 1U);
  EXPECT_EQ(metric["measurements"][0]["phase"], "Failed");
  EXPECT_THAT(metric["measurements"][0]["value"].dump(), HasSubstr("0.5"));

  const auto stored = client.get(kRollouts, "web");
  ASSERT_TRUE(stored.has_value());
  auto parsed = parse_rollout(*stored);
  ASSERT_TRUE(parsed.has_value());
  const RolloutStatus& st = parsed->status;
  EXPECT_TRUE(st.abort);
  EXPECT_THAT(st.abort_reason, HasSubstr("step-1 analysis " + at.gate_run.name + " failed"));
  EXPECT_EQ(st.phase, Phase::degraded);
  EXPECT_EQ(st.stable_slot, at.stable);
  ASSERT_TRUE(st.current_step_analysis.has_value());
  EXPECT_EQ(st.current_step_analysis->phase, "Failed");
}

TEST(ReconcilerTest, PassingCanaryGateDoesNotAbortAndLeavesTheServicesAlone) {
  auto at = canary_at_gate();
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  clock.set_wall(at.world.now);
  seed_cluster(client, at.world, at.object, at.gate_run);
  const std::string stable(to_string(at.stable));
  const std::string candidate(to_string(at.candidate));
  client.log.clear();

  RecordingObserver observer;
  Reconciler reconciler(client, clock, "cutover", answering(0.001), &observer);
  const auto outcome = reconciler.reconcile("shop", "web");
  ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
  EXPECT_FALSE(outcome->aborted);
  EXPECT_TRUE(observer.rollbacks.empty());
  EXPECT_EQ(observer.measurements, std::vector<std::string>{"Successful"});

  const auto log = writes(client);
  EXPECT_THAT(log, Not(Contains(StartsWith("patch Service/")))) << describe(log);
  const auto run_write = positions(log, "patch AnalysisRun/" + at.gate_run.name + "/status");
  const auto rollout_write = positions(log, "update Rollout/web/status");
  // The next step's weight: the candidate grows first (an apply); stable already has its count
  // for now, so no scale of it is sent (only real changes).
  const auto deployments = positions(log, "apply Deployment/");
  const auto events = positions(log, "create Event/");
  ASSERT_EQ(run_write.size(), 1U) << describe(log);
  ASSERT_EQ(rollout_write.size(), 1U) << describe(log);
  ASSERT_FALSE(deployments.empty()) << "the next step's weight" << describe(log);
  ASSERT_FALSE(events.empty()) << describe(log);
  // The same order as a failure: the plan's actions, its events, then the records.
  EXPECT_LT(deployments.back(), events.front()) << describe(log);
  EXPECT_LT(events.back(), run_write[0]) << describe(log);
  EXPECT_LT(run_write[0], rollout_write[0]) << describe(log);
  EXPECT_EQ(selected_slot(client, "web-stable"), stable);
  EXPECT_EQ(selected_slot(client, "web-canary"), candidate) << "still the candidate's Service";

  const auto run = client.get(kRuns, at.gate_run.name);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ((*run)["status"]["phase"], "Successful") << (*run)["status"].dump();
  auto parsed = parse_rollout(*client.get(kRollouts, "web"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FALSE(parsed->status.abort);
  EXPECT_EQ(parsed->status.current_step_index, 2) << "past the gate, on to 50%";
  EXPECT_THAT(event_reasons(client), Contains("AnalysisPassed"));
  EXPECT_THAT(event_reasons(client), Not(Contains("RolloutAborted")));
}

TEST(ReconcilerTest, FailedPostPromotionGateFlipsTheActiveServiceBackBeforeAnyStatusWrite) {
  Json object = testing::blue_green_rollout_json(3, "pay:1", /*auto_promote=*/true);
  object["spec"]["strategy"]["blueGreen"]["postPromotionAnalysis"] = gate();
  object["spec"]["strategy"]["blueGreen"]["abortScaleDownDelaySeconds"] = 0;
  RolloutWorld world(object);
  world.settle();
  world.set_image("pay:2");
  world.settle();
  const auto& st = world.status();
  const Slot stable = *st.stable_slot;
  const Slot candidate = other(stable);
  ASSERT_EQ(world.observed.service_slots.at("pay-active"), candidate) << "flipped, gate running";
  const StartAnalysis gate_run{
      analysis_run_name("pay", st.current_revision, st.release_attempt, "post-promotion"),
      "post-promotion", *world.rollout().spec.blue_green().post_promotion_analysis};
  ASSERT_TRUE(st.current_step_analysis.has_value());
  ASSERT_EQ(st.current_step_analysis->name, gate_run.name);

  testing::FakeKubeClient client;
  testing::FakeClock clock;
  clock.set_wall(world.now);
  seed_cluster(client, world, object, gate_run);
  client.log.clear();

  RecordingObserver observer;
  Reconciler reconciler(client, clock, "cutover", answering(0.5), &observer);
  const auto outcome = reconciler.reconcile("shop", "pay");
  ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
  EXPECT_TRUE(outcome->aborted);
  EXPECT_EQ(observer.rollbacks, std::vector<std::string>{"analysis"});
  EXPECT_EQ(observer.measurements, std::vector<std::string>{"Failed"});
  EXPECT_EQ(observer.finished, std::vector<std::string>{"Failed"});

  const auto log = writes(client);
  const auto active_flip = positions(log, "patch Service/pay-active");
  const auto candidate_down =
      positions(log, "patch Deployment/pay-" + std::string(to_string(candidate)) + "/scale");
  const auto events = positions(log, "create Event/");
  const auto status_writes = [&] {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < log.size(); ++i) {
      if (log[i].ends_with("/status"))
        out.push_back(i);
    }
    return out;
  }();
  ASSERT_EQ(active_flip.size(), 1U) << describe(log);
  ASSERT_EQ(candidate_down.size(), 1U) << "abortScaleDownDelaySeconds: 0" << describe(log);
  ASSERT_FALSE(events.empty()) << describe(log);
  ASSERT_EQ(status_writes.size(), 2U) << "the AnalysisRun and the Rollout" << describe(log);
  EXPECT_LT(active_flip[0], candidate_down[0]) << describe(log);
  EXPECT_LT(candidate_down[0], events.front()) << describe(log);
  EXPECT_LT(events.back(), status_writes.front()) << describe(log);
  EXPECT_EQ(log[status_writes[0]], "patch AnalysisRun/" + gate_run.name + "/status");
  EXPECT_EQ(log[status_writes[1]], "update Rollout/pay/status");

  EXPECT_EQ(selected_slot(client, "pay-active"), to_string(stable)) << "flipped back";
  EXPECT_EQ(selected_slot(client, "pay-preview"), to_string(stable));
  EXPECT_EQ(
      (*client.get(kDeployments, "pay-" + std::string(to_string(candidate))))["spec"]["replicas"],
      0);
  EXPECT_EQ((*client.get(kRuns, gate_run.name))["status"]["phase"], "Failed");
  auto parsed = parse_rollout(*client.get(kRollouts, "pay"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(parsed->status.abort);
  EXPECT_THAT(parsed->status.abort_reason, HasSubstr("post-promotion analysis " + gate_run.name));
  EXPECT_EQ(parsed->status.stable_slot, stable);
}

// A canary Rollout `web` in `shop` as a user applies it (no status yet), with the Services its
// strategy names (each selecting app=web), or none.
Json fresh_canary(testing::FakeKubeClient& client, const std::vector<std::string>& services) {
  Json object = testing::canary_rollout_json(
      2, Json::array({{{"setWeight", 50}}, {{"pause", Json::object()}}}), "web:1");
  object["metadata"]["uid"] = "uid-1";
  auto& canary = object["spec"]["strategy"]["canary"];
  canary.erase("stableService");
  canary.erase("canaryService");
  if (!services.empty())
    canary["stableService"] = services[0];
  if (services.size() > 1)
    canary["canaryService"] = services[1];
  client.seed(kRollouts, object);
  for (const auto& name : services) {
    client.seed(kServices, {{"apiVersion", "v1"},
                            {"kind", "Service"},
                            {"metadata", {{"name", name}, {"namespace", "shop"}}},
                            {"spec", {{"selector", {{"app", "web"}}}}}});
  }
  return object;
}

Json stored_finalizers(testing::FakeKubeClient& client, const std::string& name) {
  const auto stored = client.get(kRollouts, name);
  EXPECT_TRUE(stored.has_value());
  return stored ? (*stored)["metadata"].value("finalizers", Json::array()) : Json();
}

// A routed canary whose candidate is ready at step 1 (setWeight 25), the HTTPRoute still at 0%.
// One reconcile of shop/web at `now` with an empty log: the writes it made.
std::vector<std::string> reconcile_once(testing::FakeKubeClient& client, WallTime now) {
  client.log.clear();
  testing::FakeClock clock;
  clock.set_wall(now);
  Reconciler reconciler(client, clock);
  const auto outcome = reconciler.reconcile("shop", "web");
  EXPECT_TRUE(outcome.has_value()) << outcome.error().describe();
  return writes(client);
}

TEST(ReconcilerTest, ARoutedStepCompletesInThePassThatWritesItsWeight) {
  Json object = testing::canary_rollout_json(
      4, Json::array({{{"setWeight", 25}}, {{"pause", Json::object()}}}), "web:1");
  object["spec"]["strategy"]["canary"]["trafficRouting"] = {
      {"gatewayAPI", {{"httpRoutes", Json::array({{{"name", "web"}}})}}}};
  RolloutWorld world(object);
  world.observed.routes["HTTPRoute shop/web"] = {0, ""};
  world.settle();
  world.routes_follow = false;  // stop where the route must be written
  world.set_image("web:2");
  world.settle();
  ASSERT_THAT(world.status().message, HasSubstr("waiting for the routes to read it"));
  const Slot candidate = other(*world.status().stable_slot);

  testing::FakeKubeClient client;
  seed_cluster(client, world, object, std::nullopt);
  const kube::ResourceRef routes{"gateway.networking.k8s.io/v1", "HTTPRoute", "shop"};
  client.seed(routes, Json::parse(R"({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"rules": [{"backendRefs": [{"name": "web-stable", "port": 80, "weight": 100},
                                        {"name": "web-canary", "port": 80, "weight": 0}]}]}})"));
  const auto log = reconcile_once(client, world.now);
  EXPECT_EQ(positions(log, "patch HTTPRoute/web").size(), 1U) << describe(log);
  EXPECT_EQ(positions(log, "update Rollout/web/status").size(), 1U)
      << "one status write, after the weight is read back" << describe(log);
  const auto stored = client.get(kRollouts, "web");
  ASSERT_TRUE(stored.has_value());
  const auto rollout = parse_rollout(*stored);
  ASSERT_TRUE(rollout.has_value());
  EXPECT_EQ(rollout->status.phase, Phase::paused) << rollout->status.message;
  EXPECT_EQ(rollout->status.current_step_index, 1);
  EXPECT_EQ(rollout->status.current_weight, 25);
  EXPECT_EQ((*client.get(routes, "web"))["spec"]["rules"][0]["backendRefs"][1]["weight"], 25);
  EXPECT_EQ(selected_slot(client, "web-canary"), std::string(to_string(candidate)));
}

TEST(ReconcilerTest, ASlotsTemplateIsRecordedBeforeTheSlotTakesAnotherRevision) {
  Json object = testing::canary_rollout_json(2, Json::array({{{"setWeight", 50}}}), "web:1");
  RolloutWorld world(object);
  world.settle();
  const std::string first = world.status().stable_revision;
  const Json first_template = world.rollout().spec.pod_template;
  world.set_image("web:2");
  world.settle();
  const Slot stable = *world.status().stable_slot;
  const Slot candidate = other(stable);
  ASSERT_EQ(world.slot(candidate).revision, first) << "the old slot still holds revision 1";
  world.set_image("web:3");  // the edit this reconcile sees

  testing::FakeKubeClient client;
  seed_cluster(client, world, object, std::nullopt);
  // The old slot was applied with revision 1's template (seed_cluster writes the spec's).
  const std::string old_slot = slot_deployment_name("web", candidate);
  Json deployment = *client.get(kDeployments, old_slot);
  deployment["metadata"]["annotations"][kTemplateAnnotation] = first_template.dump();
  client.seed(kDeployments, deployment);
  const auto log = reconcile_once(client, world.now);
  const auto records = positions(log, "create ControllerRevision/web-" + first);
  const auto applies = positions(log, "apply Deployment/" + old_slot);
  ASSERT_EQ(records.size(), 1U) << describe(log);
  ASSERT_EQ(applies.size(), 1U) << describe(log);
  EXPECT_LT(records[0], applies[0]) << "recorded before the slot loses it" << describe(log);
  EXPECT_EQ(positions(log, "create ControllerRevision/").size(), 1U)
      << "revision 2 is the stable slot's, revision 3 the spec's" << describe(log);
  const kube::ResourceRef records_ref{"apps/v1", "ControllerRevision", "shop"};
  const auto stored = client.get(records_ref, "web-" + first);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ((*stored)["data"]["template"], first_template);
  EXPECT_EQ((*stored)["revision"], 1);
}

TEST(ReconcilerTest, AFirstDeploymentRecordsNoRevisionAndTellsOneEvent) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  fresh_canary(client, {});
  Reconciler reconciler(client, clock);
  ASSERT_TRUE(reconciler.reconcile("shop", "web").has_value());
  EXPECT_THAT(writes(client), Not(Contains(StartsWith("create ControllerRevision/"))))
      << "the spec holds the only revision" << describe(writes(client));
  EXPECT_EQ(event_reasons(client), std::vector<std::string>{"FirstDeployment"});
  const auto slot = client.get(kDeployments, "web-a");
  ASSERT_TRUE(slot.has_value());
  EXPECT_EQ(Json::parse((*slot)["metadata"]["annotations"][kTemplateAnnotation].get<std::string>()),
            (*client.get(kRollouts, "web"))["spec"]["template"])
      << "the slot carries its revision's template";
}

TEST(ReconcilerFinalizerTest, TheFinalizerIsWrittenBeforeTheFirstPin) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  fresh_canary(client, {"web-stable", "web-canary"});
  Reconciler reconciler(client, clock);
  const auto outcome = reconciler.reconcile("shop", "web");
  ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
  EXPECT_TRUE(outcome->status_written) << "the status write used the finalizer's resourceVersion";

  const auto log = writes(client);
  const auto finalizer = positions(log, "patch Rollout/web");
  const auto pins = positions(log, "patch Service/");
  ASSERT_EQ(finalizer.size(), 1U) << describe(log);
  ASSERT_EQ(pins.size(), 2U) << "the first deployment pins both Services" << describe(log);
  EXPECT_EQ(finalizer[0], 0U) << "before anything else, the slot Deployment included"
                              << describe(log);
  EXPECT_EQ(stored_finalizers(client, "web"), Json::array({kFinalizer}));
  EXPECT_EQ(selected_slot(client, "web-stable"), "a");

  client.log.clear();
  ASSERT_TRUE(reconciler.reconcile("shop", "web").has_value());
  EXPECT_THAT(writes(client), Not(Contains(StartsWith("patch Rollout/"))))
      << "written once" << describe(writes(client));
}

TEST(ReconcilerFinalizerTest, ARolloutThatPinsNoServiceIsDeletedWithNoOperator) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  Json object = fresh_canary(client, {});
  Reconciler reconciler(client, clock);
  for (int pass = 0; pass < 3; ++pass) {
    const auto outcome = reconciler.reconcile("shop", "web");
    ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
    EXPECT_TRUE(outcome->found);
  }
  EXPECT_THAT(writes(client), Not(Contains(StartsWith("patch Rollout/"))))
      << describe(writes(client));
  EXPECT_EQ(stored_finalizers(client, "web"), Json::array());
  EXPECT_THAT(writes(client), Contains("apply Deployment/web-a")) << "it did deploy";
}

TEST(ReconcilerFinalizerTest, AnEarlierVersionsFinalizerGoesWhenNothingIsPinned) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  Json object = fresh_canary(client, {});
  object["metadata"]["finalizers"] = Json::array({"example.com/other", kFinalizer});
  client.seed(kRollouts, object);
  Reconciler reconciler(client, clock);
  const auto outcome = reconciler.reconcile("shop", "web");
  ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
  EXPECT_TRUE(outcome->status_written);
  EXPECT_EQ(stored_finalizers(client, "web"), Json::array({"example.com/other"}))
      << "only ours is removed";
}

// The path `deploy delete` drives with no operator: a Rollout being deleted gets its Services'
// selectors back (only our key removed), then loses the finalizer.
TEST(ReconcilerFinalizerTest, DeletionRestoresTheServicesThenRemovesTheFinalizer) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  fresh_canary(client, {"web-stable", "web-canary"});
  Reconciler reconciler(client, clock);
  ASSERT_TRUE(reconciler.reconcile("shop", "web").has_value());
  ASSERT_EQ(selected_slot(client, "web-stable"), "a");

  Json object = *client.get(kRollouts, "web");
  object["metadata"]["deletionTimestamp"] = "2026-11-22T10:00:00Z";
  client.seed(kRollouts, object);
  client.log.clear();
  const auto outcome = reconciler.reconcile("shop", "web");
  ASSERT_TRUE(outcome.has_value()) << outcome.error().describe();
  EXPECT_FALSE(outcome->found) << "nothing left to do for it";
  const auto log = writes(client);
  const auto pins = positions(log, "patch Service/");
  const auto finalizer = positions(log, "patch Rollout/web");
  ASSERT_EQ(pins.size(), 2U) << describe(log);
  ASSERT_EQ(finalizer.size(), 1U) << describe(log);
  EXPECT_LT(pins.back(), finalizer[0]) << "Services first, then the finalizer" << describe(log);
  for (const char* service : {"web-stable", "web-canary"}) {
    const Json selector = (*client.get(kServices, service))["spec"]["selector"];
    EXPECT_EQ(selector, Json({{"app", "web"}})) << service << ": only our key goes";
  }
  EXPECT_EQ(stored_finalizers(client, "web"), Json::array());

  client.log.clear();
  const auto again = reconciler.reconcile("shop", "web");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->found);
  EXPECT_TRUE(writes(client).empty()) << "idempotent" << describe(writes(client));
}

}  // namespace
}  // namespace cutover::rollout
