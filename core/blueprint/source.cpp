#include "blueprint/source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "blueprint/git_repository.hpp"

namespace cutover::blueprint {

namespace fs = std::filesystem;

namespace {

std::expected<LoadedBlueprint, std::string> load_folder(const fs::path& root, std::string_view name,
                                                        SourceRecord source) {
  auto folder = locate_blueprint(root, name);
  if (!folder)
    return std::unexpected(folder.error());
  auto blueprint = load_blueprint_dir(*folder);
  if (!blueprint)
    return std::unexpected(blueprint.error());
  return LoadedBlueprint{std::move(*blueprint), std::move(source)};
}

std::expected<LoadedBlueprint, std::string> load_git(const SourceRequest& request,
                                                     const std::string& url, std::string ref) {
  std::error_code ec;
  auto temp = TempDir::create(fs::temp_directory_path(ec), "cutover-blueprint-");
  if (!temp)
    return std::unexpected(temp.error());
  const fs::path clone = temp->path() / "repo";
  auto sha = clone_at(url, request.version.empty() ? ref : std::string(), clone);
  if (!sha)
    return std::unexpected(sha.error());
  if (!request.version.empty()) {
    ref.clear();
    for (const auto& tag : {"v" + request.version, request.version}) {
      if (auto found = resolve_ref(clone, "refs/tags/" + tag)) {
        ref = tag;
        sha = *found;
        break;
      }
    }
    if (ref.empty()) {
      return std::unexpected(fmt::format(
          "{} has no tag v{} or {} (fix: tag the blueprint's version, e.g. git tag v{})", url,
          request.version, request.version, request.version));
    }
    if (auto checked_out = checkout(clone, *sha); !checked_out)
      return std::unexpected(checked_out.error());
  }
  auto loaded = load_folder(clone, request.name, SourceRecord{"git", url, ref, *sha});
  if (loaded && !request.version.empty() && loaded->blueprint.manifest.version != request.version) {
    return std::unexpected(fmt::format(
        "{} at {} holds blueprint version {}, not {} (fix: make the tag match version: in "
        "blueprint.yaml)",
        url, ref, loaded->blueprint.manifest.version, request.version));
  }
  return loaded;
}

}  // namespace

bool is_git_url(std::string_view from) {
  return from.find("://") != std::string_view::npos || from.starts_with("git@") ||
         from.find('#') != std::string_view::npos || from.ends_with(".git");
}

std::pair<std::string, std::string> split_ref(std::string_view from) {
  const std::size_t hash = from.rfind('#');
  if (hash == std::string_view::npos)
    return {std::string(from), {}};
  return {std::string(from.substr(0, hash)), std::string(from.substr(hash + 1))};
}

std::expected<fs::path, std::string> locate_blueprint(const fs::path& root, std::string_view name) {
  std::error_code ec;
  if (fs::is_regular_file(root / "blueprint.yaml", ec))
    return root;
  for (const fs::path& candidate : {root / "blueprints" / name, root / name}) {
    if (!name.empty() && fs::is_regular_file(candidate / "blueprint.yaml", ec))
      return candidate;
  }
  return std::unexpected(fmt::format(
      "no blueprint '{}' in {}: looked for blueprint.yaml, blueprints/{}/blueprint.yaml and "
      "{}/blueprint.yaml (fix: check the name and the --from path)",
      name, root.string(), name, name));
}

std::expected<LoadedBlueprint, std::string> load_blueprint(const SourceRequest& request,
                                                           std::span<const EmbeddedFile> shipped) {
  if (request.from.empty()) {
    auto blueprint = load_embedded_blueprint(shipped, request.name);
    if (!blueprint)
      return std::unexpected(blueprint.error());
    if (!request.version.empty() && blueprint->manifest.version != request.version) {
      return std::unexpected(fmt::format(
          "this deploy ships {} version {} only, not {} (fix: use a deploy that ships {}, or "
          "--from a git repository tagged v{})",
          request.name, blueprint->manifest.version, request.version, request.version,
          request.version));
    }
    return LoadedBlueprint{std::move(*blueprint), SourceRecord{"builtin", request.name, {}, {}}};
  }
  if (is_git_url(request.from)) {
    auto [url, ref] = split_ref(request.from);
    return load_git(request, url, ref);
  }
  std::error_code ec;
  const fs::path folder = fs::absolute(request.from, ec);
  if (!fs::is_directory(folder, ec)) {
    return std::unexpected(fmt::format(
        "--from {}: no such folder (fix: a folder holding blueprint.yaml, or a git URL such as "
        "file:///path/repo.git#v1.0.0)",
        request.from));
  }
  if (!request.version.empty()) {
    if (!is_repository(folder)) {
      return std::unexpected(fmt::format(
          "--to-version needs a git source, and {} is a plain folder (fix: drop --to-version to "
          "render what the folder holds)",
          folder.string()));
    }
    return load_git(request, folder.string(), {});
  }
  return load_folder(folder, request.name, SourceRecord{"path", folder.string(), {}, {}});
}

std::expected<std::vector<LoadedBlueprint>, std::string> load_all_blueprints(
    std::string_view from, std::span<const EmbeddedFile> shipped) {
  std::vector<LoadedBlueprint> all;
  auto add =
      [&](std::expected<LoadedBlueprint, std::string> loaded) -> std::expected<void, std::string> {
    if (!loaded)
      return std::unexpected(loaded.error());
    all.push_back(std::move(*loaded));
    return {};
  };
  if (from.empty()) {
    for (const auto& name : embedded_blueprint_names(shipped)) {
      if (auto added = add(load_blueprint({name, "", ""}, shipped)); !added)
        return std::unexpected(added.error());
    }
    return all;
  }
  std::optional<TempDir> temp;
  fs::path root;
  SourceRecord source;
  std::error_code ec;
  if (is_git_url(from)) {
    auto [url, ref] = split_ref(from);
    auto made = TempDir::create(fs::temp_directory_path(ec), "cutover-blueprint-");
    if (!made)
      return std::unexpected(made.error());
    temp.emplace(std::move(*made));
    root = temp->path() / "repo";
    auto sha = clone_at(url, ref, root);
    if (!sha)
      return std::unexpected(sha.error());
    source = {"git", url, ref, *sha};
  } else {
    root = fs::absolute(from, ec);
    if (!fs::is_directory(root, ec))
      return std::unexpected(fmt::format("--from {}: no such folder", from));
    source = {"path", root.string(), {}, {}};
  }
  if (fs::is_regular_file(root / "blueprint.yaml", ec)) {
    auto loaded = load_blueprint_dir(root);
    if (!loaded)
      return std::unexpected(loaded.error());
    all.push_back({std::move(*loaded), source});
    return all;
  }
  for (const fs::path& parent : {root / "blueprints", root}) {
    if (!fs::is_directory(parent, ec))
      continue;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      if (!fs::is_regular_file(entry.path() / "blueprint.yaml", ec))
        continue;
      auto loaded = load_blueprint_dir(entry.path());
      if (!loaded)
        return std::unexpected(loaded.error());
      all.push_back({std::move(*loaded), source});
    }
    if (!all.empty())
      break;
  }
  std::sort(all.begin(), all.end(), [](const LoadedBlueprint& a, const LoadedBlueprint& b) {
    return a.blueprint.manifest.name < b.blueprint.manifest.name;
  });
  return all;
}

}  // namespace cutover::blueprint
