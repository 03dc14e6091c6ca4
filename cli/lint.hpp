#pragma once
// `deploy lint`: offline checks of Rollout, Migration, SLOPolicy and ClusterSLOPolicy YAML. Pure:
// file names and texts go in, findings come out (each with its `file:line:col`), so tests pin
// every position. The command (lint_command.cpp) reads the files and prints.

#include <string>
#include <vector>

namespace cutover::cli {

enum class Severity { error, warning, note };

struct LintFinding {
  std::string file;
  int line = 1;
  int column = 1;
  Severity severity = Severity::error;
  std::string message;
  bool operator==(const LintFinding&) const = default;
};

struct LintInput {
  std::string file;  // as the user named it; findings repeat it
  std::string text;
};

/// What an analysis step's policy that no linted file defines is: a warning, or (when the
/// user named where all policies live with --policies) an error.
enum class MissingPolicy { warning, error };

struct LintOptions {
  MissingPolicy missing_policy = MissingPolicy::warning;
  /// Policy files from elsewhere (the --policies directory): the policies they define count
  /// as defined, and they are not themselves reported on.
  std::vector<LintInput> policy_library;
};

/// Every finding in `files`, in file order then position order. What is checked:
/// - YAML syntax (one finding per file that does not parse; nothing else is checked in it);
/// - everything `parse_rollout`, `parse_migration` and `parse_slo_policy` check, at the field
///   they name;
/// - apiVersion `cutover.dev/v1alpha1` for our kinds, a name for each object, no object
///   defined twice;
/// - a Rollout's selector matching its template's labels;
/// - setWeight steps that never decrease (a Rollout's and a Migration's);
/// - a Service used by two roles (stable and canary, active and preview, or by two Rollouts);
/// - analysis policies (not clusterScope; a Rollout's or a Migration's gates) defined in one of
///   the files or the library, and given every argument they require (an argument none of
///   them declares is a warning).
/// Documents of other kinds are skipped with a note.
std::vector<LintFinding> lint(const std::vector<LintInput>& files, const LintOptions& options);

/// `file:line:col: error: message`.
std::string format_finding(const LintFinding& finding);

/// A GitHub Actions workflow command: `::error file=F,line=L,col=C::message` (`::warning`,
/// `::notice`), with the escaping the runner expects.
std::string github_annotation(const LintFinding& finding);

}  // namespace cutover::cli
