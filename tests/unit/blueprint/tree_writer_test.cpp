#include "blueprint/tree_writer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cutover::blueprint {
namespace {

namespace fs = std::filesystem;

class BlueprintTreeWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = TempDir::create(fs::temp_directory_path(), "cutover-tree-test-");
    ASSERT_TRUE(made) << made.error();
    temp_.emplace(std::move(*made));
    root_ = temp_->path() / "root";
    outside_ = temp_->path() / "outside";
    fs::create_directories(root_);
    fs::create_directories(outside_);
  }
  std::optional<TempDir> temp_;
  fs::path root_;
  fs::path outside_;
};

TEST_F(BlueprintTreeWriter, WritesInsideWithMode) {
  ASSERT_TRUE(write_file_inside(root_, "a/b/c.sh", "#!/bin/sh\n", true));
  const auto perms = fs::status(root_ / "a/b/c.sh").permissions();
  EXPECT_NE(perms & fs::perms::owner_exec, fs::perms::none);
  auto read = read_file_inside(root_, "a/b/c.sh");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->value_or(""), "#!/bin/sh\n");
  auto missing = read_file_inside(root_, "nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_F(BlueprintTreeWriter, RefusesSymlinkEscapes) {
  fs::create_directory_symlink(outside_, root_ / "link");
  auto written = write_file_inside(root_, "link/evil.txt", "x", false);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().find("outside"), std::string::npos) << written.error();
  EXPECT_FALSE(fs::exists(outside_ / "evil.txt"));

  std::ofstream(outside_ / "target.txt") << "secret";
  fs::create_symlink(outside_ / "target.txt", root_ / "file-link");
  EXPECT_FALSE(write_file_inside(root_, "file-link", "x", false));
  EXPECT_FALSE(read_file_inside(root_, "file-link"));
  std::ifstream in(outside_ / "target.txt");
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "secret");

  // A symlink that stays inside is fine to write through as a folder.
  fs::create_directories(root_ / "real");
  fs::create_directory_symlink(root_ / "real", root_ / "inner-link");
  EXPECT_TRUE(write_file_inside(root_, "inner-link/ok.txt", "x", false));
  EXPECT_TRUE(fs::exists(root_ / "real/ok.txt"));
}

TEST_F(BlueprintTreeWriter, TempDirIsRemovedUnlessReleased) {
  fs::path kept;
  {
    auto dir = TempDir::create(root_, ".x-");
    ASSERT_TRUE(dir);
    EXPECT_TRUE(fs::is_directory(dir->path()));
    kept = dir->path();
  }
  EXPECT_FALSE(fs::exists(kept));
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::string content;
  std::getline(in, content);
  return content;
}

TEST_F(BlueprintTreeWriter, SetAsidePutsTheOldFolderBackUnlessDiscarded) {
  std::ofstream(root_ / "old.txt") << "old";
  fs::path aside;
  {
    auto moved = SetAside::move(root_, ".root.old-");
    ASSERT_TRUE(moved) << moved.error();
    aside = moved->aside_path();
    EXPECT_FALSE(fs::exists(root_));
    EXPECT_EQ(read_text(aside / "old.txt"), "old");
    EXPECT_EQ(aside.parent_path(), root_.parent_path());
    // A half-made replacement sits at the original path when the failure happens.
    fs::create_directories(root_);
    std::ofstream(root_ / "new.txt") << "new";
  }
  EXPECT_EQ(read_text(root_ / "old.txt"), "old");
  EXPECT_FALSE(fs::exists(root_ / "new.txt"));
  EXPECT_FALSE(fs::exists(aside));
}

TEST_F(BlueprintTreeWriter, SetAsideRestoreAndDiscard) {
  std::ofstream(root_ / "old.txt") << "old";
  auto moved = SetAside::move(root_, ".root.old-");
  ASSERT_TRUE(moved) << moved.error();
  ASSERT_TRUE(moved->restore());
  EXPECT_EQ(read_text(root_ / "old.txt"), "old");
  EXPECT_TRUE(moved->aside_path().empty());
  EXPECT_TRUE(moved->restore());  // once only: a second call does nothing

  auto again = SetAside::move(root_, ".root.old-");
  ASSERT_TRUE(again) << again.error();
  const fs::path aside = again->aside_path();
  fs::create_directories(root_);
  std::ofstream(root_ / "new.txt") << "new";
  ASSERT_TRUE(again->discard());
  EXPECT_FALSE(fs::exists(aside));
  EXPECT_EQ(read_text(root_ / "new.txt"), "new");  // the replacement stays
}

TEST_F(BlueprintTreeWriter, SetAsideOfAMissingFolderMovesNothing) {
  auto moved = SetAside::move(temp_->path() / "missing", ".missing.old-");
  ASSERT_FALSE(moved);
  EXPECT_NE(moved.error().find("nothing was changed"), std::string::npos) << moved.error();
  // No slot is left next to it.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(temp_->path()))
    ++entries;
  EXPECT_EQ(entries, 2U);  // root and outside
}

}  // namespace
}  // namespace cutover::blueprint
