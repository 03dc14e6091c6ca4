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

}  // namespace cutover
