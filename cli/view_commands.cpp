#include "view_commands.hpp"

#include <fmt/format.h>

#include <iostream>

#include "exit_code.hpp"
#include "rollout/run_lease.hpp"
#include "rollout_access.hpp"
#include "rollout_view.hpp"
#include "rollout_watch.hpp"
#include "util/duration.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

void print_structured(const Json& value, Output output) {
  std::cout << (output == Output::json ? value.dump(2) + "\n" : to_yaml(value));
}

int run_list(const GlobalOptions& globals) {
  auto connection = connect(globals);
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  kube::ListOptions options;
  options.all_namespaces =
      globals.all_namespaces ? kube::AllNamespaces::yes : kube::AllNamespaces::no;
  auto list = connection->client->list_all(rollouts_ref(config.namespace_name), options);
  if (!list)
    return report_error(list.error(), config, "listing rollouts", std::cerr);
  Json items = list->value("items", Json::array());
  const Output output = globals.output_format();
  if (output == Output::json || output == Output::yaml) {
    print_structured({{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}}, output);
    return kOk;
  }
  if (items.empty()) {
    std::cerr << (globals.all_namespaces
                      ? std::string("No rollouts found.\n")
                      : fmt::format("No rollouts found in namespace {}.\n", config.namespace_name));
    return kOk;
  }
  std::cout << render_list(items, globals.all_namespaces, output,
                           SystemClock::instance().wall_now());
  return kOk;
}

struct StatusOptions {
  std::string rollout;
  bool watch = false;
  std::string timeout = "10m";
  bool success_on_pause = false;
};

int run_status(const GlobalOptions& globals, const StatusOptions& options) {
  const auto timeout = parse_duration(options.timeout);
  if (!timeout) {
    std::cerr << "error: --timeout " << timeout.error() << " (fix: e.g. --timeout 5m)\n";
    return kUsage;
  }
  auto connection = connect(globals);
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  const Output output = globals.output_format();
  const SuccessOnPause on_pause =
      options.success_on_pause ? SuccessOnPause::yes : SuccessOnPause::no;
  if (options.watch) {
    return watch_rollout(*connection->client, config, config.namespace_name, options.rollout,
                         SystemClock::instance(), globals.terminal(),
                         {*timeout, on_pause, std::chrono::milliseconds{500}, output}, std::cout,
                         std::cerr);
  }
  // -o json|yaml prints the Rollout object only: one request instead of three.
  const bool structured = output == Output::json || output == Output::yaml;
  auto snapshot = fetch_snapshot(*connection->client, config.namespace_name, options.rollout,
                                 structured ? SlotReads::skip : SlotReads::read);
  if (!snapshot) {
    if (snapshot.error().reason == kube::ErrorReason::not_found)
      return report_missing_rollout(config.namespace_name, options.rollout, std::cerr);
    return report_error(
        snapshot.error(), config,
        fmt::format("reading rollout {}/{}", config.namespace_name, options.rollout), std::cerr);
  }
  if (structured) {
    print_structured(snapshot->object, output);
  } else {
    // Best effort: without a run Lease (or the right to read it) the line is left out.
    if (auto lease =
            connection->client->get({"coordination.k8s.io/v1", "Lease", config.namespace_name},
                                    rollout::run_lease_name(options.rollout))) {
      snapshot->driven_by = rollout::describe_driver(rollout::run_lease_view(*lease),
                                                     SystemClock::instance().wall_now());
    }
    std::cout << render_status(*snapshot, SystemClock::instance().wall_now(), globals.terminal());
  }
  return exit_code_for(verdict(snapshot->rollout), on_pause);
}

int run_history(const GlobalOptions& globals, const std::string& name) {
  auto connection = connect(globals);
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  auto object =
      get_rollout_object(*connection->client, config, config.namespace_name, name, std::cerr);
  if (!object)
    return object.error();
  auto parsed = parse_or_report(*object, std::cerr);
  if (!parsed)
    return parsed.error();
  const Output output = globals.output_format();
  if (output == Output::json || output == Output::yaml) {
    const Json& status = (*object)["status"];
    print_structured(
        status.is_object() && status.contains("history") ? status["history"] : Json::array(),
        output);
    return kOk;
  }
  if (parsed->status.history.empty()) {
    std::cerr << fmt::format("rollout {}/{} has no history yet.\n", config.namespace_name, name);
    return kOk;
  }
  std::cout << render_history(*parsed, output, SystemClock::instance().wall_now());
  return kOk;
}

}  // namespace

void add_view_commands(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  app.add_subcommand("list", "List Rollouts: strategy, phase, step, weight, images, age")
      ->alias("ls")
      ->callback([&globals, &exit_code] { exit_code = run_list(globals); });

  auto status = std::make_shared<StatusOptions>();
  auto* status_cmd = app.add_subcommand(
      "status",
      "Show a Rollout as a tree: revisions, traffic, steps, analysis (exit code: see "
      "below)");
  status_cmd->add_option("rollout", status->rollout, "Name of the Rollout")->required();
  status_cmd->add_flag("-w,--watch", status->watch,
                       "Follow until Healthy, Degraded or paused for a person");
  status_cmd->add_option("--timeout", status->timeout, "With --watch: give up after this long")
      ->capture_default_str();
  status_cmd->add_flag("--success-on-pause", status->success_on_pause,
                       "Exit 0 (not 3) when the Rollout is paused");
  status_cmd->callback(
      [&globals, &exit_code, status] { exit_code = run_status(globals, *status); });

  auto history = std::make_shared<std::string>();
  auto* history_cmd = app.add_subcommand(
      "history", "List a Rollout's revisions: images, git SHA, change cause, timing, result");
  history_cmd->add_option("rollout", *history, "Name of the Rollout")->required();
  history_cmd->callback(
      [&globals, &exit_code, history] { exit_code = run_history(globals, *history); });
}

}  // namespace cutover::cli
