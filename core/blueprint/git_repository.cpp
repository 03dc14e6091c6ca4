#include "blueprint/git_repository.hpp"

#include <fmt/format.h>
#include <git2.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace cutover::blueprint {

namespace fs = std::filesystem;

namespace {

// libgit2 objects freed by their own free function.
template <typename T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Freer<T, Free>>;
using Repo = Owned<git_repository, git_repository_free>;
using Index = Owned<git_index, git_index_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Signature = Owned<git_signature, git_signature_free>;
using Object = Owned<git_object, git_object_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Config = Owned<git_config, git_config_free>;

// Initialises libgit2 once per process; its search paths (HOME) are read then.
void ensure_init() {
  static const int initialised = git_libgit2_init();
  (void)initialised;
}

std::string last_error(std::string_view what) {
  const git_error* error = git_error_last();
  return fmt::format("{}: {}", what, error && error->message ? error->message : "unknown error");
}

std::string sha_of(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

std::expected<Repo, std::string> open(const fs::path& dir) {
  ensure_init();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
    return std::unexpected(last_error(fmt::format("opening the git repository {}", dir.string())));
  return Repo(raw);
}

std::expected<Signature, std::string> signature(const GitAuthor& author) {
  git_signature* raw = nullptr;
  if (git_signature_now(&raw, author.name.c_str(), author.email.c_str()) != 0)
    return std::unexpected(last_error("making the commit signature"));
  return Signature(raw);
}

// The tree of `files`, written to the repository's object store.
std::expected<git_oid, std::string> write_tree(git_repository* repo, const FileTree& files) {
  git_index* raw_index = nullptr;
  if (git_index_new(&raw_index) != 0)
    return std::unexpected(last_error("creating an in-memory index"));
  const Index index(raw_index);
  for (const auto& [path, file] : files) {
    git_index_entry entry{};
    entry.mode = file.executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    entry.path = path.c_str();
    entry.file_size = static_cast<std::uint32_t>(file.content.size());
    if (git_blob_create_from_buffer(&entry.id, repo, file.content.data(), file.content.size()) !=
            0 ||
        git_index_add(index.get(), &entry) != 0)
      return std::unexpected(last_error(fmt::format("storing {}", path)));
  }
  git_oid tree{};
  if (git_index_write_tree_to(&tree, index.get(), repo) != 0)
    return std::unexpected(last_error("writing the tree"));
  return tree;
}

std::expected<git_oid, std::string> commit_tree(git_repository* repo, const char* update_ref,
                                                const GitAuthor& author, std::string_view message,
                                                const git_oid& tree_id, const git_commit* parent) {
  auto sig = signature(author);
  if (!sig)
    return std::unexpected(sig.error());
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo, &tree_id) != 0)
    return std::unexpected(last_error("looking up the tree"));
  const Tree tree(raw_tree);
  const git_commit* parents[] = {parent};
  git_oid commit{};
  const std::string text(message);
  if (git_commit_create(&commit, repo, update_ref, sig->get(), sig->get(), "UTF-8", text.c_str(),
                        tree.get(), parent ? 1 : 0, parent ? parents : nullptr) != 0)
    return std::unexpected(last_error("committing"));
  return commit;
}

std::expected<void, std::string> set_pristine_ref(git_repository* repo, const git_oid& commit) {
  git_reference* raw = nullptr;
  const std::string name(kPristineRef);
  if (git_reference_create(&raw, repo, name.c_str(), &commit, 1, "cutover: pristine render") != 0)
    return std::unexpected(last_error(fmt::format("writing {}", kPristineRef)));
  git_reference_free(raw);
  return {};
}

struct WalkState {
  git_repository* repo = nullptr;
  FileTree* files = nullptr;
  std::string error;
};

int collect_blob(const char* root, const git_tree_entry* entry, void* payload) {
  auto& state = *static_cast<WalkState*>(payload);
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
    return 0;
  git_blob* blob = nullptr;
  if (git_blob_lookup(&blob, state.repo, git_tree_entry_id(entry)) != 0) {
    state.error = last_error("reading a blob");
    return -1;
  }
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob));
  const auto size = static_cast<std::size_t>(git_blob_rawsize(blob));
  (*state.files)[std::string(root) + git_tree_entry_name(entry)] = {
      std::string(data, size), git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE};
  git_blob_free(blob);
  return 0;
}

}  // namespace

std::expected<GitAuthor, std::string> find_git_author() {
  ensure_init();
  GitAuthor author;
  if (const char* name = std::getenv("GIT_AUTHOR_NAME"))
    author.name = name;
  if (const char* email = std::getenv("GIT_AUTHOR_EMAIL"))
    author.email = email;
  if (author.name.empty() || author.email.empty()) {
    git_config* raw = nullptr;
    if (git_config_open_default(&raw) == 0) {
      const Config config(raw);
      git_buf buffer = {};
      if (author.name.empty() && git_config_get_string_buf(&buffer, config.get(), "user.name") == 0)
        author.name = buffer.ptr;
      git_buf_dispose(&buffer);
      if (author.email.empty() &&
          git_config_get_string_buf(&buffer, config.get(), "user.email") == 0)
        author.email = buffer.ptr;
      git_buf_dispose(&buffer);
    }
  }
  if (author.name.empty() || author.email.empty()) {
    return std::unexpected(std::string(
        "no git author for the first commit: neither the git configuration (user.name, "
        "user.email) nor GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL has one (fix: git config --global "
        "user.name 'Your Name' && git config --global user.email you@example.com, or export "
        "GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, or pass --no-git)"));
  }
  return author;
}

std::expected<std::string, std::string> init_repository(const fs::path& dir,
                                                        const GitAuthor& author,
                                                        std::string_view message,
                                                        const FileTree& pristine) {
  ensure_init();
  git_repository* raw = nullptr;
  if (git_repository_init(&raw, dir.c_str(), 0) != 0)
    return std::unexpected(last_error(fmt::format("git init {}", dir.string())));
  const Repo repo(raw);
  auto pristine_tree = write_tree(repo.get(), pristine);
  if (!pristine_tree)
    return std::unexpected(pristine_tree.error());
  auto pristine_commit = commit_tree(repo.get(), nullptr, author, "cutover: pristine render\n",
                                     *pristine_tree, nullptr);
  if (!pristine_commit)
    return std::unexpected(pristine_commit.error());
  if (auto ref = set_pristine_ref(repo.get(), *pristine_commit); !ref)
    return std::unexpected(ref.error());

  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo.get()) != 0)
    return std::unexpected(last_error("opening the index"));
  const Index index(raw_index);
  char star[] = "*";
  char* patterns[] = {star};
  const git_strarray everything = {patterns, 1};
  git_oid tree{};
  if (git_index_add_all(index.get(), &everything, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0 ||
      git_index_write(index.get()) != 0 || git_index_write_tree(&tree, index.get()) != 0)
    return std::unexpected(last_error("adding the files to the index"));
  auto first = commit_tree(repo.get(), "HEAD", author, message, tree, nullptr);
  if (!first)
    return std::unexpected(first.error());
  return sha_of(*first);
}

std::expected<FileTree, std::string> read_pristine(const fs::path& dir) {
  auto repo = open(dir);
  if (!repo)
    return std::unexpected(repo.error());
  git_object* raw = nullptr;
  const std::string spec = fmt::format("{}^{{tree}}", kPristineRef);
  if (git_revparse_single(&raw, repo->get(), spec.c_str()) != 0) {
    return std::unexpected(fmt::format(
        "{} has no {} (the pristine render deploy new records), so there is no merge base (fix: "
        "generate the service with deploy new, without --no-git)",
        dir.string(), kPristineRef));
  }
  const Object tree(raw);
  FileTree files;
  WalkState state{repo->get(), &files, {}};
  if (git_tree_walk(reinterpret_cast<const git_tree*>(tree.get()), GIT_TREEWALK_PRE, collect_blob,
                    &state) != 0)
    return std::unexpected(state.error.empty() ? last_error("reading the pristine render")
                                               : state.error);
  return files;
}

std::expected<void, std::string> advance_pristine(const fs::path& dir, const GitAuthor& author,
                                                  std::string_view message,
                                                  const FileTree& pristine) {
  auto repo = open(dir);
  if (!repo)
    return std::unexpected(repo.error());
  git_object* raw = nullptr;
  const std::string spec = fmt::format("{}^{{commit}}", kPristineRef);
  if (git_revparse_single(&raw, repo->get(), spec.c_str()) != 0)
    return std::unexpected(last_error(fmt::format("reading {}", kPristineRef)));
  const Object parent(raw);
  auto tree = write_tree(repo->get(), pristine);
  if (!tree)
    return std::unexpected(tree.error());
  auto commit = commit_tree(repo->get(), nullptr, author, message, *tree,
                            reinterpret_cast<const git_commit*>(parent.get()));
  if (!commit)
    return std::unexpected(commit.error());
  return set_pristine_ref(repo->get(), *commit);
}

bool is_repository(const fs::path& dir) {
  return open(dir).has_value();
}

std::optional<std::string> resolve_ref(const fs::path& dir, std::string_view ref) {
  auto repo = open(dir);
  if (!repo)
    return std::nullopt;
  const std::string name(ref);
  for (const auto& candidate : {"refs/tags/" + name, "refs/remotes/origin/" + name, name}) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo->get(), (candidate + "^{commit}").c_str()) == 0) {
      const Object object(raw);
      return sha_of(*git_object_id(object.get()));
    }
  }
  return std::nullopt;
}

std::expected<void, std::string> checkout(const fs::path& dir, std::string_view sha) {
  auto repo = open(dir);
  if (!repo)
    return std::unexpected(repo.error());
  git_oid oid{};
  const std::string text(sha);
  git_object* raw = nullptr;
  if (git_oid_fromstr(&oid, text.c_str()) != 0 ||
      git_object_lookup(&raw, repo->get(), &oid, GIT_OBJECT_COMMIT) != 0)
    return std::unexpected(last_error(fmt::format("looking up {}", sha)));
  const Object commit(raw);
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
  if (git_checkout_tree(repo->get(), commit.get(), &options) != 0 ||
      git_repository_set_head_detached(repo->get(), &oid) != 0)
    return std::unexpected(last_error(fmt::format("checking out {}", sha)));
  return {};
}

std::expected<std::string, std::string> clone_at(std::string_view url, std::string_view ref,
                                                 const fs::path& into) {
  ensure_init();
  const std::string source(url);
  git_repository* raw = nullptr;
  if (git_clone(&raw, source.c_str(), into.c_str(), nullptr) != 0) {
    return std::unexpected(
        last_error(fmt::format("cloning {}", url)) +
        " (fix: check the URL, that the repository exists and that this machine can reach it)");
  }
  git_repository_free(raw);
  if (!ref.empty()) {
    const auto sha = resolve_ref(into, ref);
    if (!sha) {
      return std::unexpected(fmt::format(
          "{} has no branch, tag or commit '{}' (fix: check the part after '#')", url, ref));
    }
    if (auto checked_out = checkout(into, *sha); !checked_out)
      return std::unexpected(checked_out.error());
    return *sha;
  }
  const auto head = resolve_ref(into, "HEAD");
  if (!head)
    return std::unexpected(fmt::format("{} has no commit to use", url));
  return *head;
}

}  // namespace cutover::blueprint
