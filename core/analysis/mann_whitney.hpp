#pragma once

#include <optional>
#include <span>

namespace cutover::analysis {

/// The result of a two-sided Mann-Whitney U (Wilcoxon rank-sum) test of `x` against `y`.
///
/// - `p_value`: two-sided, normal approximation with tie and continuity corrections.
/// - `estimate`: the Hodges-Lehmann-style shift of `x` relative to `y` (positive: `x` higher),
///   found as R finds it in the non-exact case: the root of the uncorrected standardised
///   statistic, not the median of pairwise differences.
/// - `lower`, `upper`: the confidence interval of that shift.
/// - `w`: R's statistic W, the rank sum of `x` minus nx(nx+1)/2 (the U of `x`).
struct MannWhitneyResult {
  double p_value = 1;
  double estimate = 0;
  double lower = 0;
  double upper = 0;
  double w = 0;
};

/// Computes what R's
/// `wilcox.test(x, y, conf.int=TRUE, conf.level=confidence, exact=FALSE, correct=TRUE)` reports,
/// to R's own precision: the same rank statistic, the same root-finder (Brent's zeroin as in
/// R's `uniroot`, tolerance 1e-4) and the same end-point rules.
///
/// NaN values are dropped, as R drops NA. Returns `std::nullopt` when either sample is then
/// empty, when a value is infinite (the shift to an infinity is undefined; callers clamp), or
/// when `confidence` is not strictly between 0 and 1. Where R stops with an error, this returns
/// a defined answer instead: when every observation is tied, the p-value is 1; when both samples
/// are constant (R: "lower < upper is not fulfilled"), the estimate and both ends of the interval
/// are the difference of the two constants.
///
/// Pure; O((nx+ny) log(nx+ny)) per root-finding step, a few dozen steps.
std::optional<MannWhitneyResult> mann_whitney(std::span<const double> x, std::span<const double> y,
                                              double confidence = 0.98);

/// The standard normal quantile (R's `qnorm(p)`, Wichura's AS 241, about 1e-16 relative).
/// NaN outside (0, 1), -inf at 0, +inf at 1. Exposed for tests.
double normal_quantile(double p);

}  // namespace cutover::analysis
