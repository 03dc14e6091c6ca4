#include "control_commands.hpp"

#include <fmt/format.h>

#include <ostream>

#include "control_plan.hpp"
#include "exit_code.hpp"
#include "rollout_access.hpp"

namespace cutover::cli {

namespace {

using Verb = ControlVerb;

struct ControlOptions {
  std::string rollout;
  bool full = false;
};

int run_control(const CommandContext& context, Verb verb, const std::string& name,
                RolloutKind kind) {
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  auto& client = *connection->client;
  const std::string ns = config.namespace_name;
  auto object = get_rollout_object(client, config, ns, name, context.err, kind);
  const char* noun = kind_noun(kind);
  if (!object)
    return object.error();
  auto parsed = parse_or_report(*object, context.err);
  if (!parsed)
    return parsed.error();
  auto plan =
      plan_control(verb, *parsed, config.user_name,
                   kind == RolloutKind::rollout ? "deploy resume " + name
                                                : std::string("spec.paused is set to false"));
  if (!plan) {
    context.err << "error: " << plan.error() << "\n";
    return kUsage;
  }
  if (plan->patch.is_null()) {
    context.out << fmt::format("{} {}/{} {}\n", noun, ns, name, plan->outcome);
    return kOk;
  }
  if (!plan->warning.empty())
    context.err << fmt::format("warning: {} {}/{} {}\n", noun, ns, name, plan->warning);
  auto result = client.patch(rollouts_ref(ns, kind), name, kube::PatchType::json_merge, plan->patch,
                             plan->subresource);
  if (!result) {
    if (result.error().reason == kube::ErrorReason::not_found)
      return report_missing_rollout(ns, name, context.err, kind);
    return report_error(result.error(), config, fmt::format("patching {} {}/{}", noun, ns, name),
                        context.err);
  }
  context.out << fmt::format("{} {}/{} {}\n", noun, ns, name, plan->outcome);
  return kOk;
}

CLI::App* add_verb(CLI::App& app, CommandContext& context, int& exit_code, const char* command,
                   const std::string& description, Verb verb,
                   RolloutKind kind = RolloutKind::rollout) {
  auto options = std::make_shared<ControlOptions>();
  auto* cmd = app.add_subcommand(command, description);
  cmd->add_option("rollout", options->rollout,
                  fmt::format("Name of the {}", kind_names(kind).api_kind))
      ->required();
  if (verb == Verb::promote) {
    cmd->add_flag("--full", options->full, "Skip every remaining step and analysis");
  }
  cmd->callback([&context, &exit_code, options, verb, kind] {
    const Verb chosen = verb == Verb::promote && options->full ? Verb::promote_full : verb;
    exit_code = run_control(context, chosen, options->rollout, kind);
  });
  return cmd;
}

}  // namespace

void add_control_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  add_verb(app, context, exit_code, "promote",
           "Continue a paused release (with --full: skip to the end)", Verb::promote);
  add_verb(app, context, exit_code, "abort",
           "Abort the release under way: all traffic back to the stable revision", Verb::abort);
  add_verb(app, context, exit_code, "retry", "Start an aborted release again from step 1",
           Verb::retry);
  add_verb(app, context, exit_code, "pause", "Hold a Rollout where it is (spec.paused=true)",
           Verb::pause);
  add_verb(app, context, exit_code, "resume", "Let a paused Rollout continue (spec.paused=false)",
           Verb::resume);
}

void add_podless_control_commands(CLI::App& app, CommandContext& context, int& exit_code,
                                  RolloutKind kind) {
  const std::string what = kind_names(kind).api_kind;
  add_verb(app, context, exit_code, "promote",
           fmt::format("Continue a paused {} (with --full: skip to 100%)", what), Verb::promote,
           kind);
  add_verb(app, context, exit_code, "abort",
           fmt::format("Abort the {}: {}", what,
                       kind == RolloutKind::migration ? "the path back to spec.from at once"
                                                      : "its variant back to 0%"),
           Verb::abort, kind);
  add_verb(app, context, exit_code, "retry",
           fmt::format("Start an aborted {} again from step 1", what), Verb::retry, kind);
}

}  // namespace cutover::cli
