#pragma once
// The git side of blueprints, through libgit2: the author check, `git init` and the first
// commit, the pristine-render ref that `update` merges from, and cloning blueprint sources.
//
// **The pristine render.** `deploy new` stores the render exactly as the blueprint produced it
// (before hooks, without .cutover/) as a parentless commit, referenced by
// `refs/cutover/blueprint`. `deploy blueprint update` uses it as the merge base, so it needs
// neither the old blueprint version nor a clean history, and records each new render as a
// child commit of the previous one. The ref is never checked out or pushed by default (it is
// not under refs/heads or refs/tags); `git log refs/cutover/blueprint` shows the renders.

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cutover::blueprint {

inline constexpr std::string_view kPristineRef = "refs/cutover/blueprint";

struct GitAuthor {
  std::string name;
  std::string email;
};

/// The commit author: GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL when both are set, else user.name
/// and user.email from the git configuration (global, XDG, system). The error says how to set
/// one.
std::expected<GitAuthor, std::string> find_git_author();

struct BlobFile {
  std::string content;
  bool executable = false;
};
/// Files by '/'-separated path.
using FileTree = std::map<std::string, BlobFile, std::less<>>;

/// `git init` in `dir`, then a first commit on the default branch of every file not ignored
/// by .gitignore, and the pristine ref pointing at a commit of `pristine`. Returns the first
/// commit's SHA.
std::expected<std::string, std::string> init_repository(const std::filesystem::path& dir,
                                                        const GitAuthor& author,
                                                        std::string_view message,
                                                        const FileTree& pristine);

/// The files of the commit `refs/cutover/blueprint` points at, in the repository at `dir`.
std::expected<FileTree, std::string> read_pristine(const std::filesystem::path& dir);

/// Records `pristine` as a child commit of the current pristine commit and moves the ref.
std::expected<void, std::string> advance_pristine(const std::filesystem::path& dir,
                                                  const GitAuthor& author, std::string_view message,
                                                  const FileTree& pristine);

/// Whether `dir` is the top of a git work tree.
bool is_repository(const std::filesystem::path& dir);

/// Clones `url` (a local path, file://, https://) into `into` (which must not exist) and checks
/// out `ref` (a branch, a tag or a commit; "" = the remote's default branch). Returns the SHA
/// checked out.
std::expected<std::string, std::string> clone_at(std::string_view url, std::string_view ref,
                                                 const std::filesystem::path& into);

/// The SHA that `ref` names in the repository at `dir` (tags and remote branches included),
/// or nullopt.
std::optional<std::string> resolve_ref(const std::filesystem::path& dir, std::string_view ref);

/// Checks out `sha` (detached) in the clone at `dir`, forcing the work tree to match.
std::expected<void, std::string> checkout(const std::filesystem::path& dir, std::string_view sha);

}  // namespace cutover::blueprint
