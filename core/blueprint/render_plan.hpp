#pragma once
// What a render produces, decided without touching the disk: for each template file, its
// rendered path and content, or why it is skipped. Pure; `deploy new --dry-run` prints it and
// the tree writer writes it.
//
// Rules, in order, for each template file:
// 1. a `files[]` rule whose glob matches the template path (before rendering) and whose `when`
//    is false skips it (every matching rule must hold);
// 2. each path segment is rendered on its own; an empty segment skips the file (so
//    `{{#ingress}}ingress{{/ingress}}/x.yaml` is another way to write a condition);
// 3. the rendered path must be safe (check_relative_path), else the whole render fails;
// 4. the content is rendered unless a `copyWithoutRender` glob matches or it holds a NUL byte
//    (a binary file).

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "blueprint/blueprint.hpp"
#include "blueprint/value.hpp"

namespace cutover::blueprint {

struct PlannedFile {
  std::string template_path;
  std::string path;  // rendered, relative to the output folder
  std::string content;
  bool executable = false;
};

struct SkippedFile {
  std::string template_path;
  std::string reason;  // "when: ingress" or "empty path segment"
};

struct RenderPlan {
  std::vector<PlannedFile> files;  // sorted by path
  std::vector<SkippedFile> skipped;
};

/// A render that cannot go on; names the template file (`template_path`) when about one.
struct RenderError {
  std::string template_path;
  std::string message;
  std::string fix;
  [[nodiscard]] std::string describe() const;
};

/// Folder names a blueprint may not write: `.git` (the repository we create) and `.cutover`
/// (our answers file).
bool is_reserved_path(std::string_view path);

/// Refuses a rendered relative path that is empty, absolute, has a `.`, `..` or empty segment,
/// a backslash or a NUL byte, or is reserved. The error says what is wrong.
std::expected<void, std::string> check_relative_path(std::string_view path);

/// Whether `deploy new --force` may replace the folder `output`. All three paths must be
/// absolute and normalised (symlinks resolved, as the caller's weakly_canonical gives); `home`
/// may be empty (no $HOME). Refuses `/`, `home`, and `cwd` or any folder above it: replacing
/// one of those would delete the shell's working folder or far more than a service. Pure
/// (compares paths, never reads the disk). The error says why and what to do instead.
std::expected<void, std::string> check_replaceable(const std::filesystem::path& output,
                                                   const std::filesystem::path& cwd,
                                                   const std::filesystem::path& home);

/// The plan for `blueprint` with `answers` (rules above). Errors: a template that does not
/// render, an unsafe path, two templates rendering to the same path, or a file whose path is
/// also a folder of another.
std::expected<RenderPlan, RenderError> plan_render(const Blueprint& blueprint,
                                                   const Answers& answers);

}  // namespace cutover::blueprint
