#pragma once
// Writing rendered files to disk without ever leaving the target folder. I/O.

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cutover::blueprint {

/// Whether `root/relative` stays inside `root` once every symlink on the way is resolved (the
/// final component included, if it exists). `relative` must already have passed
/// check_relative_path; this catches symlinks in a working tree (`update`).
std::expected<void, std::string> check_inside(const std::filesystem::path& root,
                                              std::string_view relative);

/// Writes `content` to `root/relative`, creating folders, after check_inside. A symlink at the
/// final component is refused rather than followed. The executable bit is set when asked.
std::expected<void, std::string> write_file_inside(const std::filesystem::path& root,
                                                   std::string_view relative,
                                                   std::string_view content, bool executable);

/// Reads `root/relative`; nullopt when it does not exist; an error when it is not a regular
/// file (a folder, a symlink) or unreadable.
std::expected<std::optional<std::string>, std::string> read_file_inside(
    const std::filesystem::path& root, std::string_view relative);

/// A folder removed (recursively) when this goes out of scope, unless released.
class TempDir {
 public:
  /// Creates a fresh folder named `<prefix>XXXXXX` inside `parent`.
  static std::expected<TempDir, std::string> create(const std::filesystem::path& parent,
                                                    std::string_view prefix);
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// Keeps the folder (after it was renamed into place).
  void release() { path_.clear(); }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

/// An existing folder moved out of the way, to a fresh `<prefix>XXXXXX` next to it, while its
/// replacement is made (`deploy new --force`). Unless discarded, it is put back when this goes
/// out of scope (whatever then sits at the original path is removed first), so a failure
/// anywhere loses nothing. The old folder itself is never deleted except by discard().
class SetAside {
 public:
  /// Renames `folder` (a folder, not a symlink) aside. On error nothing has moved.
  static std::expected<SetAside, std::string> move(const std::filesystem::path& folder,
                                                   std::string_view prefix);
  SetAside(SetAside&& other) noexcept
      : original_(std::move(other.original_)), aside_(std::exchange(other.aside_, {})) {}
  SetAside& operator=(SetAside&&) = delete;
  SetAside(const SetAside&) = delete;
  ~SetAside();
  /// Where the old folder is now ("" once restored or discarded).
  [[nodiscard]] const std::filesystem::path& aside_path() const { return aside_; }
  /// Removes what is at the original path and renames the old folder back. On error the old
  /// folder stays at aside_path() (the message names it) and is never deleted.
  std::expected<void, std::string> restore();
  /// Deletes the old folder for good, once its replacement is complete. On error what could
  /// not be deleted stays at the aside path, which the message names.
  std::expected<void, std::string> discard();

 private:
  SetAside(std::filesystem::path original, std::filesystem::path aside)
      : original_(std::move(original)), aside_(std::move(aside)) {}
  std::filesystem::path original_;
  std::filesystem::path aside_;
};

}  // namespace cutover::blueprint
