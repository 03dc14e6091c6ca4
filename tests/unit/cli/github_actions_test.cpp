// GitHub Actions: outputs and the step summary of a release, written to temporary files.
#include "github_actions.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rollout/rollout_json.hpp"

namespace cutover::cli {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

RolloutSnapshot snapshot() {
  const Json object = Json::parse(R"({
    "apiVersion": "cutover.dev/v1alpha1", "kind": "Rollout",
    "metadata": {"name": "web", "namespace": "shop", "generation": 2},
    "spec": {"selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "web:2"}]}},
             "strategy": {"canary": {"stableService": "web-stable", "steps": [
               {"setWeight": 25}, {"pause": {}}, {"analysis": {"policies": [{"name": "errors"}]}},
               {"setWeight": 75}]}}},
    "status": {"phase": "Paused", "observedGeneration": 2, "currentRevision": "r2",
               "stableRevision": "r1", "currentStepIndex": 1, "currentWeight": 25,
               "message": "waiting | for promotion"}})");
  RolloutSnapshot out;
  out.object = object;
  out.rollout = *rollout::parse_rollout(object);
  return out;
}

TEST(GithubActions, DisabledOutsideActions) {
  ::unsetenv("GITHUB_ACTIONS");
  EXPECT_FALSE(GithubActions::from_environment().enabled);
  ::setenv("GITHUB_ACTIONS", "true", 1);
  ::setenv("GITHUB_OUTPUT", "/tmp/o", 1);
  const auto actions = GithubActions::from_environment();
  EXPECT_TRUE(actions.enabled);
  EXPECT_EQ(actions.output_file, "/tmp/o");
  ::unsetenv("GITHUB_ACTIONS");
  ::unsetenv("GITHUB_OUTPUT");
}

TEST(GithubActions, OutputsAndSummaryGoToTheirFiles) {
  const fs::path dir = fs::temp_directory_path() / ("deploy-gha-" + std::to_string(getpid()));
  fs::create_directories(dir);
  GithubActions actions{true, (dir / "output").string(), (dir / "summary").string()};
  const ReleaseOutcome outcome{"deploy set image web web=web:2 --wait", "Paused", 3,
                               std::chrono::milliseconds{61'500}};
  ASSERT_TRUE(actions.set_outputs(release_outputs(snapshot(), outcome)));
  ASSERT_TRUE(actions.set_outputs({{"note", "two\nlines"}}));
  EXPECT_EQ(slurp(dir / "output"),
            "phase=Paused\nrevision=r2\nverdict=Paused\nduration=61\n"
            "note<<CUTOVER_EOF\ntwo\nlines\nCUTOVER_EOF\n");
  const Json run = Json::parse(R"({"metadata": {"name": "web-r2-1-errors"},
    "status": {"metricResults": [{"name": "errors/rate", "phase": "Running",
      "measurements": [{"value": "0.01"}, {"value": "0.02"}]}]}})");
  ASSERT_TRUE(actions.append_summary(release_summary(snapshot(), outcome, {run})));
  EXPECT_EQ(slurp(dir / "summary"),
            "### ⏸️ Rollout `shop/web`: Paused\n\n"
            "| | |\n| --- | --- |\n"
            "| Command | `deploy set image web web=web:2 --wait` |\n"
            "| Phase | Paused |\n| Strategy | Canary |\n| Revision | r2 (stable r1) |\n"
            "| Weight | 25% |\n| Duration | 61s |\n| Exit code | 3 |\n"
            "| Message | waiting / for promotion |\n"
            "\n#### Steps\n\n| # | Step | Weight | State |\n| --- | --- | --- | --- |\n"
            "| 1 | setWeight 25 | 25% | done |\n"
            "| 2 | pause (until promoted) | 25% | running |\n"
            "| 3 | analysis errors | 25% | waiting |\n"
            "| 4 | setWeight 75 | 75% | waiting |\n"
            "\n#### Analysis\n\n| Run | Metric | Phase | Last measurements | Message |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| web-r2-1-errors | errors/rate | Running | 0.01, 0.02 |  |\n\n");
  fs::remove_all(dir);
}

// The summary names a step as `deploy status` does (step_text): a timed pause in the units the
// user wrote, not in seconds.
TEST(GithubActions, StepsReadAsInDeployStatus) {
  RolloutSnapshot timed = snapshot();
  timed.object["spec"]["strategy"]["canary"]["steps"][1] = {{"pause", {{"duration", "90s"}}}};
  timed.rollout = *rollout::parse_rollout(timed.object);
  const std::string md = release_summary(timed, {"deploy run web", "Paused", 3, {}}, {});
  EXPECT_NE(md.find("| 2 | pause 1m30s | 25% | running |\n"), std::string::npos) << md;
}

TEST(GithubActions, LogGroupOnlyWhenEnabled) {
  std::ostringstream out;
  {
    LogGroup group(GithubActions{true, "", ""}, "deploy run web", out);
    out << "log\n";
  }
  { LogGroup group(GithubActions{}, "x", out); }
  EXPECT_EQ(out.str(), "::group::deploy run web\nlog\n::endgroup::\n");
  EXPECT_EQ(verdict_for_exit(0), "Healthy");
  EXPECT_EQ(verdict_for_exit(4), "TimedOut");
}

}  // namespace
}  // namespace cutover::cli
