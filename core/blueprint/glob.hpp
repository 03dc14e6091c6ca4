#pragma once
// Globs over template-relative paths (`files[].path`, `copyWithoutRender`), '/'-separated:
//
//     *    any run of characters within one segment
//     ?    one character other than '/'
//     **   as a whole segment: zero or more segments (`docs/**`, `**/*.png`)
//
// Everything else matches itself. A glob matches a folder's files too: `docs` matches
// `docs/a.md`, so a rule can name a folder.

#include <string_view>

namespace cutover::blueprint {

/// Whether `path` (or a folder above it) matches `glob`. Linear in practice: `*` and `**`
/// backtrack, bounded by the (short) path.
bool glob_matches(std::string_view glob, std::string_view path);

}  // namespace cutover::blueprint
