#include "blueprint/generator.hpp"

#include <fmt/format.h>

#include <ostream>

#include "blueprint/tree_writer.hpp"

namespace cutover::blueprint {

namespace fs = std::filesystem;

namespace {

std::string argv_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv)
    out += (out.empty() ? "" : " ") + word;
  return out;
}

std::unexpected<GenerateError> usage(std::string message) {
  return std::unexpected(GenerateError{Failure::usage, std::move(message)});
}

std::unexpected<GenerateError> failed(std::string message) {
  return std::unexpected(GenerateError{Failure::failed, std::move(message)});
}

// Removes the generated folder unless dismissed: every failure after the rename leaves
// nothing behind.
class OutputGuard {
 public:
  explicit OutputGuard(fs::path path) : path_(std::move(path)) {}
  OutputGuard(const OutputGuard&) = delete;
  OutputGuard& operator=(const OutputGuard&) = delete;
  ~OutputGuard() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  void dismiss() { path_.clear(); }

 private:
  fs::path path_;
};

// Runs the hooks in `dir`, in order; stops at the first failure.
std::expected<void, std::string> run_hooks(const Manifest& manifest, const fs::path& dir,
                                           ProcessRunner& runner, std::ostream& out) {
  for (std::size_t i = 0; i < manifest.hooks.size(); ++i) {
    const Hook& hook = manifest.hooks[i];
    out << fmt::format("hook {}: {}\n", hook.name, argv_text(hook.run));
    // ProcessRunner has no working folder; `env -C DIR -- ARGV` (coreutils) sets one without
    // a shell, so the argv is never re-parsed.
    ProcessRequest request;
    request.command = "env";
    request.args = {"-C", dir.string(), "--"};
    request.args.insert(request.args.end(), hook.run.begin(), hook.run.end());
    request.timeout = std::chrono::minutes{10};
    auto result = runner.run(request);
    if (!result) {
      return std::unexpected(
          fmt::format("hooks[{}] ({}) could not run: {}", i, hook.name, result.error()));
    }
    out << result->standard_output;
    if (result->exit_code != 0) {
      return std::unexpected(fmt::format("hooks[{}] ({}) exited with {}:\n{}", i, hook.name,
                                         result->exit_code, result->standard_error));
    }
    if (!result->standard_error.empty())
      out << result->standard_error;
  }
  return {};
}

// The target must not exist, or be an empty folder.
std::expected<void, GenerateError> check_target(const fs::path& output) {
  std::error_code ec;
  const auto status = fs::symlink_status(output, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status) || !fs::is_empty(output, ec)) {
      return usage(fmt::format(
          "{} already exists and is not an empty folder; deploy new never overwrites (fix: "
          "choose another --output, or remove it)",
          output.string()));
    }
  }
  return {};
}

// The topmost missing folder above `output` (removed again on failure), or "" when the parent
// exists.
fs::path first_missing_parent(const fs::path& output) {
  std::error_code ec;
  fs::path missing;
  for (fs::path dir = output.parent_path(); !dir.empty() && !fs::exists(dir, ec);
       dir = dir.parent_path()) {
    missing = dir;
    if (dir == dir.parent_path())
      break;
  }
  return missing;
}

}  // namespace

FileTree file_tree(const RenderPlan& plan) {
  FileTree tree;
  for (const auto& file : plan.files)
    tree[file.path] = {file.content, file.executable};
  return tree;
}

void print_plan(const LoadedBlueprint& loaded, const RenderPlan& plan, const fs::path& output,
                std::ostream& out) {
  const Manifest& manifest = loaded.blueprint.manifest;
  out << fmt::format("blueprint {} {} would write {} ({} files):\n", manifest.name,
                     manifest.version, output.string(), plan.files.size() + 1);
  for (const auto& file : plan.files)
    out << fmt::format("  {}{}\n", file.path, file.executable ? "  (executable)" : "");
  out << fmt::format("  {}\n", kAnswersPath);
  if (!plan.skipped.empty()) {
    out << "skipped:\n";
    for (const auto& skipped : plan.skipped)
      out << fmt::format("  {}  ({})\n", skipped.template_path, skipped.reason);
  }
  if (manifest.hooks.empty()) {
    out << "hooks: none\n";
  } else {
    out << "hooks (run only with --allow-hooks, in the new folder):\n";
    for (const auto& hook : manifest.hooks)
      out << fmt::format("  {}: {}\n", hook.name, argv_text(hook.run));
  }
}

std::expected<void, GenerateError> generate(const LoadedBlueprint& loaded, const Answers& answers,
                                            const GenerateOptions& options, ProcessRunner& runner,
                                            std::ostream& out) {
  const Manifest& manifest = loaded.blueprint.manifest;
  auto plan = plan_render(loaded.blueprint, answers);
  if (!plan)
    return usage(fmt::format("blueprint {}: {}", manifest.name, plan.error().describe()));
  std::error_code ec;
  const fs::path output = fs::absolute(options.output, ec).lexically_normal();
  if (options.dry_run == DryRun::yes) {
    print_plan(loaded, *plan, output, out);
    out << "dry run: nothing written\n";
    return {};
  }
  if (auto target = check_target(output); !target)
    return std::unexpected(target.error());
  GitAuthor author;
  if (options.git == GitInit::yes) {
    // Before writing anything: a missing author must not leave a half-made service.
    auto found = find_git_author();
    if (!found)
      return usage(found.error());
    author = *found;
  }

  // Missing parents of --output are created, and removed again if generation fails.
  const fs::path created_parent = first_missing_parent(output);
  if (!created_parent.empty()) {
    fs::create_directories(output.parent_path(), ec);
    if (ec) {
      return failed(fmt::format("creating {}: {}", output.parent_path().string(), ec.message()));
    }
  }
  OutputGuard parent_guard(created_parent);

  AnswersRecord record{manifest.name, manifest.version, loaded.source, answers_json(answers)};
  const std::string record_yaml = answers_record_yaml(record, manifest);
  auto temp = TempDir::create(output.parent_path(),
                              fmt::format(".{}.cutover-", output.filename().string()));
  if (!temp)
    return failed(temp.error());
  for (const auto& file : plan->files) {
    if (auto written = write_file_inside(temp->path(), file.path, file.content, file.executable);
        !written)
      return failed(fmt::format("template file {}: {}", file.template_path, written.error()));
  }
  if (auto written = write_file_inside(temp->path(), kAnswersPath, record_yaml, false); !written)
    return failed(written.error());
  fs::rename(temp->path(), output, ec);
  if (ec) {
    return failed(fmt::format("moving the render into {}: {} (nothing was left behind)",
                              output.string(), ec.message()));
  }
  temp->release();
  OutputGuard guard(output);

  if (!manifest.hooks.empty()) {
    if (options.hooks == RunHooks::yes) {
      if (auto ran = run_hooks(manifest, output, runner, out); !ran)
        return failed(ran.error() + fmt::format("\n{} was removed", output.string()));
    } else {
      out << fmt::format(
          "{} hook{} skipped (blueprints run programs only when you allow it): rerun with "
          "--allow-hooks, or run them yourself in {}:\n",
          manifest.hooks.size(), manifest.hooks.size() == 1 ? "" : "s", output.string());
      for (const auto& hook : manifest.hooks)
        out << fmt::format("  {}\n", argv_text(hook.run));
    }
  }
  std::string commit;
  if (options.git == GitInit::yes) {
    auto sha = init_repository(output, author,
                               fmt::format("Generated from blueprint {} {} by deploy new\n",
                                           manifest.name, manifest.version),
                               file_tree(*plan));
    if (!sha)
      return failed(sha.error() + fmt::format("\n{} was removed", output.string()));
    commit = *sha;
  }
  guard.dismiss();
  parent_guard.dismiss();
  out << fmt::format("created {}: {} files from blueprint {} {}{}\n", output.string(),
                     plan->files.size() + 1, manifest.name, manifest.version,
                     commit.empty() ? std::string(" (no git repository: --no-git)")
                                    : fmt::format(", first commit {}", commit.substr(0, 12)));
  return {};
}

}  // namespace cutover::blueprint
