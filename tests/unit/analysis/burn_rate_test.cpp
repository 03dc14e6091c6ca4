#include "analysis/burn_rate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <vector>

namespace cutover::analysis {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(BurnRateTest, DefaultWindowsAreTheWorkbookTable) {
  const std::vector<BurnWindow> windows = default_burn_windows();
  ASSERT_EQ(windows.size(), 4u);
  EXPECT_EQ(windows[0].long_window, hours{1});
  EXPECT_EQ(windows[0].short_window, minutes{5});
  EXPECT_DOUBLE_EQ(windows[0].burn_rate, 14.4);
  EXPECT_EQ(windows[1].long_window, hours{6});
  EXPECT_EQ(windows[1].short_window, minutes{30});
  EXPECT_DOUBLE_EQ(windows[1].burn_rate, 6);
  EXPECT_EQ(windows[2].long_window, hours{24});
  EXPECT_EQ(windows[2].short_window, hours{2});
  EXPECT_DOUBLE_EQ(windows[2].burn_rate, 3);
  EXPECT_EQ(windows[3].long_window, hours{72});
  EXPECT_EQ(windows[3].short_window, hours{6});
  EXPECT_DOUBLE_EQ(windows[3].burn_rate, 1);
  // Burn rate = budget fraction × 30 days ÷ long window, and short = long / 12.
  const double budget_fraction[] = {0.02, 0.05, 0.10, 0.10};
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const double period_hours = 30 * 24;
    const auto long_hours = static_cast<double>(windows[i].long_window.count()) / 3600;
    EXPECT_NEAR(windows[i].burn_rate, budget_fraction[i] * period_hours / long_hours, 1e-9);
    EXPECT_EQ(windows[i].short_window * 12, windows[i].long_window);
  }
}

TEST(BurnRateTest, ScaleWindowsRoundsAndClamps) {
  const std::vector<BurnWindow> defaults = default_burn_windows();
  // 1h → 36s and 5m → 3s (clamped to 30s) at 1/100.
  const std::vector<BurnWindow> scaled = scale_windows(defaults, 0.01, seconds{30});
  ASSERT_EQ(scaled.size(), 4u);
  EXPECT_EQ(scaled[0].long_window, seconds{36});
  EXPECT_EQ(scaled[0].short_window, seconds{30});
  EXPECT_DOUBLE_EQ(scaled[0].burn_rate, 14.4);
  EXPECT_EQ(scaled[1].long_window, seconds{216});
  EXPECT_EQ(scaled[1].short_window, seconds{30});
  EXPECT_EQ(scaled[2].long_window, seconds{864});
  EXPECT_EQ(scaled[2].short_window, seconds{72});
  EXPECT_EQ(scaled[3].long_window, seconds{2592});
  EXPECT_EQ(scaled[3].short_window, seconds{216});

  // Rounding to the nearest second.
  const BurnWindow odd[] = {{seconds{10}, seconds{3}, 2}};
  const auto rounded = scale_windows(odd, 0.25, seconds{0});
  EXPECT_EQ(rounded[0].long_window, seconds{3});   // 2.5 rounds away from zero
  EXPECT_EQ(rounded[0].short_window, seconds{1});  // 0.75

  EXPECT_EQ(scale_windows(defaults, 1.0, seconds{1})[2].long_window, hours{24});
}

TEST(BurnRateTest, ScaleWindowsSurvivesNonsense) {
  const std::vector<BurnWindow> defaults = default_burn_windows();
  for (const double scale : {0.0, -1.0, nan}) {
    for (const BurnWindow& window : scale_windows(defaults, scale, seconds{60})) {
      EXPECT_EQ(window.long_window, seconds{60});
      EXPECT_EQ(window.short_window, seconds{60});
    }
  }
  const auto huge = scale_windows(defaults, 1e300, seconds{1});
  EXPECT_EQ(huge[0].long_window, seconds{315360000});
  const auto infinite =
      scale_windows(defaults, std::numeric_limits<double>::infinity(), seconds{1});
  EXPECT_EQ(infinite[0].long_window, seconds{315360000});
  EXPECT_TRUE(scale_windows({}, 2.0, seconds{1}).empty());
}

TEST(BurnRateTest, FormatWindow) {
  EXPECT_EQ(format_window(seconds{36}), "36s");
  EXPECT_EQ(format_window(minutes{5}), "5m");
  EXPECT_EQ(format_window(seconds{5400}), "1h30m");
  EXPECT_EQ(format_window(hours{1}), "1h");
  EXPECT_EQ(format_window(hours{24}), "1d");
  EXPECT_EQ(format_window(hours{72}), "3d");
  EXPECT_EQ(format_window(seconds{90061}), "1d1h1m1s");
  EXPECT_EQ(format_window(seconds{216}), "3m36s");
  EXPECT_EQ(format_window(seconds{0}), "0s");
  EXPECT_EQ(format_window(seconds{-5}), "0s");
}

// Thresholds at 99.9%: 0.0144, 0.006, 0.003, 0.001.
TEST(BurnRateTest, APairFiresOnlyWhenBothWindowsAreAbove) {
  const std::vector<BurnWindow> windows = default_burn_windows();
  const std::vector<WindowRatios> long_only = {
      {0.05, 0.001}, {0.001, 0.001}, {0.001, 0.001}, {0.0005, 0.0005}};
  EXPECT_EQ(judge_burn_rate(99.9, windows, long_only).phase, MeasurementPhase::successful);
  const std::vector<WindowRatios> short_only = {
      {0.001, 0.05}, {0.001, 0.001}, {0.001, 0.001}, {0.0005, 0.0005}};
  EXPECT_EQ(judge_burn_rate(99.9, windows, short_only).phase, MeasurementPhase::successful);
  const std::vector<WindowRatios> both = {
      {0.031, 0.045}, {0.001, 0.001}, {0.001, 0.001}, {0.0005, 0.0005}};
  const Judgement fired = judge_burn_rate(99.9, windows, both);
  EXPECT_EQ(fired.phase, MeasurementPhase::failed);
  EXPECT_EQ(fired.message,
            "error budget of the 99.9% objective burning too fast: 1h/5m pair at 14.4x: error "
            "ratio 0.031 over 1h and 0.045 over 5m, both above 0.0144");
}

TEST(BurnRateTest, PairsCombineWithOr) {
  const std::vector<BurnWindow> windows = default_burn_windows();
  const std::vector<WindowRatios> slow_burn = {
      {0.002, 0.002}, {0.002, 0.002}, {0.002, 0.002}, {0.0015, 0.0012}};
  const Judgement judgement = judge_burn_rate(99.9, windows, slow_burn);
  EXPECT_EQ(judgement.phase, MeasurementPhase::failed);
  EXPECT_THAT(judgement.message, HasSubstr("3d/6h pair at 1x"));
  EXPECT_THAT(judgement.message, ::testing::Not(HasSubstr("1h/5m")));
}

TEST(BurnRateTest, ThresholdIsStrictlyAbove) {
  const BurnWindow windows[] = {{hours{1}, minutes{5}, 10}};
  const double threshold = 10 * (1 - 99.0 / 100);  // computed as the judge computes it
  const WindowRatios at[] = {{threshold, threshold}};
  EXPECT_EQ(judge_burn_rate(99.0, windows, at).phase, MeasurementPhase::successful);
  const WindowRatios above[] = {{threshold * 1.0001, threshold * 1.0001}};
  EXPECT_EQ(judge_burn_rate(99.0, windows, above).phase, MeasurementPhase::failed);
}

TEST(BurnRateTest, NoDataIsInconclusiveUnlessAPairFires) {
  const std::vector<BurnWindow> windows = default_burn_windows();
  const std::vector<WindowRatios> missing_short = {
      {0.001, nan}, {0.001, 0.001}, {0.001, 0.001}, {0.0005, 0.0005}};
  const Judgement judgement = judge_burn_rate(99.9, windows, missing_short);
  EXPECT_EQ(judgement.phase, MeasurementPhase::inconclusive);
  EXPECT_EQ(judgement.message, "no data for the 5m window (pair 1h/5m)");

  // A window without data never fires, but another pair still can.
  const std::vector<WindowRatios> fires_elsewhere = {
      {nan, nan}, {0.01, 0.01}, {0.001, 0.001}, {0.0005, 0.0005}};
  EXPECT_EQ(judge_burn_rate(99.9, windows, fires_elsewhere).phase, MeasurementPhase::failed);
  // Half a pair above the threshold with the other half missing does not fire.
  const std::vector<WindowRatios> half = {
      {0.5, nan}, {0.001, 0.001}, {0.001, 0.001}, {0.0005, 0.0005}};
  EXPECT_EQ(judge_burn_rate(99.9, windows, half).phase, MeasurementPhase::inconclusive);
}

TEST(BurnRateTest, SuccessfulMessageNamesEveryPair) {
  const BurnWindow windows[] = {{seconds{36}, seconds{30}, 14.4}};
  const WindowRatios ratios[] = {{0.001, 0.002}};
  const Judgement judgement = judge_burn_rate(99.9, windows, ratios);
  EXPECT_EQ(judgement.phase, MeasurementPhase::successful);
  EXPECT_EQ(judgement.message,
            "error budget of the 99.9% objective within every burn rate: 36s/30s: 0.001 and "
            "0.002 vs 0.0144");
}

TEST(BurnRateTest, BadInputIsError) {
  const std::vector<BurnWindow> windows = default_burn_windows();
  const std::vector<WindowRatios> three(3, WindowRatios{0, 0});
  EXPECT_EQ(judge_burn_rate(99.9, windows, three).phase, MeasurementPhase::error);
  EXPECT_EQ(judge_burn_rate(99.9, {}, {}).phase, MeasurementPhase::error);
  const std::vector<WindowRatios> four(4, WindowRatios{0, 0});
  for (const double objective : {0.0, 100.0, 120.0, -1.0, nan}) {
    EXPECT_EQ(judge_burn_rate(objective, windows, four).phase, MeasurementPhase::error)
        << objective;
  }
  EXPECT_EQ(judge_burn_rate(99.9, windows, four).phase, MeasurementPhase::successful);
}

}  // namespace
}  // namespace cutover::analysis
