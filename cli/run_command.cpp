#include "run_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <thread>

#include "deploy_main.hpp"
#include "rollout/reconciler.hpp"
#include "util/duration.hpp"

namespace cutover::cli {

namespace {

struct RunOptions {
  std::string rollout;
  std::string timeout = "30m";
  std::string prometheus_url;
};

int run_rollout(const GlobalOptions& globals, const RunOptions& options) {
  const auto timeout = parse_duration(options.timeout);
  if (!timeout) {
    std::cerr << "error: --timeout " << timeout.error() << "\n";
    return kUsage;
  }
  auto connection = connect(globals);
  if (!connection)
    return connection.error();
  const kube::RestConfig* config = &connection->config;
  rollout::Reconciler reconciler(*connection->client, SystemClock::instance(), "cutover-cli",
                                 {.default_prometheus = options.prometheus_url});
  const auto deadline = std::chrono::steady_clock::now() + *timeout;
  std::string last_line;
  int transient_errors = 0;
  bool answered = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto outcome = reconciler.reconcile(config->namespace_name, options.rollout);
    if (!outcome && !answered && is_unreachable(outcome.error())) {
      return report_error(outcome.error(), *config, "reading rollout " + options.rollout,
                          std::cerr);
    }
    if (!outcome) {
      // Conflicts and network blips are expected; persistent failure is not.
      if (++transient_errors > 30) {
        std::cerr << "error: " << outcome.error().describe() << "\n";
        return kFailed;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{500});
      continue;
    }
    transient_errors = 0;
    answered = true;
    if (!outcome->found) {
      std::cerr << fmt::format("error: rollout {}/{} not found\n", config->namespace_name,
                               options.rollout);
      return kFailed;
    }
    const std::string line = fmt::format("{}: {}{}", rollout::to_string(outcome->phase),
                                         outcome->message.empty() ? "ok" : outcome->message,
                                         outcome->aborted ? " (aborted)" : "");
    if (line != last_line) {
      std::cout << line << std::endl;
      last_line = line;
    }
    if (outcome->invalid || outcome->aborted)
      return kFailed;
    // Healthy is not the end while the old slot waits out its scale-down delay: with no
    // operator installed, nobody else would scale it down.
    if (outcome->settled)
      return kOk;
    const auto wait = std::clamp(outcome->requeue_after.value_or(std::chrono::milliseconds{1000}),
                                 std::chrono::milliseconds{0}, std::chrono::milliseconds{1000});
    std::this_thread::sleep_for(wait);
  }
  std::cerr << fmt::format("error: rollout {} did not finish within {}\n", options.rollout,
                           options.timeout);
  return kTimedOut;
}

}  // namespace

void add_run_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run", "Drive one Rollout to completion with no operator installed (for pipelines)");
  cmd->add_option("rollout", options->rollout, "Name of the Rollout")->required();
  cmd->add_option("--prometheus-url", options->prometheus_url,
                  "Prometheus for SLO policies that set no address (default: "
                  "$CUTOVER_PROMETHEUS_URL)")
      ->envname("CUTOVER_PROMETHEUS_URL");
  cmd->add_option("--timeout", options->timeout, "Give up after this long (exit 4)")
      ->capture_default_str();
  cmd->callback([&globals, &exit_code, options] { exit_code = run_rollout(globals, *options); });
}

}  // namespace cutover::cli
