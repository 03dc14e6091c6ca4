#pragma once
// The commit a change comes from, for the `cutover.dev/git-sha` annotation.

#include <filesystem>
#include <optional>
#include <string>

namespace cutover::cli {

/// The full SHA of HEAD of the git work tree that contains `start` (read with libgit2), or
/// nullopt when `start` is not inside a work tree or HEAD has no commit yet.
std::optional<std::string> git_head_sha(const std::filesystem::path& start);

}  // namespace cutover::cli
