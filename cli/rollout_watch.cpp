#include "rollout_watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "exit_code.hpp"
#include "global_options.hpp"
#include "rollout/reconcile_error.hpp"
#include "rollout_access.hpp"
#include "util/duration.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

using rollout::Phase;

bool waits_for_person(const rollout::Rollout& r) {
  for (const auto& pause : r.status.pause_conditions) {
    if (pause.reason == "CanaryPauseStep" && r.spec.is_canary()) {
      const auto& steps = r.spec.canary().steps;
      const auto index = static_cast<std::size_t>(std::max(0, r.status.current_step_index));
      if (index < steps.size() && steps[index].kind == rollout::CanaryStep::Kind::pause &&
          steps[index].pause_duration) {
        continue;  // a timed pause ends by itself
      }
      return true;
    }
    if (pause.reason == "BlueGreenPause" && !r.spec.is_canary()) {
      const auto& bg = r.spec.blue_green();
      if (bg.auto_promotion_enabled && bg.auto_promotion_seconds > 0)
        continue;
      return true;
    }
    return true;  // PausedBySpec, and any reason this version does not know
  }
  return false;
}

Verdict verdict(const rollout::Rollout& r) {
  const auto& st = r.status;
  // The controller reports that it cannot carry out this generation: fail now, with its
  // message, rather than wait for the timeout.
  if (rollout::current_reconcile_error(r) != nullptr)
    return Verdict::degraded;
  if (st.observed_generation < r.generation)
    return Verdict::watching;
  // An abort the controller has not acted on yet.
  if (st.abort && st.phase != Phase::degraded)
    return Verdict::watching;
  switch (st.phase) {
    case Phase::healthy:
      return Verdict::healthy;
    case Phase::degraded:
      // abort=false with abortedAt set is a retry the controller has not picked up yet.
      return st.abort || !st.aborted_at ? Verdict::degraded : Verdict::watching;
    case Phase::paused:
      return waits_for_person(r) ? Verdict::paused : Verdict::watching;
    case Phase::progressing:
      return Verdict::watching;
  }
  return Verdict::watching;
}

int exit_code_for(Verdict v, SuccessOnPause success_on_pause) {
  switch (v) {
    case Verdict::healthy:
      return kOk;
    case Verdict::degraded:
      return kFailed;
    case Verdict::paused:
      return success_on_pause == SuccessOnPause::yes ? kOk : kPaused;
    case Verdict::watching:
      return kPaused;
  }
  return kPaused;
}

std::string redraw_prefix(std::string_view previous_frame, int columns, int rows) {
  int used = 0;
  std::size_t start = 0;
  while (start < previous_frame.size()) {
    const std::size_t end = previous_frame.find('\n', start);
    const std::string_view line = previous_frame.substr(
        start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const int width = display_width(line);
    used += columns > 0 && width > columns ? (width + columns - 1) / columns : 1;
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  // A frame that ends without a newline leaves the cursor on its last row.
  if (!previous_frame.empty() && previous_frame.back() != '\n')
    --used;
  if (rows > 0 && used >= rows)
    return "\x1b[H\x1b[2J";
  if (used <= 0)
    return "\r\x1b[J";
  return fmt::format("\x1b[{}A\r\x1b[J", used);
}

int watch_rollout(kube::KubeClient& client, const kube::RestConfig& config,
                  const std::string& namespace_name, const std::string& name, Clock& clock,
                  const Terminal& terminal, const WatchOptions& options, std::ostream& out,
                  std::ostream& err) {
  const auto deadline = clock.steady_now() + options.timeout;
  const bool structured = options.output == Output::json || options.output == Output::yaml;
  bool answered = false;
  std::string last_frame;
  std::string last_line;
  std::string last_error;
  std::optional<RolloutSnapshot> last;
  while (true) {
    auto snapshot = fetch_snapshot(client, namespace_name, name, SlotReads::read, options.kind);
    if (!snapshot) {
      const auto& error = snapshot.error();
      if (error.reason == kube::ErrorReason::not_found)
        return report_missing_rollout(namespace_name, name, err, options.kind);
      if (error.reason == kube::ErrorReason::invalid && error.http_status == 0) {
        err << "error: " << error.message << "\n";
        return kUsage;
      }
      if (!answered) {
        return report_error(
            error, config,
            fmt::format("reading {} {}/{}", kind_noun(options.kind), namespace_name, name), err);
      }
      // A blip mid-watch: say so once and keep trying until the deadline.
      if (error.describe() != last_error) {
        err << "warning: " << error.describe() << "; retrying\n";
        last_error = error.describe();
      }
    } else {
      answered = true;
      last_error.clear();
      const Verdict v = verdict(snapshot->rollout);
      if (!structured) {
        if (terminal.tty) {
          const std::string frame = render_status(*snapshot, clock.wall_now(), terminal);
          if (frame != last_frame) {
            if (!last_frame.empty()) {
              const auto size = terminal_size();  // asked each time: the window may be resized
              out << redraw_prefix(last_frame, size.columns, size.rows);
            }
            out << frame << std::flush;
            last_frame = frame;
          }
        } else {
          const std::string line = render_status_line(*snapshot);
          if (line != last_line) {
            out << line << std::endl;
            last_line = line;
          }
        }
      }
      last = std::move(*snapshot);
      if (v != Verdict::watching) {
        if (structured) {
          out << (options.output == Output::json ? last->object.dump(2) + "\n"
                                                 : to_yaml(last->object));
        }
        return exit_code_for(v, options.success_on_pause);
      }
    }
    if (clock.steady_now() >= deadline)
      break;
    clock.sleep_for(std::min<std::chrono::nanoseconds>(
        options.interval, std::max<std::chrono::nanoseconds>(deadline - clock.steady_now(),
                                                             std::chrono::nanoseconds{0})));
  }
  const std::string where =
      last ? fmt::format(
                 "it is {}{}",
                 last->object.contains("status") ? rollout::to_string(last->rollout.status.phase)
                                                 : std::string_view("Pending"),
                 last->rollout.status.message.empty() ? "" : ": " + last->rollout.status.message)
           : std::string("the API server did not answer");
  err << fmt::format(
      "error: {} {}/{} did not settle within {} ({}) (fix: give a longer --timeout, or see "
      "{} status {})\n",
      kind_noun(options.kind), namespace_name, name, format_duration(options.timeout), where,
      kind_names(options.kind).command, name);
  return kTimedOut;
}

}  // namespace cutover::cli
