#include "migration_commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "control_commands.hpp"
#include "rollout/migration_json.hpp"
#include "rollout_view.hpp"
#include "util/json_fields.hpp"
#include "view_commands.hpp"

namespace cutover::cli {

namespace {

// One row of `deploy migrations list`; an object that does not parse says Invalid.
std::vector<std::string> row_of(const Json& object, WallTime now) {
  auto parsed = rollout::parse_migration(object);
  if (!parsed) {
    return {string_or(member(object, "metadata"), "name"),
            "?",
            "?",
            "?",
            "?",
            "Invalid",
            "-",
            "-",
            object_age(object, now)};
  }
  const auto& canary = parsed->spec.canary();  // parse_migration sets its one route and move
  const auto& route = canary.routes.front();
  const std::string phase = phase_text(*parsed, object);
  return {parsed->name,
          route.kind + "/" + route.name,
          fmt::format("{}", fmt::join(migration_paths(canary), ",")),
          fmt::format("{}:{}", canary.stable_service, canary.move->from_port),
          fmt::format("{}:{}", canary.canary_service, canary.move->to_port),
          phase,
          step_progress(*parsed),
          phase == "Pending" ? "-" : fmt::format("{}%", parsed->status.current_weight),
          object_age(object, now)};
}

}  // namespace

void add_migration_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  auto* group = app.add_subcommand(
      "migrations",
      "Migrations: a path from one Service to another through steps and SLO gates (a "
      "strangler fig), with no deploy");
  group->require_subcommand(1);
  group->add_subcommand("list", "List Migrations: route, paths, from, to, phase, step, weight, age")
      ->alias("ls")
      ->callback([&context, &exit_code] {
        exit_code = run_table_list(
            context, RolloutKind::migration,
            {"NAME", "ROUTE", "PATHS", "FROM", "TO", "PHASE", "STEP", "WEIGHT", "AGE"}, row_of);
      });
  add_status_command(*group, context, exit_code, RolloutKind::migration,
                     "Show a Migration: route, paths, from, to, the path's share, steps, "
                     "analysis (exit code as deploy status)");
  add_podless_control_commands(*group, context, exit_code, RolloutKind::migration);
}

}  // namespace cutover::cli
