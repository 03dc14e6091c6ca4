// One rendering of a canary step, shared by `deploy status` and the GitHub Actions summary.
#include "step_text.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace cutover::cli {
namespace {

using Kind = rollout::CanaryStep::Kind;

rollout::CanaryStep step(Kind kind) {
  rollout::CanaryStep out;
  out.kind = kind;
  return out;
}

TEST(StepText, SetWeight) {
  auto s = step(Kind::set_weight);
  s.weight = 25;
  EXPECT_EQ(step_text(s), "setWeight 25");
}

TEST(StepText, PauseUntilPromoted) {
  EXPECT_EQ(step_text(step(Kind::pause)), "pause (until promoted)");
}

TEST(StepText, TimedPauseReadsAsTheUserWroteIt) {
  auto s = step(Kind::pause);
  for (const auto& [seconds, text] : {std::pair{1, "pause 1s"},
                                      {30, "pause 30s"},
                                      {60, "pause 1m"},
                                      {90, "pause 1m30s"},
                                      {3600, "pause 1h"},
                                      {3725, "pause 1h2m5s"},
                                      {0, "pause 0s"}}) {
    s.pause_duration = std::chrono::seconds{seconds};
    EXPECT_EQ(step_text(s), text) << seconds << "s";
  }
}

TEST(StepText, SetCanaryScale) {
  auto s = step(Kind::set_canary_scale);
  EXPECT_EQ(step_text(s), "setCanaryScale matchTrafficWeight");
  s.scale_weight = 20;
  EXPECT_EQ(step_text(s), "setCanaryScale weight=20");
  s.scale_replicas = 2;
  EXPECT_EQ(step_text(s), "setCanaryScale replicas=2") << "replicas wins, as in the planner";
}

TEST(StepText, AnalysisNamesItsPolicies) {
  auto s = step(Kind::analysis);
  EXPECT_EQ(step_text(s), "analysis");
  s.analysis.policies.push_back({"error-rate", false});
  EXPECT_EQ(step_text(s), "analysis error-rate");
  s.analysis.policies.push_back({"latency-p99", true});
  EXPECT_EQ(step_text(s), "analysis error-rate, latency-p99");
}

TEST(StepText, MirrorRouteWithoutMatchRemovesARolloutsButMirrorsAMigrationsPaths) {
  auto s = step(Kind::set_mirror_route);
  s.route.name = "shadow";
  s.route.mirror_percent = 100;
  EXPECT_EQ(step_text(s), "setMirrorRoute shadow (remove)");
  EXPECT_EQ(step_text(s, StepOwner::migration), "setMirrorRoute shadow 100%");
  s.route.mirror_percent = 0;
  EXPECT_EQ(step_text(s, StepOwner::migration), "setMirrorRoute shadow (remove)");
  s.route.mirror_percent = 50;
  s.route.matches.emplace_back();
  EXPECT_EQ(step_text(s), "setMirrorRoute shadow 50%");
}

}  // namespace
}  // namespace cutover::cli
