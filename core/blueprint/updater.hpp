#pragma once
// `deploy blueprint update`: render the service's blueprint again with its recorded answers
// and merge the change into the working tree (tree_merge.hpp), then record the new render as
// the pristine one and rewrite .cutover/answers.yaml. I/O.
//
// Never touches a path outside DIR (every write and delete goes through check_inside), never
// deletes a file the blueprint did not render, and never commits: the user reviews and commits.

#include <expected>
#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>

#include "blueprint/answers.hpp"
#include "blueprint/generator.hpp"

namespace cutover::blueprint {

struct UpdateOptions {
  std::filesystem::path dir;  // the service
  std::string to_version;     // "" = the source's current version
  std::string from;           // "" = the recorded source
  Prompter* prompter = nullptr;
};

/// The outcome: ok (merged cleanly), or the list of conflicted files (exit 1).
struct UpdateResult {
  std::vector<std::string> conflicts;
};

std::expected<UpdateResult, GenerateError> update_service(const UpdateOptions& options,
                                                          std::span<const EmbeddedFile> shipped,
                                                          std::ostream& out);

}  // namespace cutover::blueprint
