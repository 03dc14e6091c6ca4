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

}  // namespace cutover::blueprint
