#include "blueprint/generator.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <optional>
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
  // Removes the folder at once (before a replaced one is put back in its place).
  void remove_now() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
      path_.clear();
    }
  }

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

// Whether `output` may be written: it must not exist, or be an empty folder, or (with
// --force) a folder check_replaceable allows. Returns whether an existing folder is replaced.
std::expected<bool, GenerateError> check_target(const fs::path& output, Replace replace) {
  std::error_code ec;
  if (replace == Replace::yes) {
    // Compare real paths: `--output ../x` or a symlinked parent may still name the current
    // folder or $HOME.
    const fs::path real = fs::weakly_canonical(output, ec);
    const fs::path cwd = fs::current_path(ec);
    const char* home = std::getenv("HOME");
    fs::path real_home;
    if (home != nullptr && *home != '\0')
      real_home = fs::weakly_canonical(home, ec);
    if (auto allowed = check_replaceable(real.empty() ? output : real, cwd, real_home); !allowed)
      return usage(allowed.error());
  }
  const auto status = fs::symlink_status(output, ec);
  if (!fs::exists(status))
    return false;
  if (!fs::is_directory(status)) {
    return usage(fmt::format(
        "{} already exists and is not a folder; deploy new replaces folders only (fix: choose "
        "another --output, or remove it)",
        output.string()));
  }
  if (fs::is_empty(output, ec) && !ec)
    return false;
  if (replace == Replace::no) {
    return usage(fmt::format(
        "{} already exists and is not an empty folder; deploy new never overwrites without "
        "--force (fix: choose another --output, remove it, or add --force to replace it)",
        output.string()));
  }
  return true;
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
  fs::path output = fs::absolute(options.output, ec).lexically_normal();
  if (!output.has_filename() && output != output.root_path())
    output = output.parent_path();  // "dir/" or ".": the folder itself, not "" inside it
  if (options.dry_run == DryRun::yes) {
    print_plan(loaded, *plan, output, out);
    out << "dry run: nothing written\n";
    return {};
  }
  auto target = check_target(output, options.replace);
  if (!target)
    return std::unexpected(target.error());
  const bool replacing = *target;
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
  // --force: the old folder goes aside only now that the new one is fully written, and comes
  // back (roll_back) if anything below fails.
  std::optional<SetAside> old;
  if (replacing) {
    auto moved =
        SetAside::move(output, fmt::format(".{}.cutover-old-", output.filename().string()));
    if (!moved)
      return failed(moved.error());
    old.emplace(std::move(*moved));
  }
  fs::rename(temp->path(), output, ec);
  if (ec) {
    std::string message = fmt::format("moving the render into {}: {} (nothing was left behind)",
                                      output.string(), ec.message());
    if (old) {
      if (auto restored = old->restore(); !restored)
        message += "; " + restored.error();
    }
    return failed(std::move(message));
  }
  temp->release();
  OutputGuard guard(output);
  // Removes the new folder and puts the old one back; the message says which happened.
  auto roll_back = [&](std::string message) {
    guard.remove_now();
    if (!old)
      return failed(message + fmt::format("\n{} was removed", output.string()));
    if (auto restored = old->restore(); !restored)
      return failed(message + "\n" + restored.error());
    return failed(message + fmt::format("\n{} was put back as it was", output.string()));
  };

  if (!manifest.hooks.empty()) {
    if (options.hooks == RunHooks::yes) {
      if (auto ran = run_hooks(manifest, output, runner, out); !ran)
        return roll_back(ran.error());
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
      return roll_back(sha.error());
    commit = *sha;
  }
  guard.dismiss();
  parent_guard.dismiss();
  if (old) {
    // The new folder is complete; a replaced folder that cannot be deleted is only clutter.
    if (auto discarded = old->discard(); !discarded)
      out << fmt::format("warning: {}\n", discarded.error());
    else
      out << fmt::format("replaced the existing {} (--force)\n", output.string());
  }
  out << fmt::format("created {}: {} files from blueprint {} {}{}\n", output.string(),
                     plan->files.size() + 1, manifest.name, manifest.version,
                     commit.empty() ? std::string(" (no git repository: --no-git)")
                                    : fmt::format(", first commit {}", commit.substr(0, 12)));
  return {};
}

}  // namespace cutover::blueprint
