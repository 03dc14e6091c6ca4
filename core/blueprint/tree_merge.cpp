#include "blueprint/tree_merge.hpp"

#include <git2.h>

#include <set>

namespace cutover::blueprint {

namespace {

struct FileMerge {
  std::string content;
  bool clean = true;
};

FileMerge merge_file(const BlobFile* base, const BlobFile& theirs, const BlobFile& ours,
                     const std::string& path, const std::string& theirs_label) {
  static const int initialised = git_libgit2_init();
  (void)initialised;
  git_merge_file_input ancestor = GIT_MERGE_FILE_INPUT_INIT;
  git_merge_file_input mine = GIT_MERGE_FILE_INPUT_INIT;
  git_merge_file_input upstream = GIT_MERGE_FILE_INPUT_INIT;
  // No base (both sides added the file): an empty ancestor, so any difference conflicts.
  ancestor.ptr = base ? base->content.data() : "";
  ancestor.size = base ? base->content.size() : 0;
  ancestor.path = path.c_str();
  mine.ptr = ours.content.data();
  mine.size = ours.content.size();
  mine.path = path.c_str();
  upstream.ptr = theirs.content.data();
  upstream.size = theirs.content.size();
  upstream.path = path.c_str();
  git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
  options.our_label = "yours";
  options.their_label = theirs_label.c_str();
  options.ancestor_label = "previous blueprint";
  git_merge_file_result result{};
  FileMerge out;
  if (git_merge_file(&result, &ancestor, &mine, &upstream, &options) != 0) {
    // libgit2 refuses (a binary file): keep the user's and call it a conflict.
    out.content = ours.content;
    out.clean = false;
    return out;
  }
  out.content.assign(result.ptr ? result.ptr : "", result.len);
  out.clean = result.automergeable != 0;
  git_merge_file_result_free(&result);
  return out;
}

}  // namespace

TreeMerge merge_trees(const FileTree& base, const FileTree& theirs, const FileTree& ours,
                      const std::string& theirs_label) {
  TreeMerge merge;
  std::set<std::string> paths;
  for (const auto& [path, file] : base)
    paths.insert(path);
  for (const auto& [path, file] : theirs)
    paths.insert(path);
  for (const auto& path : paths) {
    const auto b = base.find(path);
    const auto t = theirs.find(path);
    const auto o = ours.find(path);
    const BlobFile* old_render = b == base.end() ? nullptr : &b->second;
    const BlobFile* new_render = t == theirs.end() ? nullptr : &t->second;
    const BlobFile* mine = o == ours.end() ? nullptr : &o->second;
    if (!new_render) {  // removed upstream
      if (!mine)
        continue;
      if (mine->content == old_render->content)
        merge.deletes.push_back(path);
      else
        merge.kept.push_back(path);
      continue;
    }
    if (old_render && old_render->content == new_render->content &&
        old_render->executable == new_render->executable)
      continue;  // the blueprint did not change it
    if (!mine) {
      if (old_render) {
        merge.deleted_here.push_back(path);
      } else {
        merge.writes[path] = *new_render;
        merge.added.push_back(path);
      }
      continue;
    }
    if (mine->content == new_render->content) {
      if (mine->executable != new_render->executable)
        merge.writes[path] = *new_render;
      continue;
    }
    if (old_render && mine->content == old_render->content) {
      merge.writes[path] = *new_render;
      continue;
    }
    const FileMerge merged = merge_file(old_render, *new_render, *mine, path, theirs_label);
    merge.writes[path] = {merged.content, new_render->executable};
    if (!merged.clean)
      merge.conflicts.push_back(path);
  }
  return merge;
}

}  // namespace cutover::blueprint
