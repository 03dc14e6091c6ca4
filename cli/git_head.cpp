#include "git_head.hpp"

#include <git2.h>

namespace cutover::cli {

std::optional<std::string> git_head_sha(const std::filesystem::path& start) {
  git_libgit2_init();
  std::optional<std::string> sha;
  git_buf root = {};
  git_repository* repo = nullptr;
  if (git_repository_discover(&root, start.c_str(), 0, nullptr) == 0 &&
      git_repository_open(&repo, root.ptr) == 0 && git_repository_is_bare(repo) == 0) {
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo, "HEAD") == 0) {
      char hex[GIT_OID_HEXSZ + 1] = {};
      git_oid_tostr(hex, sizeof hex, &oid);
      sha = hex;
    }
  }
  git_repository_free(repo);
  git_buf_dispose(&root);
  git_libgit2_shutdown();
  return sha;
}

}  // namespace cutover::cli
