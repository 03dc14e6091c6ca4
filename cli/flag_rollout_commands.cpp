#include "flag_rollout_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "control_commands.hpp"
#include "exit_code.hpp"
#include "rollout/flag_rollout_json.hpp"
#include "rollout_access.hpp"
#include "rollout_view.hpp"
#include "util/json_fields.hpp"
#include "view_commands.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

std::string row_weight(const rollout::Rollout& r) {
  for (const auto& flag : r.status.flag_splits) {
    if (flag.weight)
      return fmt::format("{}%", *flag.weight);
  }
  return "-";
}

int run_list(const CommandContext& context) {
  const GlobalOptions& globals = context.globals;
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  kube::ListOptions options;
  options.all_namespaces =
      globals.all_namespaces ? kube::AllNamespaces::yes : kube::AllNamespaces::no;
  auto list = connection->client->list_all(
      rollouts_ref(config.namespace_name, RolloutKind::flag_rollout), options);
  if (!list)
    return report_error(list.error(), config, "listing flagrollouts", context.err);
  const Json items = list->value("items", Json::array());
  const Output output = globals.output_format();
  if (output == Output::json || output == Output::yaml) {
    const Json whole = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}};
    context.out << (output == Output::json ? whole.dump(2) + "\n" : to_yaml(whole));
    return kOk;
  }
  if (items.empty()) {
    context.err << (globals.all_namespaces ? std::string("No flagrollouts found.\n")
                                           : fmt::format("No flagrollouts found in namespace {}.\n",
                                                         config.namespace_name));
    return kOk;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"NAME",  "FEATUREFLAG", "FLAG",   "VARIANT",
                                     "PHASE", "STEP",        "WEIGHT", "AGE"};
  if (globals.all_namespaces)
    header.insert(header.begin(), "NAMESPACE");
  rows.push_back(header);
  const WallTime now = context.clock.wall_now();
  for (Json object : items) {
    object["kind"] = rollout::kFlagRolloutKind;  // list items carry none
    const Json& metadata = member(object, "metadata");
    const Json& spec = member(object, "spec");
    std::vector<std::string> row;
    if (auto parsed = rollout::parse_flag_rollout(object); parsed) {
      const auto& st = parsed->status;
      const int steps = static_cast<int>(parsed->spec.canary().steps.size());
      row = {parsed->name,
             string_or(spec, "featureFlag"),
             string_or(spec, "flag"),
             string_or(spec, "variant"),
             object.contains("status") ? std::string(rollout::to_string(st.phase)) : "Pending",
             steps == 0 ? "-"
                        : fmt::format("{}/{}", std::clamp(st.current_step_index, 0, steps), steps),
             row_weight(*parsed),
             object_age(object, now)};
    } else {
      row = {string_or(metadata, "name"),
             string_or(spec, "featureFlag", "?"),
             string_or(spec, "flag", "?"),
             string_or(spec, "variant", "?"),
             "Invalid",
             "-",
             "-",
             object_age(object, now)};
    }
    if (globals.all_namespaces)
      row.insert(row.begin(), string_or(metadata, "namespace"));
    rows.push_back(std::move(row));
  }
  context.out << table(rows);
  return kOk;
}

}  // namespace

void add_flag_rollout_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  auto* group = app.add_subcommand(
      "flag-rollouts",
      "FlagRollouts: a flag's variant to 100% through steps and SLO gates, with no deploy");
  group->require_subcommand(1);
  group->add_subcommand("list", "List FlagRollouts: flag, variant, phase, step, weight, age")
      ->alias("ls")
      ->callback([&context, &exit_code] { exit_code = run_list(context); });

  auto status = std::make_shared<StatusOptions>();
  status->kind = RolloutKind::flag_rollout;
  auto* status_cmd = group->add_subcommand(
      "status",
      "Show a FlagRollout: the flag's split, steps, analysis (exit code as deploy status)");
  status_cmd->add_option("name", status->rollout, "Name of the FlagRollout")->required();
  status_cmd->add_flag("-w,--watch", status->watch,
                       "Follow until Healthy, Degraded or paused for a person");
  status_cmd->add_option("--timeout", status->timeout, "With --watch: give up after this long")
      ->capture_default_str();
  status_cmd->add_flag("--success-on-pause", status->success_on_pause,
                       "Exit 0 (not 3) when the FlagRollout is paused");
  status_cmd->callback(
      [&context, &exit_code, status] { exit_code = run_status(context, *status); });

  add_flag_rollout_control_commands(*group, context, exit_code);
}

}  // namespace cutover::cli
