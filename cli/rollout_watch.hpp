#pragma once
// `deploy status --watch` (also behind `set image --wait` and `apply --wait`): poll the Rollout
// until it settles, redrawing the tree on a TTY or printing one line per change otherwise.

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

#include "kube/kube_client.hpp"
#include "kube/rest_config.hpp"
#include "rollout_access.hpp"
#include "rollout_view.hpp"
#include "terminal.hpp"
#include "util/clock.hpp"

namespace cutover::cli {

/// Where a Rollout stands, for a watcher. `watching` also covers a status that does not yet
/// reflect the latest request (a new spec not observed, a promote or retry not yet acted on).
enum class Verdict { watching, healthy, degraded, paused };

Verdict verdict(const rollout::Rollout& rollout);

/// True when the Rollout waits for a person (a pause with no duration, spec.paused, a
/// blue-green preview without auto-promotion), not for a timer.
bool waits_for_person(const rollout::Rollout& rollout);

enum class SuccessOnPause { no, yes };

/// 0 healthy, 1 degraded, 3 paused (0 with SuccessOnPause::yes), 3 still in progress.
int exit_code_for(Verdict verdict, SuccessOnPause success_on_pause);

/// The escape sequence that puts the cursor back where `previous_frame` started, so that the
/// next frame overwrites it. It counts the rows the frame took on a terminal `columns` wide
/// (long lines wrap; escape sequences take no room). When the frame filled the `rows` of the
/// screen, part of it scrolled away and cannot be reached: the screen is cleared instead.
/// `columns` or `rows` of 0 mean unknown.
std::string redraw_prefix(std::string_view previous_frame, int columns, int rows);

struct WatchOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes{10}};
  SuccessOnPause success_on_pause = SuccessOnPause::no;
  std::chrono::milliseconds interval{500};
  Output output = Output::table;  // json/yaml: print only the final object
  RolloutKind kind = RolloutKind::rollout;
};

/// Watches `namespace_name/name` until `verdict` is not `watching` or `timeout` passes, and
/// returns the exit code (4 on timeout, 5 when the API server cannot be reached at first,
/// 2 when the Rollout does not exist).
int watch_rollout(kube::KubeClient& client, const kube::RestConfig& config,
                  const std::string& namespace_name, const std::string& name, Clock& clock,
                  const Terminal& terminal, const WatchOptions& options, std::ostream& out,
                  std::ostream& err);

}  // namespace cutover::cli
