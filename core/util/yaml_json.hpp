#pragma once
// YAML (the files users write) to JSON (what the API and our parsers speak). Plain scalars are
// typed as YAML 1.2's core schema does: null, true/false, integers, floats, else strings; a
// quoted scalar is always a string. Multi-document streams give one JSON value per document.

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cutover {

struct YamlError {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
  std::string message;
};

/// Every non-empty document of `text`. Errors carry the position yaml-cpp reports.
std::expected<std::vector<nlohmann::json>, YamlError> parse_yaml_documents(std::string_view text);

/// The one scalar rule, for reading and writing alike: the JSON value a plain (unquoted) scalar
/// `text` means in YAML 1.2's core schema. `~`, `null` and the empty text are null; `true` and
/// `false` (also Capitalised and UPPER) are booleans; integers that fit in 64 bits and finite
/// floats are numbers; everything else, out-of-range numbers included, is the text itself. So
/// a writer must quote a string exactly when this returns something other than that string.
///
/// **Example**: `yaml_plain_scalar("42")` is `42`, `yaml_plain_scalar("1.0")` is `1.0`,
/// `yaml_plain_scalar("yes")` is `"yes"` (YAML 1.1's booleans are strings here).
nlohmann::json yaml_plain_scalar(std::string_view text);

}  // namespace cutover
