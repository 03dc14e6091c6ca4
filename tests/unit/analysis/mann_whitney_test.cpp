#include "analysis/mann_whitney.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace cutover::analysis {
namespace {

// Reference values from R 4.2.2 Patched (2022-11-10 r83330), Debian's r-base-core, with
//
//   r <- wilcox.test(x, y, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)
//   sprintf("%.17g", c(r$p.value, r$estimate, r$conf.int, r$statistic))
//
// (the `kayenta95` case uses conf.level = 0.95). The estimate and the interval come from R's
// uniroot with tol.root = 1e-4, so only the same root-finder reproduces them to 1e-6.
struct Reference {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  double confidence;
  double p_value;
  double estimate;
  double lower;
  double upper;
  double w;
};

std::vector<double> generated(double offset, int count, int step, int modulus) {
  // R: offset + ((0:(count-1)) * step) %% modulus
  std::vector<double> values;
  for (int i = 0; i < count; ++i) {
    values.push_back(offset + (i * step) % modulus);
  }
  return values;
}

std::vector<double> range(int from, int to) {
  std::vector<double> values;
  for (int i = from; i <= to; ++i) {
    values.push_back(i);
  }
  return values;
}

const std::vector<Reference>& references() {
  static const std::vector<Reference> all = {
      {"no ties, shifted up, 8 vs 7",
       {10.1, 11.3, 12.2, 10.8, 13.5, 12.9, 11.7, 14.0},
       {9.2, 8.7, 10.4, 9.9, 8.1, 10.0, 9.5},
       0.98,
       0.002163787128870305,
       2.6490341576652709,
       0.899997906815176,
       4.3000156418506306,
       55},
      {"ties",
       {1, 2, 2, 3, 3, 3, 4, 5},
       {2, 3, 3, 4, 4, 5, 5, 6, 6},
       0.98,
       0.069172840615366354,
       -1.0000586294162461,
       -3.0000388782443417,
       5.5005460103694015e-05,
       17},
      {"shifted down",
       {0.21, 0.25, 0.19, 0.30, 0.22, 0.18, 0.27, 0.24, 0.20, 0.23},
       {0.41, 0.38, 0.45, 0.39, 0.50, 0.44, 0.36, 0.42, 0.47, 0.40},
       0.98,
       0.00018267179110955016,
       -0.1900822590125571,
       -0.24004100393005687,
       -0.1400016885369797,
       0},
      {"equal samples",
       {3, 1, 4, 1, 5, 9, 2, 6},
       {3, 1, 4, 1, 5, 9, 2, 6},
       0.98,
       1,
       0,
       -3.999926631904922,
       3.999926631904922,
       32},
      {"different sizes, ties in y",
       {120, 135, 128},
       {100, 99, 104, 101, 98, 103, 97, 102, 100, 105, 96, 104},
       0.98,
       0.011392278368587312,
       27.333333333333332,
       15.999934938769673,
       38.000039492198397,
       36},
      {"60 vs 50 with many ties", generated(200, 60, 37, 41), generated(190, 50, 29, 43), 0.98,
       0.00014779056716808538, 10.000016538420798, 4.0000454593765697, 16.000027498914477, 2132.5},
      {"interval at the end points (1 vs 2:60)",
       {1},
       range(2, 60),
       0.98,
       0.094022875902539105,
       -30,
       -59,
       -1,
       0},
      {"kayenta's high example",
       {20, 22, 21, 25, 30},
       {1, 2.2, 1.1, 2.5, 3.0},
       0.98,
       0.012185780355344811,
       20,
       17.00007537441941,
       28.99992173569856,
       25},
      {"kayenta95",
       {20, 22, 21, 25, 30},
       {1, 2.2, 1.1, 2.5, 3.0},
       0.95,
       0.012185780355344811,
       20,
       17.800043852158087,
       27.799943250944256,
       25},
  };
  return all;
}

void expect_relative(double actual, double expected, const std::string& what) {
  const double tolerance = 1e-6 * std::max(std::fabs(expected), 1e-12);
  EXPECT_NEAR(actual, expected, tolerance) << what;
}

TEST(MannWhitneyTest, MatchesRWilcoxTest) {
  for (const Reference& reference : references()) {
    const auto result = mann_whitney(reference.x, reference.y, reference.confidence);
    ASSERT_TRUE(result.has_value()) << reference.name;
    expect_relative(result->p_value, reference.p_value, reference.name + ": p-value");
    expect_relative(result->estimate, reference.estimate, reference.name + ": estimate");
    expect_relative(result->lower, reference.lower, reference.name + ": lower");
    expect_relative(result->upper, reference.upper, reference.name + ": upper");
    expect_relative(result->w, reference.w, reference.name + ": W");
  }
}

TEST(MannWhitneyTest, SwappingSamplesMirrorsTheIntervalButNotQuiteTheEstimate) {
  // The statistic is a step function of the shift, so the root R's uniroot lands on depends on
  // where the search starts: R itself reports -2.6600036842962353 for wilcox.test(y, x, ...),
  // not -2.649... The interval mirrors exactly.
  const Reference& reference = references()[0];
  const auto backward = mann_whitney(reference.y, reference.x);
  ASSERT_TRUE(backward.has_value());
  expect_relative(backward->p_value, reference.p_value, "p-value");
  expect_relative(backward->estimate, -2.6600036842962353, "estimate");
  expect_relative(backward->lower, -reference.upper, "lower");
  expect_relative(backward->upper, -reference.lower, "upper");
}

TEST(MannWhitneyTest, EmptySampleIsNullopt) {
  const std::vector<double> some = {1, 2, 3};
  EXPECT_FALSE(mann_whitney({}, some).has_value());
  EXPECT_FALSE(mann_whitney(some, {}).has_value());
  EXPECT_FALSE(mann_whitney({}, {}).has_value());
}

TEST(MannWhitneyTest, NanIsDroppedLikeRDropsNa) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Reference& reference = references()[0];
  std::vector<double> x = reference.x;
  x.insert(x.begin() + 2, nan);
  std::vector<double> y = reference.y;
  y.push_back(nan);
  const auto result = mann_whitney(x, y);
  ASSERT_TRUE(result.has_value());
  expect_relative(result->p_value, reference.p_value, "p-value");
  expect_relative(result->estimate, reference.estimate, "estimate");

  const std::vector<double> only_nan = {nan, nan};
  EXPECT_FALSE(mann_whitney(only_nan, reference.y).has_value());
}

TEST(MannWhitneyTest, InfinityIsRefused) {
  const std::vector<double> x = {1, 2, std::numeric_limits<double>::infinity()};
  const std::vector<double> y = {1, 2, 3};
  EXPECT_FALSE(mann_whitney(x, y).has_value());
  EXPECT_FALSE(mann_whitney(y, x).has_value());
}

TEST(MannWhitneyTest, InvalidConfidenceIsRefused) {
  const std::vector<double> x = {1, 2, 3};
  for (const double confidence : {0.0, 1.0, -0.5, 2.0, std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_FALSE(mann_whitney(x, x, confidence).has_value()) << confidence;
  }
}

TEST(MannWhitneyTest, AllTiedIsPValueOneAndNoShift) {
  const std::vector<double> x = {5, 5, 5};
  const std::vector<double> y = {5, 5};
  const auto result = mann_whitney(x, y);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->p_value, 1);
  EXPECT_EQ(result->estimate, 0);
  EXPECT_EQ(result->lower, 0);
  EXPECT_EQ(result->upper, 0);
}

TEST(MannWhitneyTest, TwoConstantSamplesShiftByTheirDifference) {
  // R stops here ("lower < upper is not fulfilled"); the shift is exactly known.
  const std::vector<double> x = {7, 7, 7, 7};
  const std::vector<double> y = {3, 3, 3};
  const auto result = mann_whitney(x, y);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->estimate, 4);
  EXPECT_EQ(result->lower, 4);
  EXPECT_EQ(result->upper, 4);
  EXPECT_LT(result->p_value, 0.1);
  EXPECT_EQ(result->w, 12);
}

TEST(MannWhitneyTest, SingleValues) {
  const std::vector<double> x = {2};
  const std::vector<double> y = {1};
  const auto result = mann_whitney(x, y);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->estimate, 1);
  EXPECT_EQ(result->lower, 1);
  EXPECT_EQ(result->upper, 1);
  EXPECT_EQ(result->w, 1);
}

TEST(MannWhitneyTest, NormalQuantileMatchesRQnorm) {
  // R: sprintf("%.17g", qnorm(c(0.01, 0.975, 1e-10, 0.3)))
  expect_relative(normal_quantile(0.01), -2.3263478740408408, "0.01");
  expect_relative(normal_quantile(0.975), 1.9599639845400536, "0.975");
  expect_relative(normal_quantile(1e-10), -6.3613409024040557, "1e-10");
  expect_relative(normal_quantile(0.3), -0.52440051270804067, "0.3");
  EXPECT_EQ(normal_quantile(0.5), 0);
  EXPECT_TRUE(std::isinf(normal_quantile(0)) && normal_quantile(0) < 0);
  EXPECT_TRUE(std::isinf(normal_quantile(1)) && normal_quantile(1) > 0);
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
  EXPECT_TRUE(std::isnan(normal_quantile(std::numeric_limits<double>::quiet_NaN())));
}

TEST(MannWhitneyTest, LargeSamplesStayQuick) {
  std::vector<double> x;
  std::vector<double> y;
  for (int i = 0; i < 2000; ++i) {
    x.push_back(100 + (i * 7919) % 101);
    y.push_back(95 + (i * 104729) % 97);
  }
  const auto result = mann_whitney(x, y);
  ASSERT_TRUE(result.has_value());
  EXPECT_GT(result->estimate, 0);
  EXPECT_LE(result->lower, result->estimate);
  EXPECT_GE(result->upper, result->estimate);
}

}  // namespace
}  // namespace cutover::analysis
