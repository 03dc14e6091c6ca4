#include "analysis/compare_judge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace cutover::analysis {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
// Large enough to outrank any real measurement, small enough that differences and means of
// clamped values stay finite.
constexpr double clamp_magnitude = 1e300;
// Kayenta's bounds: a shift counts only when its interval clears a quarter of its estimate.
constexpr double bound_fraction = 0.25;

std::vector<double> clean(std::span<const double> values, NanStrategy strategy) {
  std::vector<double> cleaned;
  cleaned.reserve(values.size());
  for (const double value : values) {
    if (std::isnan(value)) {
      if (strategy == NanStrategy::replace) {
        cleaned.push_back(0.0);
      }
    } else {
      cleaned.push_back(std::clamp(value, -clamp_magnitude, clamp_magnitude));
    }
  }
  return cleaned;
}

// Linear interpolation between closest ranks (R's type 7); `sorted` is not empty.
double percentile(const std::vector<double>& sorted, double fraction) {
  const double position = fraction * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) {
    return sorted.back();
  }
  return sorted[below] +
         (position - static_cast<double>(below)) * (sorted[below + 1] - sorted[below]);
}

// Kayenta's IQRDetector with reduceSensitivity: the fences are the wider of Tukey's and the
// 1st/99th percentiles, so that a long but genuine tail is kept.
std::vector<double> remove_outliers(std::vector<double> values, double factor) {
  if (values.empty() || !(factor > 0)) {
    return values;
  }
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const double q1 = percentile(sorted, 0.25);
  const double q3 = percentile(sorted, 0.75);
  const double iqr = q3 - q1;
  const double lower = std::min(percentile(sorted, 0.01), q1 - factor * iqr);
  const double upper = std::max(percentile(sorted, 0.99), q3 + factor * iqr);
  std::erase_if(values, [&](double value) { return value < lower || value > upper; });
  return values;
}

double mean(const std::vector<double>& values) {
  double result = 0;
  double count = 0;
  for (const double value : values) {
    count += 1;
    result += (value - result) / count;  // running mean: no overflow of a sum of 1e300s
  }
  return result;
}

double mean_ratio(double canary_mean, double baseline_mean) {
  if (baseline_mean == 0) {
    return canary_mean > 0   ? infinity
           : canary_mean < 0 ? -infinity
                             : std::numeric_limits<double>::quiet_NaN();
  }
  return canary_mean / baseline_mean;
}

bool counts_increase(Direction direction) {
  return direction == Direction::increase || direction == Direction::either;
}
bool counts_decrease(Direction direction) {
  return direction == Direction::decrease || direction == Direction::either;
}

std::string describe_test(const MannWhitneyResult& test, double ratio, double confidence) {
  return fmt::format("mean ratio {:.3g}, {:g}% CI of the shift [{:.3g}, {:.3g}]", ratio,
                     confidence * 100, test.lower, test.upper);
}

}  // namespace

std::string_view to_string(Classification classification) {
  switch (classification) {
    case Classification::pass:
      return "pass";
    case Classification::high:
      return "high";
    case Classification::low:
      return "low";
    case Classification::nodata:
      return "nodata";
  }
  return "nodata";
}

CompareResult compare(std::span<const double> canary_in, std::span<const double> baseline_in,
                      const CompareOptions& options) {
  CompareResult result;
  const bool critical_metric = options.critical_increase || options.critical_decrease;
  if (!(options.confidence > 0 && options.confidence < 1)) {
    result.critical = critical_metric;
    result.reason =
        fmt::format("invalid options: confidence {} is not between 0 and 1", options.confidence);
    return result;
  }

  std::vector<double> canary = clean(canary_in, options.nan_strategy);
  std::vector<double> baseline = clean(baseline_in, options.nan_strategy);
  if (options.remove_outliers) {
    canary = remove_outliers(std::move(canary), options.outlier_factor);
    baseline = remove_outliers(std::move(baseline), options.outlier_factor);
  }
  result.canary_count = canary.size();
  result.baseline_count = baseline.size();

  if (canary.empty() || baseline.empty()) {
    result.classification = Classification::nodata;
    result.critical = critical_metric;
    result.reason = canary.empty() && baseline.empty() ? "no data for the canary or the baseline"
                    : canary.empty()                   ? "no data for the canary"
                                                       : "no data for the baseline";
    return result;
  }

  std::vector<double> sorted_canary = canary;
  std::vector<double> sorted_baseline = baseline;
  std::sort(sorted_canary.begin(), sorted_canary.end());
  std::sort(sorted_baseline.begin(), sorted_baseline.end());
  if (sorted_canary == sorted_baseline) {
    result.classification = Classification::pass;
    result.mean_ratio = 1.0;
    result.reason = "canary and baseline data are identical";
    return result;
  }
  if (sorted_canary.front() == sorted_canary.back() &&
      sorted_baseline.front() == sorted_baseline.back() &&
      sorted_canary.front() == sorted_baseline.front()) {
    // One value throughout both samples (of different sizes): nothing to compare.
    result.classification = Classification::pass;
    result.mean_ratio = 1.0;
    result.reason = fmt::format("canary and baseline are all {:g}", sorted_canary.front());
    return result;
  }

  result.mean_ratio = mean_ratio(mean(canary), mean(baseline));
  result.test = mann_whitney(canary, baseline, options.confidence);
  if (!result.test) {
    // Cannot happen for cleaned, non-empty samples and a valid confidence; stay safe anyway.
    result.classification = Classification::nodata;
    result.critical = critical_metric;
    result.reason = "the Mann-Whitney test could not be computed";
    return result;
  }

  const MannWhitneyResult& test = *result.test;
  const double bound = bound_fraction * std::fabs(test.estimate);
  const double ratio = result.mean_ratio;
  const std::string figures = describe_test(test, ratio, options.confidence);
  // A NaN ratio (both means 0) leaves the decision to the interval.
  const bool shifted_up = test.lower > bound;
  const bool shifted_down = test.upper < -bound;
  if (shifted_up && counts_increase(options.direction)) {
    if (!(ratio < options.allowed_increase)) {
      result.classification = Classification::high;
      result.critical = options.critical_increase && !(ratio < *options.critical_increase);
      result.reason = fmt::format("canary higher than baseline: {}", figures);
      return result;
    }
    result.classification = Classification::pass;
    result.reason = fmt::format(
        "canary higher than baseline, within the allowed increase of "
        "{:g}: {}",
        options.allowed_increase, figures);
    return result;
  }
  if (shifted_down && counts_decrease(options.direction)) {
    if (!(ratio > options.allowed_decrease)) {
      result.classification = Classification::low;
      result.critical = options.critical_decrease && !(ratio > *options.critical_decrease);
      result.reason = fmt::format("canary lower than baseline: {}", figures);
      return result;
    }
    result.classification = Classification::pass;
    result.reason = fmt::format(
        "canary lower than baseline, within the allowed decrease of "
        "{:g}: {}",
        options.allowed_decrease, figures);
    return result;
  }
  result.classification = Classification::pass;
  if (shifted_up || shifted_down) {
    result.reason = fmt::format("canary {} than baseline, which this metric does not count: {}",
                                shifted_up ? "higher" : "lower", figures);
  } else {
    result.reason = fmt::format("no significant difference: {}", figures);
  }
  return result;
}

Judgement judge_compare(const CompareResult& result, const CompareOptions& options) {
  const std::string message =
      result.critical ? fmt::format("critical: {}", result.reason) : result.reason;
  switch (result.classification) {
    case Classification::pass:
      return {MeasurementPhase::successful, message};
    case Classification::high:
      if (counts_increase(options.direction)) {
        return {MeasurementPhase::failed, message};
      }
      return {MeasurementPhase::successful,
              fmt::format("{} (only a decrease counts)", result.reason)};
    case Classification::low:
      if (counts_decrease(options.direction)) {
        return {MeasurementPhase::failed, message};
      }
      return {MeasurementPhase::successful,
              fmt::format("{} (only an increase counts)", result.reason)};
    case Classification::nodata:
      return {options.must_have_data ? MeasurementPhase::failed : MeasurementPhase::inconclusive,
              message};
  }
  return {MeasurementPhase::error, "unknown classification"};
}

}  // namespace cutover::analysis
