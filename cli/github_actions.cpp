#include "github_actions.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <fstream>
#include <ostream>

#include "step_text.hpp"
#include "util/json_fields.hpp"

namespace cutover::cli {

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string(value);
}

bool append_to(const std::string& path, std::string_view text) {
  if (path.empty())
    return false;
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// Table cells must not break the Markdown table.
std::string cell(std::string text) {
  for (char& c : text) {
    if (c == '|' || c == '\n')
      c = c == '|' ? '/' : ' ';
  }
  return text;
}

}  // namespace

GithubActions GithubActions::from_environment() {
  GithubActions out;
  out.enabled = env_or_empty("GITHUB_ACTIONS") == "true";
  if (out.enabled) {
    out.output_file = env_or_empty("GITHUB_OUTPUT");
    out.summary_file = env_or_empty("GITHUB_STEP_SUMMARY");
  }
  return out;
}

bool GithubActions::set_outputs(
    const std::vector<std::pair<std::string, std::string>>& outputs) const {
  if (!enabled)
    return true;
  std::string text;
  for (const auto& [name, value] : outputs) {
    if (value.find('\n') == std::string::npos) {
      text += fmt::format("{}={}\n", name, value);
    } else {
      text += fmt::format("{}<<CUTOVER_EOF\n{}\nCUTOVER_EOF\n", name, value);
    }
  }
  return append_to(output_file, text);
}

bool GithubActions::append_summary(std::string_view markdown) const {
  if (!enabled)
    return true;
  return append_to(summary_file, markdown);
}

LogGroup::LogGroup(const GithubActions& actions, std::string_view title, std::ostream& out)
    : enabled_(actions.enabled), out_(out) {
  if (enabled_)
    out_ << "::group::" << title << std::endl;
}

LogGroup::~LogGroup() {
  if (enabled_)
    out_ << "::endgroup::" << std::endl;
}

std::string verdict_for_exit(int exit_code) {
  switch (exit_code) {
    case 0:
      return "Healthy";
    case 1:
      return "Degraded";
    case 3:
      return "Paused";
    case 4:
      return "TimedOut";
    case 5:
      return "Unreachable";
    default:
      return "Error";
  }
}

std::vector<std::pair<std::string, std::string>> release_outputs(const RolloutSnapshot& snapshot,
                                                                 const ReleaseOutcome& outcome) {
  const bool has_status = snapshot.object.contains("status");
  return {
      {"phase", has_status ? std::string(rollout::to_string(snapshot.rollout.status.phase))
                           : std::string("Pending")},
      {"revision", snapshot.rollout.status.current_revision},
      {"verdict", outcome.verdict},
      {"duration",
       fmt::format("{}",
                   std::chrono::duration_cast<std::chrono::seconds>(outcome.duration).count())},
  };
}

std::string release_summary(const RolloutSnapshot& snapshot, const ReleaseOutcome& outcome,
                            const std::vector<Json>& analysis_runs) {
  const auto& r = snapshot.rollout;
  const auto& st = r.status;
  const bool has_status = snapshot.object.contains("status");
  const std::string phase =
      has_status ? std::string(rollout::to_string(st.phase)) : std::string("Pending");
  const char* icon = outcome.exit_code == 0 ? "✅" : outcome.exit_code == 3 ? "⏸️" : "❌";
  std::string md = fmt::format("### {} Rollout `{}/{}`: {}\n\n", icon, r.namespace_name, r.name,
                               outcome.verdict);
  md += "| | |\n| --- | --- |\n";
  md += fmt::format("| Command | `{}` |\n", cell(outcome.command));
  md += fmt::format("| Phase | {} |\n", phase);
  md += fmt::format("| Strategy | {} |\n", r.spec.is_canary() ? "Canary" : "BlueGreen");
  md += fmt::format("| Revision | {} (stable {}) |\n",
                    st.current_revision.empty() ? "-" : st.current_revision,
                    st.stable_revision.empty() ? "-" : st.stable_revision);
  md += fmt::format("| Weight | {}% |\n", st.current_weight);
  md += fmt::format("| Duration | {}s |\n",
                    std::chrono::duration_cast<std::chrono::seconds>(outcome.duration).count());
  md += fmt::format("| Exit code | {} |\n", outcome.exit_code);
  if (!st.message.empty())
    md += fmt::format("| Message | {} |\n", cell(st.message));
  if (st.abort || !st.abort_reason.empty())
    md += fmt::format("| Abort reason | {} |\n", cell(st.abort_reason));
  if (r.spec.is_canary() && !r.spec.canary().steps.empty()) {
    const auto& steps = r.spec.canary().steps;
    const bool finished = st.phase == rollout::Phase::healthy;
    md += "\n#### Steps\n\n| # | Step | Weight | State |\n| --- | --- | --- | --- |\n";
    int weight = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].kind == rollout::CanaryStep::Kind::set_weight)
        weight = steps[i].weight;
      const auto index = static_cast<std::size_t>(std::max(0, st.current_step_index));
      const char* state = finished || i < index ? "done"
                          : i == index          ? (st.abort ? "aborted" : "running")
                                                : "waiting";
      md +=
          fmt::format("| {} | {} | {}% | {} |\n", i + 1, cell(step_text(steps[i])), weight, state);
    }
  }
  std::vector<std::string> rows;
  for (const auto& run : analysis_runs) {
    const std::string run_name = string_or(member(run, "metadata"), "name");
    const Json& status = member(run, "status");
    for (const auto& result : member(status, "metricResults")) {
      std::vector<std::string> values;
      for (const auto& m : member(result, "measurements"))
        values.push_back(string_or(m, "value"));
      constexpr std::size_t kShown = 5;
      if (values.size() > kShown)
        values.erase(values.begin(), values.end() - kShown);
      rows.push_back(fmt::format(
          "| {} | {} | {} | {} | {} |", cell(run_name), cell(string_or(result, "name")),
          string_or(result, "phase", "Pending"), cell(fmt::format("{}", fmt::join(values, ", "))),
          cell(string_or(result, "message"))));
    }
  }
  if (!rows.empty()) {
    md +=
        "\n#### Analysis\n\n| Run | Metric | Phase | Last measurements | Message |\n"
        "| --- | --- | --- | --- | --- |\n";
    for (const auto& row : rows)
      md += row + "\n";
  } else if (st.current_step_analysis) {
    md += fmt::format("\n#### Analysis\n\n{}: {}{}\n", st.current_step_analysis->name,
                      st.current_step_analysis->phase,
                      st.current_step_analysis->message.empty()
                          ? ""
                          : " (" + st.current_step_analysis->message + ")");
  }
  md += "\n";
  return md;
}

}  // namespace cutover::cli
