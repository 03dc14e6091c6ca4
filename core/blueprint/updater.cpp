#include "blueprint/updater.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "blueprint/tree_merge.hpp"
#include "blueprint/tree_writer.hpp"
#include "util/file_io.hpp"

namespace cutover::blueprint {

namespace fs = std::filesystem;

namespace {

std::unexpected<GenerateError> usage(std::string message) {
  return std::unexpected(GenerateError{Failure::usage, std::move(message)});
}

std::unexpected<GenerateError> failed(std::string message) {
  return std::unexpected(GenerateError{Failure::failed, std::move(message)});
}

// The source to render from: --from, else the recorded one. A git source recorded at a
// version tag follows the default branch (else update could never move); at a branch, that
// branch.
SourceRequest source_request(const AnswersRecord& record, const UpdateOptions& options) {
  SourceRequest request{record.blueprint, options.from, options.to_version};
  if (!options.from.empty())
    return request;
  if (record.source.kind == "path") {
    request.from = record.source.location;
  } else if (record.source.kind == "git") {
    const bool version_tag =
        record.source.ref == record.version || record.source.ref == "v" + record.version;
    request.from = record.source.location;
    if (!record.source.ref.empty() && !version_tag)
      request.from += "#" + record.source.ref;
    else if (request.from.find("://") == std::string::npos && !request.from.ends_with(".git"))
      request.from = "file://" + request.from;  // keep it a git source, not a folder
  }
  return request;
}

// Removes now-empty folders from `path`'s parent up to (not including) `root`.
void prune_empty_parents(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  for (fs::path dir = path.parent_path(); dir != root && dir.string().size() > root.string().size();
       dir = dir.parent_path()) {
    if (!fs::is_empty(dir, ec) || ec)
      return;
    fs::remove(dir, ec);
  }
}

void print_list(std::ostream& out, std::string_view title, const std::vector<std::string>& paths) {
  if (paths.empty())
    return;
  out << title << ":\n";
  for (const auto& path : paths)
    out << "  " << path << "\n";
}

}  // namespace

std::expected<UpdateResult, GenerateError> update_service(const UpdateOptions& options,
                                                          std::span<const EmbeddedFile> shipped,
                                                          std::ostream& out) {
  std::error_code ec;
  const fs::path dir = fs::absolute(options.dir, ec).lexically_normal();
  const fs::path record_path = dir / fs::path(kAnswersPath);
  auto text = read_file(record_path);
  if (!text) {
    return usage(fmt::format(
        "{} (fix: run deploy blueprint update in a folder made by deploy new, or pass it: deploy "
        "blueprint update DIR)",
        text.error()));
  }
  auto record = parse_answers_record(*text, record_path.string());
  if (!record)
    return usage(record.error().describe());
  auto base = read_pristine(dir);
  if (!base)
    return usage(base.error());
  auto author = find_git_author();
  if (!author)
    return usage(author.error());

  auto loaded = load_blueprint(source_request(*record, options), shipped);
  if (!loaded)
    return usage(loaded.error());
  const Manifest& manifest = loaded->blueprint.manifest;
  AnswerSources sources;
  sources.file = record->answers;
  sources.file_name = record_path.string();
  sources.prompter = options.prompter;
  sources.unknown = UnknownAnswers::ignore;
  for (const auto& [name, value] : record->answers.items()) {
    if (!manifest.parameter(name))
      out << fmt::format("note: parameter {} is gone from the blueprint; its answer is dropped\n",
                         name);
  }
  auto answers = resolve_answers(manifest, sources);
  if (!answers)
    return usage(answers.error().describe());
  auto plan = plan_render(loaded->blueprint, *answers);
  if (!plan)
    return usage(fmt::format("blueprint {}: {}", manifest.name, plan.error().describe()));
  const FileTree theirs = file_tree(*plan);

  FileTree ours;
  for (const FileTree* tree : std::initializer_list<const FileTree*>{&*base, &theirs}) {
    for (const auto& [path, file] : *tree) {
      if (ours.contains(path))
        continue;
      if (auto safe = check_relative_path(path); !safe)
        return usage(fmt::format("refusing {}: {}", path, safe.error()));
      auto content = read_file_inside(dir, path);
      if (!content)
        return usage(fmt::format("{} (fix: make it a regular file inside {})", content.error(),
                                 dir.string()));
      if (*content) {
        const auto perms = fs::status(dir / path, ec).permissions();
        ours[path] = {std::move(**content), (perms & fs::perms::owner_exec) != fs::perms::none};
      }
    }
  }
  const std::string label = fmt::format("blueprint {} {}", manifest.name, manifest.version);
  const TreeMerge merge = merge_trees(*base, theirs, ours, label);

  for (const auto& [path, file] : merge.writes) {
    if (auto written = write_file_inside(dir, path, file.content, file.executable); !written)
      return failed(written.error());
  }
  for (const auto& path : merge.deletes) {
    if (auto inside = check_inside(dir, path); !inside)
      return failed(inside.error());
    fs::remove(dir / path, ec);
    if (ec)
      return failed(fmt::format("removing {}: {}", path, ec.message()));
    prune_empty_parents(dir, dir / path);
  }
  AnswersRecord updated{manifest.name, manifest.version, loaded->source, answers_json(*answers)};
  if (auto written =
          write_file_inside(dir, kAnswersPath, answers_record_yaml(updated, manifest), false);
      !written)
    return failed(written.error());
  if (auto advanced = advance_pristine(
          dir, *author, fmt::format("cutover: pristine render of {}\n", label), theirs);
      !advanced)
    return failed(advanced.error());

  out << fmt::format("updated {} from blueprint {} {} to {}\n", dir.string(), record->blueprint,
                     record->version, manifest.version);
  std::vector<std::string> changed;
  for (const auto& [path, file] : merge.writes) {
    if (std::find(merge.conflicts.begin(), merge.conflicts.end(), path) == merge.conflicts.end() &&
        std::find(merge.added.begin(), merge.added.end(), path) == merge.added.end())
      changed.push_back(path);
  }
  print_list(out, "added", merge.added);
  print_list(out, "updated", changed);
  print_list(out, "deleted (removed from the blueprint)", merge.deletes);
  print_list(out, "kept (removed from the blueprint, but you changed them)", merge.kept);
  print_list(out, "not recreated (you deleted them; the blueprint changed them)",
             merge.deleted_here);
  print_list(out, "CONFLICTS (resolve the <<<<<<< markers, then commit)", merge.conflicts);
  if (merge.writes.empty() && merge.deletes.empty())
    out << "nothing to merge: the service already has this render\n";
  return UpdateResult{merge.conflicts};
}

}  // namespace cutover::blueprint
