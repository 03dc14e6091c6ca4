#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analysis/mann_whitney.hpp"
#include "analysis/threshold_judge.hpp"

namespace cutover::analysis {

/// Which change of the canary counts against it.
enum class Direction { increase, decrease, either };

/// What to do with NaN samples (Prometheus' 0/0): drop them, or count them as 0.
enum class NanStrategy { remove, replace };

/// One metric's settings, after Kayenta's NetflixACAJudge (canary config `analysisConfigurations`).
struct CompareOptions {
  Direction direction = Direction::increase;
  /// The mean ratio (canary / baseline) must be at least this for High, at most
  /// `allowed_decrease` for Low: a statistically clear but small shift still passes.
  double allowed_increase = 1.0, allowed_decrease = 1.0;
  /// Set: the metric is critical, and High at a mean ratio >= critical_increase (Low at
  /// <= critical_decrease) is a critical failure.
  std::optional<double> critical_increase, critical_decrease;
  NanStrategy nan_strategy = NanStrategy::remove;
  /// Drop values outside Kayenta's fences (see `compare`) from each sample separately.
  bool remove_outliers = false;
  double outlier_factor = 3.0;
  /// Nodata fails the measurement when set, else it is inconclusive.
  bool must_have_data = true;
  /// Of the shift's confidence interval.
  double confidence = 0.98;
};

enum class Classification { pass, high, low, nodata };

/// "pass", "high", "low", "nodata".
std::string_view to_string(Classification);

struct CompareResult {
  Classification classification = Classification::nodata;
  bool critical = false;
  /// mean(canary) / mean(baseline); +inf when only the baseline mean is 0, NaN when both are.
  double mean_ratio = std::numeric_limits<double>::quiet_NaN();
  std::optional<MannWhitneyResult> test;
  /// The samples that were compared, after NaN handling and outlier removal.
  std::size_t canary_count = 0, baseline_count = 0;
  /// For people, e.g. "canary higher than baseline: mean ratio 2.41, 98% CI of the shift
  /// [61.2, 74.9]".
  std::string reason;
};

/// Compares a canary's samples of one metric with its baseline's, as Kayenta's
/// MannWhitneyClassifier does:
///
/// 1. NaN values are removed or replaced with 0 (`nan_strategy`). Infinite values (e.g.
///    `histogram_quantile` in the +Inf bucket) are clamped to ±1e300, so they rank above every
///    finite value and count as a large change instead of vanishing.
/// 2. With `remove_outliers`, values outside [min(p1, Q1 - k·IQR), max(p99, Q3 + k·IQR)]
///    (k = `outlier_factor`, percentiles by linear interpolation) are dropped.
/// 3. An empty sample is `nodata`; identical samples, or one value throughout both, `pass`.
/// 4. Otherwise the Mann-Whitney test gives the shift's confidence interval. With
///    bound = 0.25·|estimate|: High when an increase counts, the interval's lower end is above
///    +bound and the mean ratio is at least `allowed_increase`; Low is the mirror image.
///    Everything else passes.
///
/// Deviations from Kayenta, all towards failing safe: a zero baseline mean gives a mean ratio
/// of +inf (Kayenta: 1.0, which lets any increase pass an `allowedIncrease` above 1); when
/// both samples are constant the shift is their difference (Kayenta adds random noise; we
/// stay deterministic); empty data is `nodata` whatever the NaN strategy (Kayenta passes it
/// under "replace"). A critical metric's `nodata` is critical, as in Kayenta. Invalid options
/// (confidence outside (0, 1)) give `nodata` with the reason.
CompareResult compare(std::span<const double> canary, std::span<const double> baseline,
                      const CompareOptions& options);

/// The measurement for a comparison: pass → Successful; high or low in a direction that
/// counts → Failed (a change the direction ignores is Successful); nodata → Failed when
/// `must_have_data`, else Inconclusive. The message is the result's reason, prefixed with
/// "critical: " for a critical result.
Judgement judge_compare(const CompareResult& result, const CompareOptions& options);

}  // namespace cutover::analysis
