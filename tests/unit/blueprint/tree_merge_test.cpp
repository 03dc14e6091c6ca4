#include "blueprint/tree_merge.hpp"

#include <gtest/gtest.h>

namespace cutover::blueprint {
namespace {

BlobFile f(const char* content) {
  return {content, false};
}

TEST(BlueprintTreeMerge, CleanMergeKeepsTheUsersEdit) {
  const FileTree base = {{"app.cpp", f("line1\nline2\nline3\nline4\nline5\n")}};
  const FileTree theirs = {{"app.cpp", f("line1 v2\nline2\nline3\nline4\nline5\n")}};
  const FileTree ours = {{"app.cpp", f("line1\nline2\nline3\nline4\nline5 mine\n")}};
  const TreeMerge merge = merge_trees(base, theirs, ours, "blueprint demo 2.0.0");
  EXPECT_TRUE(merge.conflicts.empty());
  ASSERT_TRUE(merge.writes.contains("app.cpp"));
  EXPECT_EQ(merge.writes.at("app.cpp").content, "line1 v2\nline2\nline3\nline4\nline5 mine\n");
}

TEST(BlueprintTreeMerge, ConflictWritesMarkers) {
  const FileTree base = {{"a.txt", f("port: 8080\n")}};
  const FileTree theirs = {{"a.txt", f("port: 9090\n")}};
  const FileTree ours = {{"a.txt", f("port: 7070\n")}};
  const TreeMerge merge = merge_trees(base, theirs, ours, "blueprint demo 2.0.0");
  ASSERT_EQ(merge.conflicts, std::vector<std::string>{"a.txt"});
  const std::string& text = merge.writes.at("a.txt").content;
  EXPECT_NE(text.find("<<<<<<< yours"), std::string::npos) << text;
  EXPECT_NE(text.find("port: 7070"), std::string::npos);
  EXPECT_NE(text.find("port: 9090"), std::string::npos);
  EXPECT_NE(text.find(">>>>>>> blueprint demo 2.0.0"), std::string::npos);
}

TEST(BlueprintTreeMerge, UnchangedUpstreamLeavesTheUserAlone) {
  const FileTree base = {{"a.txt", f("x\n")}};
  const TreeMerge merge = merge_trees(base, base, {{"a.txt", f("edited\n")}}, "v2");
  EXPECT_TRUE(merge.writes.empty());
  EXPECT_TRUE(merge.deletes.empty());
}

TEST(BlueprintTreeMerge, UntouchedFilesTakeTheNewRender) {
  const TreeMerge merge =
      merge_trees({{"a.txt", f("x\n")}}, {{"a.txt", f("y\n")}}, {{"a.txt", f("x\n")}}, "v2");
  EXPECT_EQ(merge.writes.at("a.txt").content, "y\n");
}

TEST(BlueprintTreeMerge, AddedAndRemovedFiles) {
  const FileTree base = {
      {"old.txt", f("o\n")}, {"old-edited.txt", f("o\n")}, {"deleted-here.txt", f("d\n")}};
  const FileTree theirs = {{"new.txt", f("n\n")}, {"deleted-here.txt", f("d2\n")}};
  const FileTree ours = {{"old.txt", f("o\n")}, {"old-edited.txt", f("mine\n")}};
  const TreeMerge merge = merge_trees(base, theirs, ours, "v2");
  EXPECT_EQ(merge.added, std::vector<std::string>{"new.txt"});
  EXPECT_EQ(merge.writes.at("new.txt").content, "n\n");
  EXPECT_EQ(merge.deletes, std::vector<std::string>{"old.txt"});
  EXPECT_EQ(merge.kept, std::vector<std::string>{"old-edited.txt"});
  EXPECT_EQ(merge.deleted_here, std::vector<std::string>{"deleted-here.txt"});
  EXPECT_FALSE(merge.writes.contains("deleted-here.txt"));
  EXPECT_TRUE(merge.conflicts.empty());
}

TEST(BlueprintTreeMerge, BothAddedDifferentlyIsAConflict) {
  const TreeMerge merge =
      merge_trees({}, {{"n.txt", f("theirs\n")}}, {{"n.txt", f("ours\n")}}, "v2");
  EXPECT_EQ(merge.conflicts, std::vector<std::string>{"n.txt"});
}

}  // namespace
}  // namespace cutover::blueprint
