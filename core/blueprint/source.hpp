#pragma once
// Where a blueprint comes from: shipped in the binary, a folder, or a git repository.

#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "blueprint/answers_record.hpp"
#include "blueprint/blueprint.hpp"
#include "blueprint/tree_writer.hpp"

namespace cutover::blueprint {

struct SourceRequest {
  std::string name;     // BLUEPRINT: a shipped name, or the folder under blueprints/
  std::string from;     // --from: "" (shipped), a folder, or GIT-URL[#REF]
  std::string version;  // --to-version: "" = whatever the source has
};

struct LoadedBlueprint {
  Blueprint blueprint;
  SourceRecord source;
};

/// Whether `from` names a git repository by URL (scheme://, git@host:, `#REF`, or `.git`)
/// rather than a folder.
bool is_git_url(std::string_view from);

/// Splits `URL#REF`; REF is "" without '#'.
std::pair<std::string, std::string> split_ref(std::string_view from);

/// Finds the blueprint in `root`: `root/blueprint.yaml`, else `root/blueprints/NAME/`, else
/// `root/NAME/`. The error lists where it looked.
std::expected<std::filesystem::path, std::string> locate_blueprint(
    const std::filesystem::path& root, std::string_view name);

/// Loads the blueprint `request` names. A git source is cloned into a temporary folder under
/// the system temp folder, removed before returning. With a version: a shipped blueprint must
/// have exactly it; a git source checks out the tag `v<V>` or `<V>`; a folder that is a git
/// repository is treated as a git source (a plain folder cannot change version).
std::expected<LoadedBlueprint, std::string> load_blueprint(const SourceRequest& request,
                                                           std::span<const EmbeddedFile> shipped);

/// Every blueprint `from` holds ("" = the shipped ones): the one at its root, else each
/// folder under blueprints/ (or under the root) that has a blueprint.yaml. Sorted by name.
std::expected<std::vector<LoadedBlueprint>, std::string> load_all_blueprints(
    std::string_view from, std::span<const EmbeddedFile> shipped);

}  // namespace cutover::blueprint
