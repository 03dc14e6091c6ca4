#include "analysis/compare_judge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace cutover::analysis {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// Kayenta's own "Mean Ratio Effect Size: High" example data.
const std::vector<double> kHighCanary = {20, 22, 21, 25, 30};
const std::vector<double> kLowBaseline = {1, 2.2, 1.1, 2.5, 3.0};

std::vector<double> latencies(double offset) {
  std::vector<double> values;
  for (int i = 0; i < 40; ++i) {
    values.push_back(offset + (i * 37) % 41);
  }
  return values;
}

TEST(CompareJudgeTest, HigherCanaryIsHighAndFails) {
  const CompareOptions options;
  const CompareResult result = compare(kHighCanary, kLowBaseline, options);
  EXPECT_EQ(result.classification, Classification::high);
  EXPECT_FALSE(result.critical);
  EXPECT_NEAR(result.mean_ratio, 23.6 / 1.96, 1e-12);
  ASSERT_TRUE(result.test.has_value());
  EXPECT_NEAR(result.test->lower, 17.00007537441941, 1e-9);  // R, see mann_whitney_test.cpp
  EXPECT_EQ(result.canary_count, 5u);
  EXPECT_EQ(result.baseline_count, 5u);
  EXPECT_EQ(result.reason,
            "canary higher than baseline: mean ratio 12, 98% CI of the shift [17, 29]");
  const Judgement judgement = judge_compare(result, options);
  EXPECT_EQ(judgement.phase, MeasurementPhase::failed);
  EXPECT_EQ(judgement.message, result.reason);
}

TEST(CompareJudgeTest, SimilarSamplesPass) {
  const std::vector<double> canary = latencies(100);
  std::vector<double> baseline = latencies(100);
  baseline.back() += 1;  // not identical
  const CompareOptions options{.direction = Direction::either};
  const CompareResult result = compare(canary, baseline, options);
  EXPECT_EQ(result.classification, Classification::pass);
  EXPECT_THAT(result.reason, StartsWith("no significant difference: mean ratio 1, 98% CI"));
  EXPECT_EQ(judge_compare(result, options).phase, MeasurementPhase::successful);
}

TEST(CompareJudgeTest, SmallShiftWithinBoundPasses) {
  // A shift of 1 on a spread of 40: the interval does not clear a quarter of the estimate.
  const CompareResult result = compare(latencies(101), latencies(100), {});
  EXPECT_EQ(result.classification, Classification::pass);
}

TEST(CompareJudgeTest, ClearShiftOfLatencyIsHigh) {
  const CompareResult result = compare(latencies(160), latencies(100), {});
  EXPECT_EQ(result.classification, Classification::high);
  ASSERT_TRUE(result.test.has_value());
  EXPECT_GT(result.test->lower, 0.25 * std::fabs(result.test->estimate));
}

TEST(CompareJudgeTest, LowerCanaryCountsOnlyWhenDecreaseCounts) {
  const CompareOptions increase_only;
  const CompareResult ignored = compare(kLowBaseline, kHighCanary, increase_only);
  EXPECT_EQ(ignored.classification, Classification::pass);
  EXPECT_THAT(ignored.reason, StartsWith("canary lower than baseline, which this metric does not "
                                         "count: mean ratio 0.083"));
  EXPECT_EQ(judge_compare(ignored, increase_only).phase, MeasurementPhase::successful);

  for (const Direction direction : {Direction::decrease, Direction::either}) {
    const CompareOptions options{.direction = direction};
    const CompareResult result = compare(kLowBaseline, kHighCanary, options);
    EXPECT_EQ(result.classification, Classification::low);
    EXPECT_THAT(result.reason, StartsWith("canary lower than baseline: mean ratio 0.083"));
    EXPECT_EQ(judge_compare(result, options).phase, MeasurementPhase::failed);
  }
}

TEST(CompareJudgeTest, HigherCanaryIgnoredWhenOnlyDecreaseCounts) {
  const CompareOptions options{.direction = Direction::decrease};
  const CompareResult result = compare(kHighCanary, kLowBaseline, options);
  EXPECT_EQ(result.classification, Classification::pass);
  EXPECT_EQ(judge_compare(result, options).phase, MeasurementPhase::successful);
}

TEST(CompareJudgeTest, AllowedIncreaseLetsASmallEffectPass) {
  const CompareOptions options{.allowed_increase = 20};
  const CompareResult result = compare(kHighCanary, kLowBaseline, options);
  EXPECT_EQ(result.classification, Classification::pass);
  EXPECT_THAT(result.reason, StartsWith("canary higher than baseline, within the allowed increase "
                                        "of 20: mean ratio 12"));
  const CompareOptions just_enough{.allowed_increase = 12};
  EXPECT_EQ(compare(kHighCanary, kLowBaseline, just_enough).classification, Classification::high);
}

TEST(CompareJudgeTest, AllowedDecrease) {
  const CompareOptions strict{.direction = Direction::decrease, .allowed_decrease = 0.05};
  EXPECT_EQ(compare(kLowBaseline, kHighCanary, strict).classification, Classification::pass);
  const CompareOptions loose{.direction = Direction::decrease, .allowed_decrease = 0.5};
  EXPECT_EQ(compare(kLowBaseline, kHighCanary, loose).classification, Classification::low);
}

TEST(CompareJudgeTest, CriticalIncrease) {
  const CompareOptions critical{.critical_increase = 10};
  const CompareResult result = compare(kHighCanary, kLowBaseline, critical);
  EXPECT_EQ(result.classification, Classification::high);
  EXPECT_TRUE(result.critical);
  const Judgement judgement = judge_compare(result, critical);
  EXPECT_EQ(judgement.phase, MeasurementPhase::failed);
  EXPECT_THAT(judgement.message, StartsWith("critical: canary higher than baseline"));

  const CompareOptions not_beyond{.critical_increase = 15};
  const CompareResult milder = compare(kHighCanary, kLowBaseline, not_beyond);
  EXPECT_EQ(milder.classification, Classification::high);
  EXPECT_FALSE(milder.critical);
}

TEST(CompareJudgeTest, CriticalDecrease) {
  const CompareOptions options{.direction = Direction::either, .critical_decrease = 0.1};
  const CompareResult result = compare(kLowBaseline, kHighCanary, options);
  EXPECT_EQ(result.classification, Classification::low);
  EXPECT_TRUE(result.critical);
}

TEST(CompareJudgeTest, NoDataFailsWhenDataIsRequired) {
  const std::vector<double> empty;
  const CompareOptions required;
  const CompareResult result = compare(empty, kLowBaseline, required);
  EXPECT_EQ(result.classification, Classification::nodata);
  EXPECT_EQ(result.reason, "no data for the canary");
  EXPECT_FALSE(result.critical);
  EXPECT_EQ(judge_compare(result, required).phase, MeasurementPhase::failed);

  const CompareOptions optional{.must_have_data = false};
  EXPECT_EQ(judge_compare(result, optional).phase, MeasurementPhase::inconclusive);

  EXPECT_EQ(compare(kHighCanary, empty, {}).reason, "no data for the baseline");
  EXPECT_EQ(compare(empty, empty, {}).reason, "no data for the canary or the baseline");
  EXPECT_TRUE(compare(empty, kLowBaseline, {.critical_increase = 2}).critical);
}

TEST(CompareJudgeTest, NanStrategy) {
  const std::vector<double> only_nan = {nan, nan, nan};
  const std::vector<double> zeros = {0, 0, 0};
  const CompareResult removed = compare(only_nan, zeros, {});
  EXPECT_EQ(removed.classification, Classification::nodata);
  EXPECT_EQ(removed.canary_count, 0u);

  const CompareResult replaced = compare(only_nan, zeros, {.nan_strategy = NanStrategy::replace});
  EXPECT_EQ(replaced.classification, Classification::pass);
  EXPECT_EQ(replaced.canary_count, 3u);
  EXPECT_EQ(replaced.reason, "canary and baseline data are identical");

  std::vector<double> canary = kHighCanary;
  canary.push_back(nan);
  const CompareResult mixed = compare(canary, kLowBaseline, {});
  EXPECT_EQ(mixed.canary_count, 5u);
  EXPECT_EQ(mixed.classification, Classification::high);
}

TEST(CompareJudgeTest, IdenticalAndConstantSamplesPass) {
  const std::vector<double> shuffled = {2.5, 1, 3.0, 2.2, 1.1};
  const CompareResult identical = compare(shuffled, kLowBaseline, {});
  EXPECT_EQ(identical.classification, Classification::pass);
  EXPECT_EQ(identical.mean_ratio, 1.0);
  EXPECT_FALSE(identical.test.has_value());

  const std::vector<double> fives = {5, 5, 5};
  const std::vector<double> more_fives = {5, 5, 5, 5, 5};
  const CompareResult constant = compare(fives, more_fives, {});
  EXPECT_EQ(constant.classification, Classification::pass);
  EXPECT_EQ(constant.reason, "canary and baseline are all 5");
}

TEST(CompareJudgeTest, TwoDifferentConstantsAreAClearShift) {
  const std::vector<double> canary = {7, 7, 7, 7};
  const std::vector<double> baseline = {3, 3, 3, 3};
  const CompareResult result = compare(canary, baseline, {});
  EXPECT_EQ(result.classification, Classification::high);
  EXPECT_EQ(result.test->estimate, 4);
}

TEST(CompareJudgeTest, ZeroBaselineMeanIsAnInfiniteRatio) {
  const std::vector<double> canary = {0.1, 0.2, 0.15, 0.3, 0.25};
  const std::vector<double> baseline = {0, 0, 0, 0, 0};
  const CompareOptions options{.allowed_increase = 1.2};
  const CompareResult result = compare(canary, baseline, options);
  EXPECT_TRUE(std::isinf(result.mean_ratio));
  EXPECT_EQ(result.classification, Classification::high);
  EXPECT_THAT(result.reason, HasSubstr("mean ratio inf"));
}

TEST(CompareJudgeTest, InfinityCountsAsAVeryLargeValue) {
  const std::vector<double> canary = {inf, inf, inf};
  const std::vector<double> baseline = {1, 2, 3};
  const CompareResult result = compare(canary, baseline, {});
  EXPECT_EQ(result.classification, Classification::high);
  ASSERT_TRUE(result.test.has_value());
  EXPECT_TRUE(std::isfinite(result.test->lower));
  EXPECT_TRUE(std::isfinite(result.mean_ratio));

  const std::vector<double> negative = {-inf, -inf, -inf};
  EXPECT_EQ(compare(negative, baseline, {.direction = Direction::either}).classification,
            Classification::low);
}

TEST(CompareJudgeTest, OutliersAreRemovedPerSample) {
  std::vector<double> baseline = {10, 11, 10, 12, 11, 10, 11, 12, 10, 11};
  baseline.push_back(1000);
  const std::vector<double> canary = {10, 11, 12, 11, 10, 11, 12, 10, 11, 11};
  const CompareResult kept = compare(canary, baseline, {});
  EXPECT_EQ(kept.baseline_count, 11u);
  const CompareResult removed = compare(canary, baseline, {.remove_outliers = true});
  EXPECT_EQ(removed.baseline_count, 10u);
  EXPECT_EQ(removed.canary_count, 10u);
  EXPECT_NEAR(removed.mean_ratio, 1.0, 0.05);
}

TEST(CompareJudgeTest, InvalidConfidenceIsNodataWithTheReason) {
  const CompareOptions options{.confidence = 1.5};
  const CompareResult result = compare(kHighCanary, kLowBaseline, options);
  EXPECT_EQ(result.classification, Classification::nodata);
  EXPECT_THAT(result.reason, HasSubstr("confidence 1.5"));
  EXPECT_EQ(judge_compare(result, options).phase, MeasurementPhase::failed);
}

TEST(CompareJudgeTest, JudgeHonoursTheDirectionOfAHandBuiltResult) {
  const CompareResult high{.classification = Classification::high, .reason = "up"};
  const CompareResult low{.classification = Classification::low, .reason = "down"};
  EXPECT_EQ(judge_compare(high, {.direction = Direction::decrease}).phase,
            MeasurementPhase::successful);
  EXPECT_EQ(judge_compare(high, {.direction = Direction::either}).phase, MeasurementPhase::failed);
  EXPECT_EQ(judge_compare(low, {.direction = Direction::increase}).phase,
            MeasurementPhase::successful);
  EXPECT_EQ(judge_compare(low, {.direction = Direction::decrease}).phase, MeasurementPhase::failed);
}

TEST(CompareJudgeTest, ClassificationNames) {
  EXPECT_EQ(to_string(Classification::pass), "pass");
  EXPECT_EQ(to_string(Classification::high), "high");
  EXPECT_EQ(to_string(Classification::low), "low");
  EXPECT_EQ(to_string(Classification::nodata), "nodata");
}

}  // namespace
}  // namespace cutover::analysis
