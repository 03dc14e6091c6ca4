#pragma once
// `deploy new`, once the blueprint is loaded and the answers resolved: render into a temporary
// folder next to the target, rename it into place, run the hooks, `git init` and commit. A
// failure at any step leaves nothing behind. With `--force` an existing folder is moved aside
// first and deleted only once the new one is complete; a failure puts it back. I/O; the
// decisions are in render_plan.

#include <expected>
#include <filesystem>
#include <iosfwd>
#include <string>

#include "blueprint/answers_record.hpp"
#include "blueprint/git_repository.hpp"
#include "blueprint/render_plan.hpp"
#include "blueprint/source.hpp"
#include "util/process_runner.hpp"

namespace cutover::blueprint {

enum class DryRun { no, yes };
enum class GitInit { yes, no };
enum class RunHooks { no, yes };
/// Whether an existing, non-empty output folder may be replaced (`--force`).
enum class Replace { no, yes };

struct GenerateOptions {
  std::filesystem::path output;  // the folder to create
  DryRun dry_run = DryRun::no;
  GitInit git = GitInit::yes;
  RunHooks hooks = RunHooks::no;
  Replace replace = Replace::no;
};

/// Usage errors (bad blueprint, answers, target or git author: exit 2) against failures during
/// generation (a hook, the disk, git: exit 1).
enum class Failure { usage, failed };

struct GenerateError {
  Failure failure = Failure::usage;
  std::string message;  // complete, with the fix
};

/// The files of a plan, as git stores them.
FileTree file_tree(const RenderPlan& plan);

/// Prints the file tree, the skipped files and the hooks of `plan` to `out`.
void print_plan(const LoadedBlueprint& loaded, const RenderPlan& plan,
                const std::filesystem::path& output, std::ostream& out);

/// Generates (see the file comment). Progress and hook output go to `out`.
std::expected<void, GenerateError> generate(const LoadedBlueprint& loaded, const Answers& answers,
                                            const GenerateOptions& options, ProcessRunner& runner,
                                            std::ostream& out);

}  // namespace cutover::blueprint
