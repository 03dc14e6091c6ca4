// Golden output of `deploy list`, `status` and `history`: fixed Rollouts, a fixed clock, no
// colour. The files under tests/unit/testdata/cli/ are the contract users and scripts see.
#include "rollout_view.hpp"

#include <gtest/gtest.h>

#include "golden.hpp"
#include "rollout/rollout_json.hpp"
#include "util/encoding.hpp"

namespace cutover::cli {
namespace {

using testing::expect_golden;
using testing::read_json;

WallTime fixed_now() {
  return *parse_rfc3339("2026-11-22T12:00:00Z");
}

Json all_rollouts() {
  return Json::array({read_json("rollout_paused.json"), read_json("rollout_aborted.json"),
                      read_json("rollout_blue_green.json")});
}

RolloutSnapshot snapshot_of(const std::string& file) {
  Json object = read_json(file);
  auto parsed = rollout::parse_rollout(object);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().describe());
  return {*parsed, object, {}};
}

TEST(RolloutView, ListGolden) {
  expect_golden("list.txt", render_list(all_rollouts(), false, Output::table, fixed_now()));
}

TEST(RolloutView, ListAllNamespacesWideGolden) {
  expect_golden("list_all_wide.txt", render_list(all_rollouts(), true, Output::wide, fixed_now()));
}

TEST(RolloutView, ListOfNothingIsEmpty) {
  EXPECT_EQ(render_list(Json::array(), false, Output::table, fixed_now()), "");
}

TEST(RolloutView, ListShowsAnInvalidRolloutInsteadOfFailing) {
  Json broken = read_json("rollout_aborted.json");
  broken["spec"]["replicas"] = "three";
  const std::string out = render_list(Json::array({broken}), false, Output::wide, fixed_now());
  EXPECT_NE(out.find("Invalid"), std::string::npos) << out;
  EXPECT_NE(out.find("spec.replicas"), std::string::npos) << out;
}

TEST(RolloutView, StatusPausedCanaryGolden) {
  auto snapshot = snapshot_of("rollout_paused.json");
  snapshot.slots[0] = slot_state(read_json("slot_web_a.json"));
  snapshot.slots[1] = slot_state(read_json("slot_web_b.json"));
  expect_golden("status_paused.txt", render_status(snapshot, fixed_now(), Terminal{}));
}

TEST(RolloutView, StatusShowsWhatEachRouteReadsBack) {
  auto snapshot = snapshot_of("rollout_paused.json");
  snapshot.rollout.status.route_weights = {{"HTTPRoute shop/web", 5},
                                           {"GRPCRoute shop/web-grpc", std::nullopt}};
  const std::string out = render_status(snapshot, fixed_now(), Terminal{});
  EXPECT_NE(out.find("HTTPRoute shop/web: 5% canary"), std::string::npos) << out;
  EXPECT_NE(out.find("GRPCRoute shop/web-grpc: its rules disagree"), std::string::npos) << out;
}

TEST(RolloutView, AnInconclusiveAnalysisSaysHowToGoOn) {
  auto snapshot = snapshot_of("rollout_paused.json");
  snapshot.rollout.status.pause_conditions = {{"AnalysisInconclusive", fixed_now()}};
  const std::string text = render_status(snapshot, fixed_now(), Terminal{});
  EXPECT_NE(text.find("deploy promote web to pass the inconclusive analysis, deploy retry web to "
                      "run it again, or deploy abort web"),
            std::string::npos)
      << text;
}

TEST(RolloutView, StatusNamesTheDeployRunThatDrivesIt) {
  auto snapshot = snapshot_of("rollout_paused.json");
  const std::string without = render_status(snapshot, fixed_now(), Terminal{});
  EXPECT_EQ(without.find("Driven by"), std::string::npos) << without;
  snapshot.driven_by =
      "deploy run runner-7/42 (lease renewed 2s ago); the operator will take "
      "over if it expires";
  const std::string text = render_status(snapshot, fixed_now(), Terminal{});
  EXPECT_NE(text.find("\nDriven by: deploy run runner-7/42 (lease renewed 2s ago); the operator "
                      "will take over if it expires\n"),
            std::string::npos)
      << text;
}

TEST(RolloutView, StatusAbortedGolden) {
  expect_golden("status_aborted.txt",
                render_status(snapshot_of("rollout_aborted.json"), fixed_now(), Terminal{}));
}

TEST(RolloutView, StatusBlueGreenGolden) {
  expect_golden("status_blue_green.txt",
                render_status(snapshot_of("rollout_blue_green.json"), fixed_now(), Terminal{}));
}

TEST(RolloutView, StatusColoursOnlyWhenAsked) {
  const auto snapshot = snapshot_of("rollout_aborted.json");
  EXPECT_EQ(render_status(snapshot, fixed_now(), Terminal{}).find('\x1b'), std::string::npos);
  Terminal colour;
  colour.color = true;
  EXPECT_NE(render_status(snapshot, fixed_now(), colour).find("\x1b[31m"), std::string::npos);
}

TEST(RolloutView, StatusLineForPipes) {
  auto snapshot = snapshot_of("rollout_paused.json");
  snapshot.slots[0] = slot_state(read_json("slot_web_a.json"));
  snapshot.slots[1] = slot_state(read_json("slot_web_b.json"));
  EXPECT_EQ(render_status_line(snapshot),
            "web: Paused, step 1/6, weight 25%, web-a 3/3, web-b 0/1 (step 2/6: paused until "
            "promoted)");
}

TEST(RolloutView, HistoryGolden) {
  auto parsed = rollout::parse_rollout(read_json("rollout_paused.json"));
  ASSERT_TRUE(parsed);
  expect_golden("history.txt", render_history(*parsed, Output::table, fixed_now()));
}

TEST(RolloutView, HistoryWideSaysWhyItWasAborted) {
  auto parsed = rollout::parse_rollout(read_json("rollout_aborted.json"));
  ASSERT_TRUE(parsed);
  expect_golden("history_aborted_wide.txt", render_history(*parsed, Output::wide, fixed_now()));
}

TEST(RolloutView, HumanAgesMatchKubectl) {
  using std::chrono::seconds;
  EXPECT_EQ(human_age(seconds{-5}), "0s");
  EXPECT_EQ(human_age(seconds{45}), "45s");
  EXPECT_EQ(human_age(seconds{119}), "119s");
  EXPECT_EQ(human_age(seconds{192}), "3m12s");
  EXPECT_EQ(human_age(seconds{600}), "10m");
  EXPECT_EQ(human_age(seconds{5 * 3600 + 180}), "5h3m");
  EXPECT_EQ(human_age(seconds{30 * 3600}), "30h");
  EXPECT_EQ(human_age(seconds{52 * 3600}), "2d4h");
  EXPECT_EQ(human_age(seconds{120LL * 86400}), "120d");
  EXPECT_EQ(human_age(seconds{800LL * 86400}), "2y");
}

TEST(RolloutView, TrafficBar) {
  EXPECT_EQ(traffic_bar(0, 4), "░░░░");
  EXPECT_EQ(traffic_bar(50, 4), "██░░");
  EXPECT_EQ(traffic_bar(100, 4), "████");
  EXPECT_EQ(traffic_bar(250, 4), "████");
}

}  // namespace
}  // namespace cutover::cli
