// When a watcher stops, and with which exit code.
#include "rollout_watch.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "exit_code.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_kube_client.hpp"
#include "golden.hpp"
#include "rollout/rollout_json.hpp"

namespace cutover::cli {
namespace {

using testing::read_json;

rollout::Rollout parsed(const Json& object) {
  auto r = rollout::parse_rollout(object);
  EXPECT_TRUE(r.has_value());
  return *r;
}

TEST(RolloutWatch, VerdictWaitsForTheLatestSpecToBeObserved) {
  Json object = read_json("rollout_blue_green.json");
  EXPECT_EQ(verdict(parsed(object)), Verdict::healthy);
  object["metadata"]["generation"] = 3;  // a new image, not yet seen by the controller
  EXPECT_EQ(verdict(parsed(object)), Verdict::watching);
}

TEST(RolloutWatch, VerdictFailsFastOnAReconcileErrorAboutTheCurrentGeneration) {
  Json object = read_json("rollout_blue_green.json");
  object["metadata"]["generation"] = 3;  // a new image the operator cannot carry out
  object["status"]["conditions"].push_back({{"type", "ReconcileError"},
                                            {"status", "True"},
                                            {"reason", "Forbidden"},
                                            {"message", "reconcile failing: forbidden (403)"},
                                            {"observedGeneration", 3}});
  EXPECT_EQ(verdict(parsed(object)), Verdict::degraded);
  // The user fixed it and wrote a new spec: the error speaks of an older generation.
  object["metadata"]["generation"] = 4;
  EXPECT_EQ(verdict(parsed(object)), Verdict::watching);
}

TEST(RolloutWatch, VerdictStopsAtAPersonsPauseOnly) {
  Json object = read_json("rollout_paused.json");
  EXPECT_EQ(verdict(parsed(object)), Verdict::paused) << "pause: {} waits for a promote";
  object["status"]["currentStepIndex"] = 3;  // pause: {duration: 30s}
  EXPECT_EQ(verdict(parsed(object)), Verdict::watching);
  object["status"]["pauseConditions"] = Json::array();  // just promoted, not yet reconciled
  EXPECT_EQ(verdict(parsed(object)), Verdict::watching);
  object["status"]["pauseConditions"] = Json::parse(R"([{"reason":"PausedBySpec"}])");
  EXPECT_EQ(verdict(parsed(object)), Verdict::paused);
}

TEST(RolloutWatch, VerdictWaitsForARequestedAbortToBeCarriedOut) {
  Json object = read_json("rollout_paused.json");
  object["status"]["abort"] = true;  // deploy abort, not yet acted on
  EXPECT_EQ(verdict(parsed(object)), Verdict::watching);
}

TEST(RolloutWatch, VerdictTreatsAPendingRetryAsInProgress) {
  Json object = read_json("rollout_aborted.json");
  EXPECT_EQ(verdict(parsed(object)), Verdict::degraded);
  object["status"]["abort"] = false;  // deploy retry, not yet acted on
  EXPECT_EQ(verdict(parsed(object)), Verdict::watching);
}

TEST(RolloutWatch, ExitCodes) {
  EXPECT_EQ(exit_code_for(Verdict::healthy, SuccessOnPause::no), kOk);
  EXPECT_EQ(exit_code_for(Verdict::degraded, SuccessOnPause::yes), kFailed);
  EXPECT_EQ(exit_code_for(Verdict::paused, SuccessOnPause::no), kPaused);
  EXPECT_EQ(exit_code_for(Verdict::paused, SuccessOnPause::yes), kOk);
  EXPECT_EQ(exit_code_for(Verdict::watching, SuccessOnPause::yes), kPaused);
}

struct WatchRun {
  int code;
  std::string out;
  std::string err;
};

WatchRun watch(testing::FakeKubeClient& client, testing::FakeClock& clock, const std::string& name,
               WatchOptions options) {
  std::ostringstream out;
  std::ostringstream err;
  const int code =
      watch_rollout(client, kube::RestConfig{}, "shop", name, clock, Terminal{}, options, out, err);
  return {code, out.str(), err.str()};
}

TEST(RolloutWatch, PausedRolloutExitsThreeOrZeroWithSuccessOnPause) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  client.seed({"cutover.dev/v1alpha1", "Rollout", "shop"}, read_json("rollout_paused.json"));
  auto run = watch(client, clock, "web", {});
  EXPECT_EQ(run.code, kPaused);
  EXPECT_EQ(run.out, "web: Paused, step 1/6, weight 25% (step 2/6: paused until promoted)\n");
  run = watch(client, clock, "web", {.success_on_pause = SuccessOnPause::yes});
  EXPECT_EQ(run.code, kOk);
}

TEST(RolloutWatch, TimesOutWithExitFourAndSaysWhereItStands) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  Json object = read_json("rollout_paused.json");
  object["status"]["currentStepIndex"] = 3;  // a timed pause that never ends in this world
  client.seed({"cutover.dev/v1alpha1", "Rollout", "shop"}, object);
  const auto run = watch(client, clock, "web", {.timeout = std::chrono::seconds{5}});
  EXPECT_EQ(run.code, kTimedOut);
  EXPECT_NE(run.err.find("did not settle within 5s (it is Paused"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find('\n'), run.out.size() - 1) << "one line, printed once: " << run.out;
}

TEST(RolloutWatch, UnknownRolloutIsAUsageError) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  const auto run = watch(client, clock, "nope", {});
  EXPECT_EQ(run.code, kUsage);
  EXPECT_NE(run.err.find("rollout shop/nope not found"), std::string::npos) << run.err;
}

TEST(RolloutWatch, JsonOutputPrintsOnlyTheFinalObject) {
  testing::FakeKubeClient client;
  testing::FakeClock clock;
  client.seed({"cutover.dev/v1alpha1", "Rollout", "shop"}, read_json("rollout_aborted.json"));
  const auto run = watch(client, clock, "api", {.output = Output::json});
  EXPECT_EQ(run.code, kFailed);
  EXPECT_EQ(Json::parse(run.out)["status"]["phase"], "Degraded");
}

}  // namespace
TEST(RolloutWatch, RedrawGoesBackOverEveryRowOfThePreviousFrame) {
  EXPECT_EQ(redraw_prefix("a\nb\nc\n", 80, 24), "\x1b[3A\r\x1b[J");
  // Unknown size (columns 0): one row per line.
  EXPECT_EQ(redraw_prefix("a\nb\n", 0, 0), "\x1b[2A\r\x1b[J");
}

TEST(RolloutWatch, RedrawCountsWrappedLinesAndIgnoresColourCodes) {
  const std::string long_line(25, 'x');  // 3 rows on a 10-column terminal
  EXPECT_EQ(redraw_prefix(long_line + "\nshort\n", 10, 24), "\x1b[4A\r\x1b[J");
  // Ten box-drawing glyphs (3 bytes each) and colour codes fit in 10 columns.
  std::string glyphs;
  for (int i = 0; i < 10; ++i)
    glyphs += "\u2588";
  EXPECT_EQ(redraw_prefix("\x1b[32m" + glyphs + "\x1b[0m\n", 10, 24), "\x1b[1A\r\x1b[J");
}

TEST(RolloutWatch, RedrawClearsTheScreenWhenTheFrameDidNotFit) {
  std::string tall;
  for (int i = 0; i < 30; ++i)
    tall += "line\n";
  EXPECT_EQ(redraw_prefix(tall, 80, 24), "\x1b[H\x1b[2J");
}

}  // namespace cutover::cli
