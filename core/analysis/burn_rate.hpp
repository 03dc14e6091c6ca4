#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "analysis/threshold_judge.hpp"

namespace cutover::analysis {

/// One pair of the SRE workbook's multi-window, multi-burn-rate alert: it fires when the error
/// ratio over both windows exceeds `burn_rate` × the error budget (1 - objective).
struct BurnWindow {
  std::chrono::seconds long_window;
  std::chrono::seconds short_window;
  double burn_rate;
};

/// The workbook's table for a 30-day SLO: 1h/5m at 14.4 (2% of the budget), 6h/30m at 6 (5%),
/// 1d/2h at 3 (10%), 3d/6h at 1 (10%).
std::vector<BurnWindow> default_burn_windows();

/// Multiplies every window by `scale` (a canary gate lasts minutes, not days), rounding to
/// whole seconds and clamping each window to at least `min_window` (Prometheus needs a few
/// scrape intervals in a range). Burn rates are unchanged. A `scale` that is NaN or not
/// positive gives `min_window` everywhere; windows are capped at 10 years.
std::vector<BurnWindow> scale_windows(std::span<const BurnWindow> windows, double scale,
                                      std::chrono::seconds min_window);

/// The measured error ratios (errors / requests, 0..1) of one pair. NaN = no data for that
/// window (no requests, or no series).
struct WindowRatios {
  double long_error_ratio;
  double short_error_ratio;
};

/// Judges `ratios[i]` against `windows[i]` for an availability objective in percent (99.9).
/// The threshold of a pair is burn_rate × (1 - objective/100); a pair fires only when BOTH of
/// its ratios are above its threshold, and pairs combine with OR:
///
/// - any pair fires → Failed, naming every firing pair, its ratios and its threshold;
/// - otherwise, a window without data → Inconclusive ("no data for the 5m window ...");
/// - otherwise Successful.
///
/// Error (with the reason) when the spans differ in length or are empty, or when the objective
/// is not in (0, 100).
Judgement judge_burn_rate(double objective_percent, std::span<const BurnWindow> windows,
                          std::span<const WindowRatios> ratios);

/// A window in PromQL range syntax, largest units first: 36s → "36s", 300s → "5m",
/// 5400s → "1h30m", 86400s → "1d". Zero or negative → "0s".
std::string format_window(std::chrono::seconds window);

}  // namespace cutover::analysis
