#pragma once
// A blueprint in memory: its manifest and its template files, wherever they came from (a
// folder, a git clone, or the copies compiled into `deploy`).

#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "blueprint/manifest.hpp"

namespace cutover::blueprint {

struct TemplateFile {
  std::string path;  // relative to template/, '/'-separated, not yet rendered
  std::string content;
  bool executable = false;
};

struct Blueprint {
  Manifest manifest;
  std::vector<TemplateFile> files;  // sorted by path
};

/// One file of a shipped blueprint, as compiled in by cli/embed_blueprints.cmake.
struct EmbeddedFile {
  std::string_view blueprint;  // the folder name under blueprints/
  std::string_view path;       // relative to that folder: "blueprint.yaml", "template/..."
  std::string_view content;
};

/// Reads `dir/blueprint.yaml` and every file under `dir/template/`. Refuses symlinks and
/// special files anywhere under template/ (a symlink could point outside the target), naming
/// the file. The executable bit is kept.
std::expected<Blueprint, std::string> load_blueprint_dir(const std::filesystem::path& dir);

/// The shipped blueprint `name` from `files`; error when there is none (naming the ones there
/// are). A file is executable when it starts with "#!" (the build does not keep modes).
std::expected<Blueprint, std::string> load_embedded_blueprint(std::span<const EmbeddedFile> files,
                                                              std::string_view name);

/// The names of the shipped blueprints, sorted.
std::vector<std::string> embedded_blueprint_names(std::span<const EmbeddedFile> files);

}  // namespace cutover::blueprint
