#include "github_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ostream>

#include "rollout/slot.hpp"
#include "rollout_access.hpp"
#include "util/file_io.hpp"
#include "util/json_fields.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

std::string positional(CLI::App* command, const char* name) {
  const auto* option = command->get_option_no_throw(name);
  return option != nullptr && !option->results().empty() ? option->results().front()
                                                         : std::string{};
}

// This CLI11 has no get_subcommand_no_throw.
CLI::App* subcommand(CLI::App* parent, std::string_view name) {
  for (CLI::App* sub : parent->get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name)
      return sub;
  }
  return nullptr;
}

}  // namespace

std::optional<ReleaseCommand> release_command(CLI::App& app) {
  ReleaseCommand out;
  if (auto* status = subcommand(&app, "status"); status && status->parsed()) {
    if (status->count("--watch") == 0)
      return std::nullopt;
    out.rollouts.push_back(positional(status, "rollout"));
    out.title = "deploy status --watch " + out.rollouts.front();
    return out;
  }
  if (auto* run = subcommand(&app, "run"); run && run->parsed()) {
    out.rollouts.push_back(positional(run, "rollout"));
    out.title = "deploy run " + out.rollouts.front();
    return out;
  }
  if (auto* set = subcommand(&app, "set"); set && set->parsed()) {
    auto* image = subcommand(set, "image");
    if (image == nullptr || !image->parsed() || image->count("--wait") == 0)
      return std::nullopt;
    out.rollouts.push_back(positional(image, "rollout"));
    out.title = "deploy set image " + out.rollouts.front();
    return out;
  }
  if (auto* apply = subcommand(&app, "apply"); apply && apply->parsed()) {
    if (apply->count("--wait") == 0)
      return std::nullopt;
    // The Rollouts of the files: what apply --wait follows.
    for (const auto& file : apply->get_option("--filename")->results()) {
      auto text = read_file(file);
      if (!text)
        continue;
      auto documents = parse_yaml_documents(*text, file);
      if (!documents)
        continue;
      for (const auto& doc : *documents) {
        if (doc.is_object() && doc.value("kind", std::string{}) == "Rollout") {
          out.rollouts.push_back(string_or(member(doc, "metadata"), "name"));
          if (out.namespace_name.empty())
            out.namespace_name = string_or(member(doc, "metadata"), "namespace");
        }
      }
    }
    out.title = fmt::format("deploy apply --wait {}", fmt::join(out.rollouts, " "));
    return out;
  }
  if (auto* analyze = subcommand(&app, "analyze"); analyze && analyze->parsed()) {
    out.analyze = true;
    const std::string rollout = positional(analyze, "--rollout");
    if (!rollout.empty())
      out.rollouts.push_back(rollout);
    out.title = "deploy analyze " + positional(analyze, "--policy");
    return out;
  }
  return std::nullopt;
}

void report_release(const GithubActions& actions, const CommandContext& context,
                    const ReleaseCommand& command, const std::string& command_line, int exit_code,
                    std::chrono::milliseconds elapsed) {
  if (!actions.enabled)
    return;
  ReleaseOutcome outcome{command_line, verdict_for_exit(exit_code), exit_code, elapsed};
  if (command.analyze) {
    // analyze's verdict is its exit code: 0 passed, 1 failed, 3 inconclusive.
    outcome.verdict = exit_code == 0   ? "Successful"
                      : exit_code == 1 ? "Failed"
                      : exit_code == 3 ? "Inconclusive"
                                       : verdict_for_exit(exit_code);
  }
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"phase", ""},
      {"revision", ""},
      {"verdict", outcome.verdict},
      {"duration",
       fmt::format("{}", std::chrono::duration_cast<std::chrono::seconds>(elapsed).count())}};
  std::string summary;
  if (!command.rollouts.empty()) {
    auto connection = context.connect();
    if (connection) {
      const std::string ns = command.namespace_name.empty() ? connection->config.namespace_name
                                                            : command.namespace_name;
      for (const auto& name : command.rollouts) {
        auto snapshot = fetch_snapshot(*connection->client, ns, name);
        if (!snapshot) {
          context.err << fmt::format("warning: no GitHub report for rollout {}/{}: {}\n", ns, name,
                                     snapshot.error().describe());
          continue;
        }
        kube::ListOptions list_options;
        list_options.label_selector = fmt::format("{}={}", rollout::kRolloutLabel, name);
        auto runs =
            connection->client->list_all({"cutover.dev/v1alpha1", "AnalysisRun", ns}, list_options);
        std::vector<Json> analysis_runs;
        if (runs) {
          // The runs of the current revision only.
          for (const auto& run : member(*runs, "items")) {
            if (string_or(member(member(run, "metadata"), "labels"), "cutover.dev/revision") ==
                snapshot->rollout.status.current_revision)
              analysis_runs.push_back(run);
          }
        }
        if (command.analyze) {
          outcome.verdict = outputs[2].second;
        } else {
          outputs = release_outputs(*snapshot, outcome);
        }
        if (command.analyze) {
          outputs[0].second = rollout::to_string(snapshot->rollout.status.phase);
          outputs[1].second = snapshot->rollout.status.current_revision;
        }
        summary += release_summary(*snapshot, outcome, analysis_runs);
      }
    }
  }
  if (summary.empty()) {
    summary = fmt::format(
        "### {} `{}`: {}\n\n| | |\n| --- | --- |\n| Exit code | {} |\n| "
        "Duration | {}s |\n\n",
        exit_code == 0 ? "✅" : "❌", command_line, outcome.verdict, exit_code, outputs[3].second);
  }
  if (!actions.set_outputs(outputs))
    context.err << "warning: cannot write $GITHUB_OUTPUT (" << actions.output_file << ")\n";
  if (!actions.append_summary(summary))
    context.err << "warning: cannot write $GITHUB_STEP_SUMMARY (" << actions.summary_file << ")\n";
}

}  // namespace cutover::cli
