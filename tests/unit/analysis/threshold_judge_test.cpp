#include "analysis/threshold_judge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace cutover::analysis {
namespace {

using ::testing::HasSubstr;

Expression parse(std::string_view source) {
  auto expression = Expression::parse(source);
  EXPECT_TRUE(expression.has_value()) << source;
  return expression.value_or(*Expression::parse("false"));
}

TEST(ThresholdJudgeTest, OnlySuccessCondition) {
  const Expression success = parse("result < 0.01");
  const std::vector<double> good = {0.004};
  const std::vector<double> bad = {0.02};
  const Judgement passed = judge_threshold(&success, nullptr, good);
  EXPECT_EQ(passed.phase, MeasurementPhase::successful);
  EXPECT_EQ(passed.message, "success condition 'result < 0.01' holds for result [0.004]");
  const Judgement failed = judge_threshold(&success, nullptr, bad);
  EXPECT_EQ(failed.phase, MeasurementPhase::failed);
  EXPECT_EQ(failed.message, "success condition 'result < 0.01' does not hold for result [0.02]");
}

TEST(ThresholdJudgeTest, OnlyFailureCondition) {
  const Expression failure = parse("result > 0.05");
  const std::vector<double> good = {0.01};
  const std::vector<double> bad = {0.07};
  EXPECT_EQ(judge_threshold(nullptr, &failure, good).phase, MeasurementPhase::successful);
  const Judgement failed = judge_threshold(nullptr, &failure, bad);
  EXPECT_EQ(failed.phase, MeasurementPhase::failed);
  EXPECT_EQ(failed.message, "failure condition 'result > 0.05' holds for result [0.07]");
}

TEST(ThresholdJudgeTest, BothConditionsLeaveAGapThatIsInconclusive) {
  const Expression success = parse("result < 0.01");
  const Expression failure = parse("result > 0.05");
  const std::vector<double> good = {0.001};
  const std::vector<double> between = {0.03};
  const std::vector<double> bad = {0.1};
  EXPECT_EQ(judge_threshold(&success, &failure, good).phase, MeasurementPhase::successful);
  EXPECT_EQ(judge_threshold(&success, &failure, bad).phase, MeasurementPhase::failed);
  const Judgement gap = judge_threshold(&success, &failure, between);
  EXPECT_EQ(gap.phase, MeasurementPhase::inconclusive);
  EXPECT_THAT(gap.message, HasSubstr("neither"));
}

TEST(ThresholdJudgeTest, FailureWinsWhenBothHold) {
  const Expression success = parse("result < 1");
  const Expression failure = parse("result > 0");
  const std::vector<double> both = {0.5};
  EXPECT_EQ(judge_threshold(&success, &failure, both).phase, MeasurementPhase::failed);
}

TEST(ThresholdJudgeTest, NoConditionIsSuccessfulAsInArgo) {
  const std::vector<double> value = {1};
  EXPECT_EQ(judge_threshold(nullptr, nullptr, value).phase, MeasurementPhase::successful);
}

TEST(ThresholdJudgeTest, NoDataIsNeverSuccessful) {
  const Expression success = parse("len(result) == 0 || result < 1");
  const Expression failure = parse("result > 5");
  const std::vector<double> empty;
  using Pair = std::pair<const Expression*, const Expression*>;
  for (const auto& [s, f] : std::vector<Pair>{
           {&success, &failure}, {&success, nullptr}, {nullptr, &failure}, {nullptr, nullptr}}) {
    const Judgement judgement = judge_threshold(s, f, empty);
    EXPECT_EQ(judgement.phase, MeasurementPhase::inconclusive);
    EXPECT_EQ(judgement.message, "no data");
  }
}

TEST(ThresholdJudgeTest, AFailureConditionWrittenForNoDataFails) {
  const Expression failure = parse("len(result) == 0");
  const std::vector<double> empty;
  const Judgement judgement = judge_threshold(nullptr, &failure, empty);
  EXPECT_EQ(judgement.phase, MeasurementPhase::failed);
  EXPECT_EQ(judgement.message, "failure condition 'len(result) == 0' holds on no data");
}

TEST(ThresholdJudgeTest, EvaluationErrorIsError) {
  const Expression success = parse("result[2] < 1");
  const std::vector<double> two = {0.5, 0.5};
  const Judgement judgement = judge_threshold(&success, nullptr, two);
  EXPECT_EQ(judgement.phase, MeasurementPhase::error);
  EXPECT_THAT(judgement.message, HasSubstr("success condition 'result[2] < 1'"));
  EXPECT_THAT(judgement.message, HasSubstr("out of range"));

  const Expression failure = parse("result[3] > 1");
  EXPECT_EQ(judge_threshold(nullptr, &failure, two).phase, MeasurementPhase::error);
}

TEST(ThresholdJudgeTest, NanResultFailsAComparison) {
  const Expression success = parse("result < 0.01");
  const std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN()};
  const Judgement judgement = judge_threshold(&success, nullptr, nan);
  EXPECT_EQ(judgement.phase, MeasurementPhase::failed);
  EXPECT_THAT(judgement.message, HasSubstr("[nan]"));
}

TEST(ThresholdJudgeTest, LongResultsAreAbbreviated) {
  const Expression success = parse("len(result) > 0");
  const std::vector<double> many = {1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(judge_threshold(&success, nullptr, many).message,
            "success condition 'len(result) > 0' holds for result [1, 2, 3, 4, ... 7 values]");
}

TEST(AnalysisMeasurementTest, PhaseNamesRoundTrip) {
  for (const auto phase : {MeasurementPhase::successful, MeasurementPhase::failed,
                           MeasurementPhase::inconclusive, MeasurementPhase::error}) {
    EXPECT_EQ(parse_measurement_phase(to_string(phase)), phase);
  }
  EXPECT_EQ(to_string(MeasurementPhase::inconclusive), "Inconclusive");
  EXPECT_FALSE(parse_measurement_phase("successful").has_value());
  EXPECT_FALSE(parse_measurement_phase("").has_value());
}

}  // namespace
}  // namespace cutover::analysis
