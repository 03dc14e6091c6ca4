#include "analysis/analysis_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "analysis/burn_rate.hpp"
#include "analysis/compare_judge.hpp"
#include "analysis/expression.hpp"
#include "analysis/query_template.hpp"
#include "analysis/threshold_judge.hpp"

namespace cutover::analysis {

namespace {

// The shortest range a scaled burn-rate window may have: rate() needs a few scrapes.
constexpr std::chrono::seconds kMinWindow{5};

double unix_seconds(WallTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string format_value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{:.6g}", v);
}

std::string format_values(const std::vector<double>& values) {
  if (values.size() == 1)
    return format_value(values[0]);
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += format_value(values[i]);
  }
  return out + "]";
}

Attempt error_attempt(WallTime now, std::string message, bool fatal = false) {
  return {Measurement{now, now, MeasurementPhase::error, "", std::move(message)}, false, fatal};
}

Attempt query_error(WallTime now, const std::string& what, const PrometheusError& error) {
  return error_attempt(
      now, what + error.describe(),
      error.kind == PrometheusError::Kind::query && error.error_type == "bad_data");
}

Attempt measure_threshold(const ThresholdSpec& spec, MetricsSource& source, WallTime now) {
  std::optional<Expression> success;
  std::optional<Expression> failure;
  for (auto [text, target] : {std::pair{&spec.success_condition, &success},
                              std::pair{&spec.failure_condition, &failure}}) {
    if (text->empty())
      continue;
    auto parsed = Expression::parse(*text);
    if (!parsed)
      return error_attempt(now, fmt::format("condition \"{}\": {}", *text, parsed.error().message));
    *target = std::move(*parsed);
  }
  auto result = source.query(spec.query, unix_seconds(now));
  if (!result)
    return query_error(now, "", result.error());
  const auto values = result->latest_values();
  // A ratio over a window without traffic is 0/0 = NaN in every series: that is no data (waited
  // out, never a pass), not a value that fails `result < 0.01`.
  const bool only_nan = !values.empty() && std::all_of(values.begin(), values.end(),
                                                       [](double v) { return std::isnan(v); });
  const Judgement j =
      judge_threshold(success ? &*success : nullptr, failure ? &*failure : nullptr,
                      only_nan ? std::span<const double>{} : std::span<const double>(values));
  return {Measurement{
              now, now, j.phase, format_values(values),
              only_nan ? j.message + " (NaN: nothing to divide by, e.g. no traffic)" : j.message},
          values.empty() || only_nan};
}

// error / total over one window; NaN when there is no traffic to judge.
std::expected<double, std::string> window_ratio(const BurnRateSpec& spec, MetricsSource& source,
                                                std::chrono::seconds window, WallTime now) {
  const TemplateValues values = {{"window", format_window(window)}};
  auto error_query = render_template(spec.error_query, values);
  auto total_query = render_template(spec.total_query, values);
  if (!error_query || !total_query)
    return std::unexpected(error_query ? total_query.error() : error_query.error());
  auto total = source.query(*total_query, unix_seconds(now));
  if (!total)
    return std::unexpected(total.error().describe());
  auto errors = source.query(*error_query, unix_seconds(now));
  if (!errors)
    return std::unexpected(errors.error().describe());
  const auto total_values = total->latest_values();
  if (total_values.empty() || !(total_values[0] > 0))
    return std::numeric_limits<double>::quiet_NaN();
  // No error series at all is the common healthy case (nothing matched code=~"5..").
  const auto error_values = errors->latest_values();
  const double error_count = error_values.empty() ? 0.0 : error_values[0];
  return error_count / total_values[0];
}

Attempt measure_burn_rate(const BurnRateSpec& spec, MetricsSource& source, WallTime now) {
  const auto base = spec.windows.empty() ? default_burn_windows() : spec.windows;
  const auto windows = scale_windows(base, spec.window_scale, kMinWindow);
  std::vector<WindowRatios> ratios;
  std::string shown;
  for (const auto& w : windows) {
    auto long_ratio = window_ratio(spec, source, w.long_window, now);
    if (!long_ratio)
      return error_attempt(now, long_ratio.error());
    auto short_ratio = window_ratio(spec, source, w.short_window, now);
    if (!short_ratio)
      return error_attempt(now, short_ratio.error());
    ratios.push_back(WindowRatios{*long_ratio, *short_ratio});
    shown += fmt::format("{}{}/{}={}/{}", shown.empty() ? "" : " ", format_window(w.long_window),
                         format_window(w.short_window), format_value(*long_ratio),
                         format_value(*short_ratio));
  }
  const Judgement j = judge_burn_rate(spec.objective, windows, ratios);
  const bool no_data = std::all_of(ratios.begin(), ratios.end(), [](const WindowRatios& r) {
    return std::isnan(r.long_error_ratio) && std::isnan(r.short_error_ratio);
  });
  return {Measurement{now, now, j.phase, shown, j.message}, no_data};
}

Attempt measure_compare(const CompareSpec& spec, MetricsSource& source, WallTime now,
                        WallTime data_since) {
  const double end = unix_seconds(now);
  const double start = std::max(end - std::chrono::duration<double>(spec.lookback).count(),
                                unix_seconds(data_since));
  const double step = std::chrono::duration<double>(spec.step).count();
  auto canary = source.query_range(spec.canary_query, start, end, step);
  if (!canary)
    return query_error(now, "canary query: ", canary.error());
  auto baseline = source.query_range(spec.baseline_query, start, end, step);
  if (!baseline)
    return query_error(now, "baseline query: ", baseline.error());
  const auto canary_values = canary->all_values();
  const auto baseline_values = baseline->all_values();
  if (canary_values.size() < kMinComparePoints || baseline_values.size() < kMinComparePoints) {
    // Too few points to say anything: treated as no data (waited for, never a pass).
    return {
        Measurement{now, now, MeasurementPhase::inconclusive,
                    fmt::format("n={}/{}", canary_values.size(), baseline_values.size()),
                    fmt::format("not enough data: {} canary and {} baseline points, need {}",
                                canary_values.size(), baseline_values.size(), kMinComparePoints)},
        true};
  }
  const CompareResult result = compare(canary_values, baseline_values, spec.options);
  const Judgement j = judge_compare(result, spec.options);
  const std::string value =
      std::isnan(result.mean_ratio)
          ? fmt::format("n={}/{}", result.canary_count, result.baseline_count)
          : fmt::format("meanRatio={} n={}/{}", format_value(result.mean_ratio),
                        result.canary_count, result.baseline_count);
  return {Measurement{now, now, j.phase, value, j.message},
          result.classification == Classification::nodata, false,
          result.critical && j.phase == MeasurementPhase::failed};
}

MetricResult& result_for(RunStatus& status, const RunMetric& metric) {
  const std::string key = metric.key();
  for (auto& r : status.metric_results) {
    if (r.name == key)
      return r;
  }
  MetricResult r;
  r.name = key;
  r.dry_run = metric.spec.dry_run;
  status.metric_results.push_back(std::move(r));
  return status.metric_results.back();
}

void record(MetricResult& result, const Measurement& m, const MetricLimits& limits, int retention) {
  result.measurements.push_back(m);
  const auto keep = static_cast<std::size_t>(std::max(1, retention));
  if (result.measurements.size() > keep) {
    result.measurements.erase(result.measurements.begin(),
                              result.measurements.end() - static_cast<std::ptrdiff_t>(keep));
  }
  auto& c = result.counts;
  switch (m.phase) {
    case MeasurementPhase::successful:
      ++c.successful;
      break;
    case MeasurementPhase::failed:
      ++c.failed;
      break;
    case MeasurementPhase::inconclusive:
      ++c.inconclusive;
      break;
    case MeasurementPhase::error:
      ++c.error;
      break;
  }
  c.consecutive_error = m.phase == MeasurementPhase::error ? c.consecutive_error + 1 : 0;
  // `count` is reached by judged measurements only: an outage cannot complete a gate.
  c.measured = c.successful + c.failed + c.inconclusive;
  result.phase = assess_metric(c, limits);
  if (result.phase == RunPhase::pending)
    result.phase = RunPhase::running;
  result.message = m.message;
}

}  // namespace

Attempt measure(const RunMetric& metric, MetricsSource& source, WallTime now, WallTime data_since) {
  if (const auto* t = std::get_if<ThresholdSpec>(&metric.spec.judge))
    return measure_threshold(*t, source, now);
  if (const auto* b = std::get_if<BurnRateSpec>(&metric.spec.judge))
    return measure_burn_rate(*b, source, now);
  return measure_compare(std::get<CompareSpec>(metric.spec.judge), source, now, data_since);
}

RunProgress advance_run(AnalysisRun& run, const SourceFactory& sources, WallTime now) {
  RunProgress progress;
  if (run.finished())
    return progress;
  auto& status = run.status;
  if (!status.started_at) {
    status.started_at = now;
    status.phase = RunPhase::running;
    progress.changed = true;
  }
  if (!run.spec.error.empty() || run.spec.metrics.empty()) {
    status.phase = RunPhase::error;
    status.message = run.spec.error.empty() ? "the run has no metrics" : run.spec.error;
    status.finished_at = now;
    progress.changed = true;
    return progress;
  }
  for (const auto& metric : run.spec.metrics) {
    MetricResult& result = result_for(status, metric);
    if (is_terminal(result.phase))
      continue;
    const auto wait =
        result.waiting_for_data_since
            ? std::min<std::chrono::milliseconds>(metric.spec.interval, std::chrono::seconds{2})
            : metric.spec.interval;
    const WallTime due = result.last_attempt_at ? *result.last_attempt_at + wait
                                                : *status.started_at + metric.spec.initial_delay;
    if (now >= due) {
      progress.changed = true;
      result.last_attempt_at = now;
      auto source = sources(metric.provider);
      Attempt attempt =
          source ? measure(metric, **source, now, *status.started_at + metric.spec.initial_delay)
                 : error_attempt(now, "Prometheus provider: " + source.error());
      // The wait for data starts when the metric may first be measured (after initialDelay).
      if (attempt.no_data &&
          now < *status.started_at + metric.spec.initial_delay + run.spec.no_data_timeout) {
        // Not yet a measurement: fresh pods may not have been scraped yet.
        if (!result.waiting_for_data_since)
          result.waiting_for_data_since = now;
        result.phase = RunPhase::running;
        result.message = fmt::format(
            "no data yet; waiting up to {}s for it",
            std::chrono::duration_cast<std::chrono::seconds>(run.spec.no_data_timeout).count());
      } else {
        result.waiting_for_data_since.reset();
        if (attempt.no_data && attempt.measurement.phase == MeasurementPhase::successful) {
          // Defence in depth: no judge may turn "no data" into a pass.
          attempt.measurement.phase = MeasurementPhase::inconclusive;
          attempt.measurement.message = "no data";
        }
        record(result, attempt.measurement, metric.spec.limits, run.spec.measurement_retention);
        if (attempt.fatal && !metric.spec.dry_run)
          result.phase = RunPhase::error;
        if (attempt.critical && !metric.spec.dry_run)
          result.phase = RunPhase::failed;
      }
    }
    if (!is_terminal(result.phase)) {
      // While waiting for data, look again soon: the first scrape of a new pod is seconds away.
      const auto next_wait =
          result.waiting_for_data_since
              ? std::min<std::chrono::milliseconds>(metric.spec.interval, std::chrono::seconds{2})
              : metric.spec.interval;
      // Before the first attempt (initialDelay not over yet) the next one is simply `due`.
      const WallTime next = result.last_attempt_at ? *result.last_attempt_at + next_wait : due;
      progress.next_due = progress.next_due ? std::min(*progress.next_due, next) : next;
    }
  }
  std::vector<std::pair<RunPhase, bool>> phases;
  for (const auto& r : status.metric_results)
    phases.emplace_back(r.phase, r.dry_run);
  const RunPhase phase = combine_metrics(phases);
  if (phase != status.phase) {
    status.phase = phase;
    progress.changed = true;
  }
  if (is_terminal(status.phase)) {
    status.finished_at = now;
    progress.next_due.reset();
  }
  status.message = describe_run(run);
  return progress;
}

void terminate_run(AnalysisRun& run, const std::string& reason, WallTime now) {
  if (run.finished())
    return;
  run.status.terminated = true;
  run.status.finished_at = now;
  run.status.message = "terminated: " + reason;
}

std::string describe_run(const AnalysisRun& run) {
  const auto& s = run.status;
  if (s.terminated)
    return s.message;
  if (!run.spec.error.empty())
    return fmt::format("{}: {}", to_string(s.phase), run.spec.error);
  // The metric that decides the phase: the first non-dry-run one in that phase.
  for (const auto& r : s.metric_results) {
    if (r.phase == s.phase && !r.dry_run) {
      const auto& c = r.counts;
      return fmt::format(
          "{}: {}: {} ({} measured: {} successful, {} failed, {} inconclusive, {} "
          "errors)",
          to_string(s.phase), r.name, r.message.empty() ? "-" : r.message, c.measured, c.successful,
          c.failed, c.inconclusive, c.error);
    }
  }
  return std::string(to_string(s.phase));
}

}  // namespace cutover::analysis
