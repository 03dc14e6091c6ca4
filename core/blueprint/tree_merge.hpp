#pragma once
// The three-way merge of `deploy blueprint update`, file by file, with libgit2's
// git_merge_file. In memory: it decides, the updater writes.
//
// base = the previous pristine render, theirs = the new render, ours = the working tree (only
// the paths base or theirs have; files only the user has are never looked at).
//
//     base  theirs  ours          outcome
//     A     A       any           nothing (the blueprint did not change it)
//     A     B       A or absent*  write B (*absent: the user deleted it; kept deleted, reported)
//     A     B       B             nothing
//     A     B       C             merge: clean -> write it; conflict -> write markers, report
//     -     B       absent        write B (added upstream)
//     -     B       C             merge with an empty base (both added)
//     A     -       A             delete (removed upstream)
//     A     -       C             keep, report (removed upstream, modified locally)

#include <string>
#include <vector>

#include "blueprint/git_repository.hpp"

namespace cutover::blueprint {

struct TreeMerge {
  FileTree writes;                   // path -> new content (merged, theirs, or with markers)
  std::vector<std::string> deletes;  // removed upstream and unchanged here
  std::vector<std::string> conflicts;
  std::vector<std::string> kept;          // removed upstream but modified locally
  std::vector<std::string> deleted_here;  // changed upstream but deleted locally
  std::vector<std::string> added;         // subset of writes: new files
};

/// Merges as in the table above. Conflict markers are labelled "yours" and "blueprint vNEW".
TreeMerge merge_trees(const FileTree& base, const FileTree& theirs, const FileTree& ours,
                      const std::string& theirs_label);

}  // namespace cutover::blueprint
