#include "flag_rollout_commands.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "control_commands.hpp"
#include "rollout/flag_rollout_json.hpp"
#include "rollout_view.hpp"
#include "util/json_fields.hpp"
#include "view_commands.hpp"

namespace cutover::cli {

namespace {

std::string row_weight(const rollout::Rollout& r) {
  for (const auto& flag : r.status.flag_splits) {
    if (flag.weight)
      return fmt::format("{}%", *flag.weight);
  }
  return "-";
}

// One row of `deploy flag-rollouts list`; an object that does not parse says Invalid.
std::vector<std::string> row_of(const Json& object, WallTime now) {
  const Json& spec = member(object, "spec");
  auto parsed = rollout::parse_flag_rollout(object);
  if (!parsed) {
    return {string_or(member(object, "metadata"), "name"),
            string_or(spec, "featureFlag", "?"),
            string_or(spec, "flag", "?"),
            string_or(spec, "variant", "?"),
            "Invalid",
            "-",
            "-",
            object_age(object, now)};
  }
  return {parsed->name,
          string_or(spec, "featureFlag"),
          string_or(spec, "flag"),
          string_or(spec, "variant"),
          phase_text(*parsed, object),
          step_progress(*parsed),
          row_weight(*parsed),
          object_age(object, now)};
}

}  // namespace

void add_flag_rollout_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  auto* group = app.add_subcommand(
      "flag-rollouts",
      "FlagRollouts: a flag's variant to 100% through steps and SLO gates, with no deploy");
  group->require_subcommand(1);
  group->add_subcommand("list", "List FlagRollouts: flag, variant, phase, step, weight, age")
      ->alias("ls")
      ->callback([&context, &exit_code] {
        exit_code = run_table_list(
            context, RolloutKind::flag_rollout,
            {"NAME", "FEATUREFLAG", "FLAG", "VARIANT", "PHASE", "STEP", "WEIGHT", "AGE"}, row_of);
      });

  add_status_command(
      *group, context, exit_code, RolloutKind::flag_rollout,
      "Show a FlagRollout: the flag's split, steps, analysis (exit code as deploy status)");
  add_podless_control_commands(*group, context, exit_code, RolloutKind::flag_rollout);
}

}  // namespace cutover::cli
