#include "analysis/mann_whitney.hpp"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

namespace cutover::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// R's uniroot defaults as wilcox.test calls it: tol.root = 1e-4, maxiter = 1000.
constexpr double root_tolerance = 1e-4;
constexpr int root_max_iterations = 1000;

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double sign(double value) {
  return value > 0 ? 1.0 : value < 0 ? -1.0 : 0.0;
}

// Average ranks (1-based) of `values`, and Σ(t³ - t) over the groups of t tied values: what R's
// rank() and table() give wilcox.test.
struct Ranking {
  std::vector<double> ranks;
  double tie_sum = 0;
};

Ranking rank(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  Ranking ranking;
  ranking.ranks.resize(values.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first + 1;
    while (last < order.size() && values[order[last]] == values[order[first]]) {
      ++last;
    }
    const double average = (static_cast<double>(first + 1) + static_cast<double>(last)) / 2.0;
    for (std::size_t i = first; i < last; ++i) {
      ranking.ranks[order[i]] = average;
    }
    const auto tied = static_cast<double>(last - first);
    ranking.tie_sum += tied * tied * tied - tied;
    first = last;
  }
  return ranking;
}

// The standardised rank-sum statistic of x shifted by `shift` against y: W(d) in R's
// wilcox.test.default, with or without the continuity correction.
class ShiftStatistic {
 public:
  ShiftStatistic(std::span<const double> x, std::span<const double> y) : x_(x), y_(y) {
    pooled_.reserve(x.size() + y.size());
  }

  double operator()(double shift, bool correct) {
    pooled_.clear();
    for (const double value : x_) {
      pooled_.push_back(value - shift);
    }
    pooled_.insert(pooled_.end(), y_.begin(), y_.end());
    const Ranking ranking = rank(pooled_);
    const auto nx = static_cast<double>(x_.size());
    const auto ny = static_cast<double>(y_.size());
    double rank_sum = 0;
    for (std::size_t i = 0; i < x_.size(); ++i) {
      rank_sum += ranking.ranks[i];
    }
    const double dz = rank_sum - nx * (nx + 1) / 2 - nx * ny / 2;
    const double correction = correct ? sign(dz) * 0.5 : 0.0;
    const double sigma =
        std::sqrt((nx * ny / 12) * ((nx + ny + 1) - ranking.tie_sum / ((nx + ny) * (nx + ny - 1))));
    return (dz - correction) / sigma;
  }

 private:
  std::span<const double> x_;
  std::span<const double> y_;
  std::vector<double> pooled_;
};

// Brent's root finder exactly as R's R_zeroin2 (src/library/stats/src/zeroin.c) runs it, so
// that the interval's ends match R's digits and not merely its tolerance. f(a) and f(b) are
// given, as uniroot passes them.
template <typename Function>
double zeroin(double a, double b, double fa, double fb, Function&& f, double tolerance,
              int max_iterations) {
  double c = a;
  double fc = fa;
  if (fa == 0.0) {
    return a;
  }
  if (fb == 0.0) {
    return b;
  }
  for (int iteration = 0; iteration <= max_iterations; ++iteration) {
    const double previous_step = b - a;
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tolerance_now = 2 * DBL_EPSILON * std::fabs(b) + tolerance / 2;
    double new_step = (c - b) / 2;
    if (std::fabs(new_step) <= tolerance_now || fb == 0.0) {
      return b;
    }
    if (std::fabs(previous_step) >= tolerance_now && std::fabs(fa) > std::fabs(fb)) {
      double p = 0;
      double q = 0;
      const double cb = c - b;
      if (a == c) {
        const double t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        q = fa / fc;
        const double t1 = fb / fc;
        const double t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) {
        q = -q;
      } else {
        p = -p;
      }
      if (p < (0.75 * cb * q - std::fabs(tolerance_now * q) / 2) &&
          p < std::fabs(previous_step * q / 2)) {
        new_step = p / q;
      }
    }
    if (std::fabs(new_step) < tolerance_now) {
      new_step = new_step > 0 ? tolerance_now : -tolerance_now;
    }
    a = b;
    fa = fb;
    b += new_step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;  // R warns "_NOT_ converged" and returns the last approximation too
}

// Horner's rule, highest power first, in the order R's qnorm.c multiplies.
template <std::size_t N>
double polynomial(const std::array<double, N>& coefficients, double r) {
  double value = coefficients[0];
  for (std::size_t i = 1; i < N; ++i) {
    value = value * r + coefficients[i];
  }
  return value;
}

// Wichura (1988), Algorithm AS 241, PPND16, arranged as R's qnorm(p, lower.tail) arranges it:
// the upper tail is computed from p itself, not from 1 - p, so that R's digits are reproduced.
double quantile(double p, bool lower_tail) {
  if (std::isnan(p) || p < 0 || p > 1) {
    return nan;
  }
  const double infinity = std::numeric_limits<double>::infinity();
  if (p == 0) {
    return lower_tail ? -infinity : infinity;
  }
  if (p == 1) {
    return lower_tail ? infinity : -infinity;
  }
  const double lower_p = lower_tail ? p : (0.5 - p + 0.5);
  const double upper_p = lower_tail ? (0.5 - p + 0.5) : p;
  const double q = lower_p - 0.5;
  if (std::fabs(q) <= 0.425) {
    constexpr std::array<double, 8> numerator = {
        2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
        13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608};
    constexpr std::array<double, 8> denominator = {
        5226.495278852545925,  28729.085735721942674, 39307.89580009271061,  21213.794301586595867,
        5394.1960214247511077, 687.1870074920579083,  42.313330701600911252, 1.0};
    const double r = 0.180625 - q * q;
    return q * polynomial(numerator, r) / polynomial(denominator, r);
  }
  const double r = std::sqrt(-std::log(q > 0 ? upper_p : lower_p));
  double value = 0;
  if (r <= 5.0) {
    constexpr std::array<double, 8> numerator = {7.7454501427834140764e-4, 0.0227238449892691845833,
                                                 0.24178072517745061177,   1.27045825245236838258,
                                                 3.64784832476320460504,   5.7694972214606914055,
                                                 4.6303378461565452959,    1.42343711074968357734};
    constexpr std::array<double, 8> denominator = {
        1.05075007164441684324e-9, 5.475938084995344946e-4,
        0.0151986665636164571966,  0.14810397642748007459,
        0.68976733498510000455,    1.6763848301838038494,
        2.05319162663775882187,    1.0};
    value = polynomial(numerator, r - 1.6) / polynomial(denominator, r - 1.6);
  } else {
    constexpr std::array<double, 8> numerator = {
        2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386,
        0.026532189526576123093,   0.29656057182850489123,    1.7848265399172913358,
        5.4637849111641143699,     6.6579046435011037772};
    constexpr std::array<double, 8> denominator = {
        2.04426310338993978564e-15, 1.4215117583164458887e-7,
        1.8463183175100546818e-5,   7.868691311456132591e-4,
        0.0148753612908506148525,   0.13692988092273580531,
        0.59983220655588793769,     1.0};
    value = polynomial(numerator, r - 5.0) / polynomial(denominator, r - 5.0);
  }
  return q < 0 ? -value : value;
}

}  // namespace

double normal_quantile(double p) {
  return quantile(p, true);
}

std::optional<MannWhitneyResult> mann_whitney(std::span<const double> x_in,
                                              std::span<const double> y_in, double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    return std::nullopt;
  }
  std::vector<double> x;
  std::vector<double> y;
  for (const auto& [from, to] : {std::pair{x_in, &x}, std::pair{y_in, &y}}) {
    for (const double value : from) {
      if (std::isinf(value)) {
        return std::nullopt;
      }
      if (!std::isnan(value)) {
        to->push_back(value);
      }
    }
  }
  if (x.empty() || y.empty()) {
    return std::nullopt;
  }

  const auto nx = static_cast<double>(x.size());
  const auto ny = static_cast<double>(y.size());
  MannWhitneyResult result;

  // The test at shift 0.
  std::vector<double> pooled = x;
  pooled.insert(pooled.end(), y.begin(), y.end());
  const Ranking ranking = rank(pooled);
  double rank_sum = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    rank_sum += ranking.ranks[i];
  }
  result.w = rank_sum - nx * (nx + 1) / 2;
  const double z = result.w - nx * ny / 2;
  const double sigma =
      std::sqrt((nx * ny / 12) * ((nx + ny + 1) - ranking.tie_sum / ((nx + ny) * (nx + ny - 1))));
  if (sigma > 0) {
    const double standardised = (z - sign(z) * 0.5) / sigma;
    result.p_value = 2 * std::min(normal_cdf(standardised), normal_cdf(-standardised));
  } else {
    result.p_value = 1;  // every observation tied: no evidence of any shift (R: NaN)
  }

  // The interval and the estimate, by root-finding on the statistic of the shifted sample.
  const double shift_min =
      *std::min_element(x.begin(), x.end()) - *std::max_element(y.begin(), y.end());
  const double shift_max =
      *std::max_element(x.begin(), x.end()) - *std::min_element(y.begin(), y.end());
  if (!(shift_min < shift_max)) {
    result.estimate = result.lower = result.upper = shift_min;
    return result;
  }
  ShiftStatistic statistic(x, y);
  const double at_min = statistic(shift_min, true);
  const double at_max = statistic(shift_max, true);
  const auto root = [&](double quantile) {
    const double f_lower = at_min - quantile;
    if (f_lower <= 0) {
      return shift_min;
    }
    const double f_upper = at_max - quantile;
    if (f_upper >= 0) {
      return shift_max;
    }
    return zeroin(
        shift_min, shift_max, f_lower, f_upper,
        [&](double shift) { return statistic(shift, true) - quantile; }, root_tolerance,
        root_max_iterations);
  };
  const double alpha = 1 - confidence;
  result.lower = root(quantile(alpha / 2, false));
  result.upper = root(quantile(alpha / 2, true));
  result.estimate = zeroin(
      shift_min, shift_max, statistic(shift_min, false), statistic(shift_max, false),
      [&](double shift) { return statistic(shift, false); }, root_tolerance, root_max_iterations);
  return result;
}

}  // namespace cutover::analysis
