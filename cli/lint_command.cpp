#include "lint_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "exit_code.hpp"
#include "github_actions.hpp"
#include "lint.hpp"

namespace cutover::cli {

namespace {

namespace fs = std::filesystem;

struct LintCommandOptions {
  std::vector<std::string> files;
  std::string policies;  // "" when not given
  bool policies_given = false;
  bool strict = false;
};

std::optional<std::string> read_file(const std::string& path) {
  if (path == "-") {
    std::stringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// `--policies` without a directory: the `policies/` folder of the repository we are in.
fs::path default_policies_dir() {
  std::error_code ec;
  for (fs::path dir = fs::current_path(ec); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_directory(dir / "policies", ec))
      return dir / "policies";
    if (fs::exists(dir / ".git", ec) || dir == dir.parent_path())
      break;
  }
  return "policies";
}

int run_lint(LintCommandOptions options, const CommandContext& context) {
  // `--policies` takes an optional value, so `deploy lint --policies web.yaml` reads the file
  // as the directory: lint it instead and use the default directory.
  std::error_code fs_error;
  if (!options.policies.empty() && fs::is_regular_file(options.policies, fs_error)) {
    options.files.insert(options.files.begin(), options.policies);
    options.policies.clear();
  }
  if (options.files.empty()) {
    context.err << "error: deploy lint needs at least one FILE (fix: deploy lint rollout.yaml)\n";
    return kUsage;
  }
  std::vector<LintInput> inputs;
  int code = kOk;
  for (const auto& file : options.files) {
    auto text = read_file(file);
    if (!text) {
      context.err << fmt::format("error: cannot read {}: {} (fix: check the path)\n", file,
                                 fs::is_directory(file) ? "it is a directory"
                                                        : "no such file or "
                                                          "not readable");
      code = kUsage;
      continue;
    }
    inputs.push_back({file, std::move(*text)});
  }
  LintOptions lint_options;
  if (options.policies_given) {
    lint_options.missing_policy = MissingPolicy::error;
    const fs::path dir =
        options.policies.empty() ? default_policies_dir() : fs::path(options.policies);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      context.err << fmt::format("error: --policies {}: not a directory\n", dir.string());
      return kUsage;
    }
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const auto ext = entry.path().extension();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
        paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      if (auto text = read_file(path.string()))
        lint_options.policy_library.push_back({path.string(), std::move(*text)});
    }
  }
  const auto findings = lint(inputs, lint_options);
  const bool annotate = GithubActions::from_environment().enabled;
  int errors = 0;
  int warnings = 0;
  for (const auto& finding : findings) {
    context.out << format_finding(finding) << "\n";
    if (annotate)
      context.out << github_annotation(finding) << "\n";
    errors += finding.severity == Severity::error ? 1 : 0;
    warnings += finding.severity == Severity::warning ? 1 : 0;
  }
  context.out << std::flush;
  context.err << fmt::format("{} file{} linted: {} error{}, {} warning{}\n", inputs.size(),
                             inputs.size() == 1 ? "" : "s", errors, errors == 1 ? "" : "s",
                             warnings, warnings == 1 ? "" : "s");
  if (code != kOk)
    return code;
  return errors > 0 || (options.strict && warnings > 0) ? kFailed : kOk;
}

}  // namespace

void add_lint_command(CLI::App& app, CommandContext& context, int& exit_code) {
  auto options = std::make_shared<LintCommandOptions>();
  auto* cmd = app.add_subcommand("lint",
                                 "Check Rollout, Migration, SLOPolicy and ClusterSLOPolicy YAML "
                                 "offline: file:line:col: message (exit 1 on errors, 2 when a "
                                 "file cannot be read)");
  cmd->add_option("files", options->files, "YAML files (- for stdin)");
  cmd->add_option("--policies", options->policies,
                  "Where the SLOPolicies live (default with no DIR: the repository's policies/); "
                  "a policy found in neither the files nor DIR is then an error, not a warning")
      ->expected(0, 1);
  cmd->add_flag("--strict", options->strict, "Exit 1 on warnings too");
  cmd->callback([&context, &exit_code, options, cmd] {
    options->policies_given = cmd->count("--policies") > 0;
    exit_code = run_lint(*options, context);
  });
}

}  // namespace cutover::cli
