#include "blueprint/blueprint.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/file_io.hpp"

namespace cutover::blueprint {

namespace fs = std::filesystem;

namespace {

void sort_files(std::vector<TemplateFile>& files) {
  std::sort(files.begin(), files.end(),
            [](const TemplateFile& a, const TemplateFile& b) { return a.path < b.path; });
}

}  // namespace

std::expected<Blueprint, std::string> load_blueprint_dir(const fs::path& dir) {
  const fs::path manifest_path = dir / "blueprint.yaml";
  auto text = read_file(manifest_path);
  if (!text) {
    return std::unexpected(fmt::format(
        "{} (fix: a blueprint folder holds blueprint.yaml and template/)", text.error()));
  }
  auto manifest = parse_manifest_text(*text, manifest_path.string());
  if (!manifest)
    return std::unexpected(manifest.error().describe());
  Blueprint blueprint{std::move(*manifest), {}};
  const fs::path template_dir = dir / "template";
  std::error_code ec;
  if (!fs::is_directory(template_dir, ec))
    return blueprint;  // a blueprint may be all hooks, or empty
  if (fs::is_symlink(template_dir, ec)) {
    return std::unexpected(
        fmt::format("{} is a symlink (fix: make it a real folder)", template_dir.string()));
  }
  for (auto it = fs::recursive_directory_iterator(template_dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto status = it->symlink_status(ec);
    const std::string relative = fs::relative(it->path(), template_dir).generic_string();
    if (fs::is_symlink(status)) {
      return std::unexpected(
          fmt::format("template file {} is a symlink; blueprints may not contain symlinks (fix: "
                      "replace it with a copy of the file)",
                      it->path().string()));
    }
    if (fs::is_directory(status))
      continue;
    if (!fs::is_regular_file(status)) {
      return std::unexpected(fmt::format("template file {} is not a regular file (fix: remove it)",
                                         it->path().string()));
    }
    auto content = read_file(it->path());
    if (!content)
      return std::unexpected(content.error());
    const bool executable = (status.permissions() & fs::perms::owner_exec) != fs::perms::none;
    blueprint.files.push_back({relative, std::move(*content), executable});
  }
  if (ec)
    return std::unexpected(fmt::format("reading {}: {}", template_dir.string(), ec.message()));
  sort_files(blueprint.files);
  return blueprint;
}

std::expected<Blueprint, std::string> load_embedded_blueprint(std::span<const EmbeddedFile> files,
                                                              std::string_view name) {
  const auto manifest_file = std::find_if(files.begin(), files.end(), [&](const EmbeddedFile& f) {
    return f.blueprint == name && f.path == "blueprint.yaml";
  });
  if (manifest_file == files.end()) {
    std::string names;
    for (const auto& known : embedded_blueprint_names(files))
      names += (names.empty() ? "" : ", ") + known;
    return std::unexpected(fmt::format(
        "no shipped blueprint called '{}' (fix: use one of: {}, or --from PATH|GIT-URL)", name,
        names.empty() ? std::string("(none shipped in this build)") : names));
  }
  const std::string object = fmt::format("builtin:{}/blueprint.yaml", name);
  auto manifest = parse_manifest_text(manifest_file->content, object);
  if (!manifest)
    return std::unexpected(manifest.error().describe());
  Blueprint blueprint{std::move(*manifest), {}};
  constexpr std::string_view prefix = "template/";
  for (const auto& file : files) {
    if (file.blueprint != name || !file.path.starts_with(prefix))
      continue;
    blueprint.files.push_back({std::string(file.path.substr(prefix.size())),
                               std::string(file.content), file.content.starts_with("#!")});
  }
  sort_files(blueprint.files);
  return blueprint;
}

std::vector<std::string> embedded_blueprint_names(std::span<const EmbeddedFile> files) {
  std::vector<std::string> names;
  for (const auto& file : files) {
    if (file.path == "blueprint.yaml")
      names.emplace_back(file.blueprint);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace cutover::blueprint
