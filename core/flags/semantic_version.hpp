#pragma once
// Semantic versions as flagd's `sem_ver` reads them: Go's golang.org/x/mod/semver, after flagd
// strips one leading "v" or "V" (so "1.2.3", "v1.2.3" and "V1.2.3" are the same version).
//
// Grammar: MAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]. Numbers are decimal without leading
// zeros (any length); "1" and "1.2" are short for 1.0.0 and 1.2.0 and take no prerelease or
// build. Prerelease and build are dot-separated non-empty identifiers of [0-9A-Za-z-];
// numeric prerelease identifiers have no leading zeros. "1.2.3.4", " 1.2.3" and "01.2.3" are
// not versions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::flags {

struct SemanticVersion {
  std::string major;  // decimal digits
  std::string minor;
  std::string patch;
  std::vector<std::string> prerelease;  // identifiers; empty for a release
  std::string build;                    // without the '+'; ignored by comparisons

  /// The version `text` spells, or nullopt when it spells none.
  static std::optional<SemanticVersion> parse(std::string_view text);
};

/// Precedence as SemVer 2.0.0 orders it (build metadata ignored): negative when `a` comes
/// first, 0 when equal, positive when `b` does.
int compare(const SemanticVersion& a, const SemanticVersion& b);

/// Whether `a` and `b` share their major number (sem_ver's "^"), or their major and minor
/// numbers (sem_ver's "~").
bool same_major(const SemanticVersion& a, const SemanticVersion& b);
bool same_minor(const SemanticVersion& a, const SemanticVersion& b);

}  // namespace cutover::flags
