#include "analysis/burn_rate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace cutover::analysis {

namespace {

using std::chrono::seconds;

constexpr double max_window_seconds = 10.0 * 365 * 24 * 3600;

seconds scale_one(seconds window, double scale, seconds min_window) {
  if (!(scale > 0)) {
    return min_window;
  }
  const double scaled = std::min(static_cast<double>(window.count()) * scale, max_window_seconds);
  return std::max(seconds{std::llround(scaled)}, min_window);
}

std::string pair_name(const BurnWindow& window) {
  return fmt::format("{}/{}", format_window(window.long_window),
                     format_window(window.short_window));
}

}  // namespace

std::vector<BurnWindow> default_burn_windows() {
  using std::chrono::hours;
  using std::chrono::minutes;
  return {
      {hours{1}, minutes{5}, 14.4},
      {hours{6}, minutes{30}, 6},
      {hours{24}, hours{2}, 3},
      {hours{72}, hours{6}, 1},
  };
}

std::vector<BurnWindow> scale_windows(std::span<const BurnWindow> windows, double scale,
                                      seconds min_window) {
  std::vector<BurnWindow> scaled;
  scaled.reserve(windows.size());
  for (const BurnWindow& window : windows) {
    scaled.push_back({scale_one(window.long_window, scale, min_window),
                      scale_one(window.short_window, scale, min_window), window.burn_rate});
  }
  return scaled;
}

Judgement judge_burn_rate(double objective_percent, std::span<const BurnWindow> windows,
                          std::span<const WindowRatios> ratios) {
  if (windows.empty()) {
    return {MeasurementPhase::error, "no burn-rate windows to judge"};
  }
  if (windows.size() != ratios.size()) {
    return {MeasurementPhase::error, fmt::format("{} burn-rate windows but {} measured ratio pairs",
                                                 windows.size(), ratios.size())};
  }
  if (!(objective_percent > 0 && objective_percent < 100)) {
    return {MeasurementPhase::error,
            fmt::format("objective {}% is not between 0 and 100", objective_percent)};
  }
  const double budget = 1 - objective_percent / 100;

  std::string fired;
  std::string missing;
  std::string within;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const BurnWindow& window = windows[i];
    const WindowRatios& ratio = ratios[i];
    const double threshold = window.burn_rate * budget;
    // NaN compares false, so a window without data never fires.
    if (ratio.long_error_ratio > threshold && ratio.short_error_ratio > threshold) {
      fired += fmt::format(
          "{}{} pair at {:g}x: error ratio {:.4g} over {} and {:.4g} over {}, both above {:.4g}",
          fired.empty() ? "" : "; ", pair_name(window), window.burn_rate, ratio.long_error_ratio,
          format_window(window.long_window), ratio.short_error_ratio,
          format_window(window.short_window), threshold);
      continue;
    }
    for (const auto& [value, span] : {std::pair{ratio.long_error_ratio, window.long_window},
                                      std::pair{ratio.short_error_ratio, window.short_window}}) {
      if (std::isnan(value)) {
        missing += fmt::format("{}no data for the {} window (pair {})", missing.empty() ? "" : "; ",
                               format_window(span), pair_name(window));
      }
    }
    within +=
        fmt::format("{}{}: {:.4g} and {:.4g} vs {:.4g}", within.empty() ? "" : "; ",
                    pair_name(window), ratio.long_error_ratio, ratio.short_error_ratio, threshold);
  }
  if (!fired.empty()) {
    return {MeasurementPhase::failed,
            fmt::format("error budget of the {:g}% objective burning too fast: {}",
                        objective_percent, fired)};
  }
  if (!missing.empty()) {
    return {MeasurementPhase::inconclusive, missing};
  }
  return {MeasurementPhase::successful,
          fmt::format("error budget of the {:g}% objective within every burn rate: {}",
                      objective_percent, within)};
}

std::string format_window(seconds window) {
  if (window.count() <= 0) {
    return "0s";
  }
  std::int64_t rest = window.count();
  std::string text;
  for (const auto& [unit, size] :
       {std::pair{'d', std::int64_t{86400}}, std::pair{'h', std::int64_t{3600}},
        std::pair{'m', std::int64_t{60}}, std::pair{'s', std::int64_t{1}}}) {
    if (rest >= size) {
      text += fmt::format("{}{}", rest / size, unit);
      rest %= size;
    }
  }
  return text;
}

}  // namespace cutover::analysis
