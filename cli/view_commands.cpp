#include "view_commands.hpp"

#include <fmt/format.h>

#include <expected>
#include <ostream>

#include "exit_code.hpp"
#include "rollout/run_lease.hpp"
#include "rollout_access.hpp"
#include "rollout_view.hpp"
#include "rollout_watch.hpp"
#include "util/duration.hpp"
#include "util/json_fields.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

void print_structured(const Json& value, Output output, std::ostream& out) {
  out << (output == Output::json ? value.dump(2) + "\n" : to_yaml(value));
}

// The shared half of every list: the kind's objects. Done (the exit code as the error) when the
// read fails, with -o json|yaml (it printed the List) and with none (it said so); otherwise the
// items (which carry no `kind`) for the caller's table.
std::expected<Json, int> list_for_table(const CommandContext& context, RolloutKind kind) {
  const GlobalOptions& globals = context.globals;
  auto connection = context.connect();
  if (!connection)
    return std::unexpected(connection.error());
  const auto& config = connection->config;
  kube::ListOptions options;
  options.all_namespaces =
      globals.all_namespaces ? kube::AllNamespaces::yes : kube::AllNamespaces::no;
  auto list = connection->client->list_all(rollouts_ref(config.namespace_name, kind), options);
  const std::string nouns = std::string(kind_noun(kind)) + "s";
  if (!list)
    return std::unexpected(report_error(list.error(), config, "listing " + nouns, context.err));
  Json items = list->value("items", Json::array());
  const Output output = globals.output_format();
  if (output == Output::json || output == Output::yaml) {
    print_structured({{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}}, output,
                     context.out);
    return std::unexpected(kOk);
  }
  if (items.empty()) {
    context.err << (globals.all_namespaces ? fmt::format("No {} found.\n", nouns)
                                           : fmt::format("No {} found in namespace {}.\n", nouns,
                                                         config.namespace_name));
    return std::unexpected(kOk);
  }
  return items;
}

int run_list(const CommandContext& context) {
  auto items = list_for_table(context, RolloutKind::rollout);
  if (!items)
    return items.error();
  context.out << render_list(*items, context.globals.all_namespaces,
                             context.globals.output_format(), context.clock.wall_now());
  return kOk;
}

}  // namespace

int run_table_list(const CommandContext& context, RolloutKind kind, std::vector<std::string> header,
                   const ListRow& row) {
  auto items = list_for_table(context, kind);
  if (!items)
    return items.error();
  const bool all_namespaces = context.globals.all_namespaces;
  if (all_namespaces)
    header.insert(header.begin(), "NAMESPACE");
  std::vector<std::vector<std::string>> rows = {std::move(header)};
  const WallTime now = context.clock.wall_now();
  for (Json object : *items) {
    object["kind"] = kind_names(kind).api_kind;  // list items carry none
    std::vector<std::string> cells = row(object, now);
    if (all_namespaces)
      cells.insert(cells.begin(), string_or(member(object, "metadata"), "namespace"));
    rows.push_back(std::move(cells));
  }
  context.out << table(rows);
  return kOk;
}

int run_status(const CommandContext& context, const StatusOptions& options) {
  const auto timeout = parse_duration(options.timeout);
  if (!timeout) {
    context.err << "error: --timeout " << timeout.error() << " (fix: e.g. --timeout 5m)\n";
    return kUsage;
  }
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  const Output output = context.globals.output_format();
  const SuccessOnPause on_pause =
      options.success_on_pause ? SuccessOnPause::yes : SuccessOnPause::no;
  if (options.watch) {
    return watch_rollout(*connection->client, config, config.namespace_name, options.rollout,
                         context.clock, context.terminal(),
                         {*timeout, on_pause, std::chrono::milliseconds{500}, output, options.kind},
                         context.out, context.err);
  }
  // -o json|yaml prints the Rollout object only: one request instead of three.
  const bool structured = output == Output::json || output == Output::yaml;
  auto snapshot = fetch_snapshot(*connection->client, config.namespace_name, options.rollout,
                                 structured ? SlotReads::skip : SlotReads::read, options.kind);
  if (!snapshot) {
    if (snapshot.error().reason == kube::ErrorReason::not_found) {
      return report_missing_rollout(config.namespace_name, options.rollout, context.err,
                                    options.kind);
    }
    if (snapshot.error().reason == kube::ErrorReason::invalid &&
        snapshot.error().http_status == 0) {
      context.err << "error: " << snapshot.error().message << "\n";
      return kUsage;
    }
    return report_error(snapshot.error(), config,
                        fmt::format("reading {} {}/{}", kind_noun(options.kind),
                                    config.namespace_name, options.rollout),
                        context.err);
  }
  if (structured) {
    print_structured(snapshot->object, output, context.out);
  } else {
    // Best effort: without a run Lease (or the right to read it) the line is left out. Only
    // Rollouts have one (`deploy run`).
    auto lease =
        options.kind == RolloutKind::rollout
            ? connection->client->get({"coordination.k8s.io/v1", "Lease", config.namespace_name},
                                      rollout::run_lease_name(options.rollout))
            : kube::Result<Json>(Json());
    if (lease && lease->is_object()) {
      snapshot->driven_by =
          rollout::describe_driver(rollout::run_lease_view(*lease), context.clock.wall_now());
    }
    context.out << render_status(*snapshot, context.clock.wall_now(), context.terminal());
  }
  return exit_code_for(verdict(snapshot->rollout), on_pause);
}

namespace {

int run_history(const CommandContext& context, const std::string& name) {
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  auto object =
      get_rollout_object(*connection->client, config, config.namespace_name, name, context.err);
  if (!object)
    return object.error();
  auto parsed = parse_or_report(*object, context.err);
  if (!parsed)
    return parsed.error();
  const Output output = context.globals.output_format();
  if (output == Output::json || output == Output::yaml) {
    const Json& status = (*object)["status"];
    print_structured(
        status.is_object() && status.contains("history") ? status["history"] : Json::array(),
        output, context.out);
    return kOk;
  }
  if (parsed->status.history.empty()) {
    context.err << fmt::format("rollout {}/{} has no history yet.\n", config.namespace_name, name);
    return kOk;
  }
  context.out << render_history(*parsed, output, context.clock.wall_now());
  return kOk;
}

}  // namespace

void add_status_command(CLI::App& app, CommandContext& context, int& exit_code, RolloutKind kind,
                        const std::string& description) {
  const std::string what = kind_names(kind).api_kind;
  auto status = std::make_shared<StatusOptions>();
  status->kind = kind;
  auto* status_cmd = app.add_subcommand("status", description);
  // github_report reads the Rollout of `deploy status --watch` from the positional "rollout".
  status_cmd
      ->add_option(kind == RolloutKind::rollout ? "rollout" : "name", status->rollout,
                   "Name of the " + what)
      ->required();
  status_cmd->add_flag("-w,--watch", status->watch,
                       "Follow until Healthy, Degraded or paused for a person");
  status_cmd->add_option("--timeout", status->timeout, "With --watch: give up after this long")
      ->capture_default_str();
  status_cmd->add_flag("--success-on-pause", status->success_on_pause,
                       "Exit 0 (not 3) when the " + what + " is paused");
  status_cmd->callback(
      [&context, &exit_code, status] { exit_code = run_status(context, *status); });
}

void add_view_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  app.add_subcommand("list", "List Rollouts: strategy, phase, step, weight, images, age")
      ->alias("ls")
      ->callback([&context, &exit_code] { exit_code = run_list(context); });

  add_status_command(
      app, context, exit_code, RolloutKind::rollout,
      "Show a Rollout as a tree: revisions, traffic, steps, analysis (exit code: see below)");

  auto history = std::make_shared<std::string>();
  auto* history_cmd = app.add_subcommand(
      "history", "List a Rollout's revisions: images, git SHA, change cause, timing, result");
  history_cmd->add_option("rollout", *history, "Name of the Rollout")->required();
  history_cmd->callback(
      [&context, &exit_code, history] { exit_code = run_history(context, *history); });
}

}  // namespace cutover::cli
