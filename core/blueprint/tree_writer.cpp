#include "blueprint/tree_writer.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <cerrno>
#include <fstream>
#include <optional>

#include "util/file_io.hpp"

namespace cutover::blueprint {

namespace fs = std::filesystem;

namespace {

bool is_within(const fs::path& root, const fs::path& candidate) {
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (r->empty())
      continue;  // a trailing separator
    if (c == candidate.end() || *r != *c)
      return false;
  }
  return true;
}

}  // namespace

std::expected<void, std::string> check_inside(const fs::path& root, std::string_view relative) {
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec)
    return std::unexpected(fmt::format("{}: {}", root.string(), ec.message()));
  // weakly_canonical resolves every existing component, symlinks included.
  const fs::path resolved = fs::weakly_canonical(real_root / fs::path(relative), ec);
  if (ec)
    return std::unexpected(fmt::format("{}: {}", relative, ec.message()));
  if (!is_within(real_root, resolved)) {
    return std::unexpected(fmt::format("{} resolves to {}, outside {} (a symlink on the way)",
                                       relative, resolved.string(), real_root.string()));
  }
  return {};
}

std::expected<void, std::string> write_file_inside(const fs::path& root, std::string_view relative,
                                                   std::string_view content, bool executable) {
  if (auto inside = check_inside(root, relative); !inside)
    return inside;
  const fs::path target = root / fs::path(relative);
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(target, ec)))
    return std::unexpected(fmt::format("{} is a symlink; not writing through it", relative));
  fs::create_directories(target.parent_path(), ec);
  if (ec)
    return std::unexpected(fmt::format("creating the folder of {}: {}", relative, ec.message()));
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out)
      return std::unexpected(fmt::format("cannot write {}", target.string()));
  }
  const auto exec = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
  fs::permissions(target, exec, executable ? fs::perm_options::add : fs::perm_options::remove, ec);
  if (ec)
    return std::unexpected(
        fmt::format("setting the mode of {}: {}", target.string(), ec.message()));
  return {};
}

std::expected<std::optional<std::string>, std::string> read_file_inside(const fs::path& root,
                                                                        std::string_view relative) {
  const fs::path target = root / fs::path(relative);
  std::error_code ec;
  const auto status = fs::symlink_status(target, ec);
  if (!fs::exists(status))
    return std::optional<std::string>{};
  if (fs::is_symlink(status))
    return std::unexpected(fmt::format("{} is a symlink", relative));
  if (!fs::is_regular_file(status))
    return std::unexpected(fmt::format("{} is not a regular file", relative));
  if (auto inside = check_inside(root, relative); !inside)
    return std::unexpected(inside.error());
  auto text = read_file(target);
  if (!text)
    return std::unexpected(text.error());
  return std::optional<std::string>{std::move(*text)};
}

std::expected<TempDir, std::string> TempDir::create(const fs::path& parent,
                                                    std::string_view prefix) {
  std::string pattern = (parent / fmt::format("{}XXXXXX", prefix)).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return std::unexpected(fmt::format("cannot create a temporary folder in {}: {}",
                                       parent.string(),
                                       std::error_code(errno, std::generic_category()).message()));
  }
  return TempDir(fs::path(pattern));
}

TempDir::~TempDir() {
  if (path_.empty())
    return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::expected<SetAside, std::string> SetAside::move(const fs::path& folder,
                                                    std::string_view prefix) {
  auto slot = TempDir::create(folder.parent_path(), prefix);
  if (!slot)
    return std::unexpected(slot.error());
  // rename(2) replaces an empty folder atomically, so the fresh name cannot be taken by
  // another process between mkdtemp and the rename. On failure the TempDir removes the slot.
  std::error_code ec;
  fs::rename(folder, slot->path(), ec);
  if (ec) {
    return std::unexpected(
        fmt::format("moving {} aside: {} (nothing was changed)", folder.string(), ec.message()));
  }
  fs::path aside = slot->path();
  slot->release();
  return SetAside(folder, std::move(aside));
}

SetAside::~SetAside() {
  (void)restore();
}

std::expected<void, std::string> SetAside::restore() {
  if (aside_.empty())
    return {};
  const fs::path aside = std::exchange(aside_, {});
  std::error_code ec;
  fs::remove_all(original_, ec);
  if (!ec)
    fs::rename(aside, original_, ec);
  if (ec) {
    return std::unexpected(fmt::format("could not put {} back: {}; its old contents are in {}",
                                       original_.string(), ec.message(), aside.string()));
  }
  return {};
}

std::expected<void, std::string> SetAside::discard() {
  if (aside_.empty())
    return {};
  const fs::path aside = std::exchange(aside_, {});
  std::error_code ec;
  fs::remove_all(aside, ec);
  if (ec) {
    return std::unexpected(fmt::format("could not delete the replaced folder, now {}: {}",
                                       aside.string(), ec.message()));
  }
  return {};
}

}  // namespace cutover::blueprint
