#pragma once
// YAML in and out, as JSON values: `deploy apply -f` reads manifests, `-o yaml` prints objects.

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::cli {

/// Every non-empty document of a multi-document YAML text, as JSON (util/yaml_json.hpp's
/// reader: plain scalars get their YAML 1.2 core-schema type by `yaml_plain_scalar`, quoted
/// ones stay strings). The error is `<source>:<line>:<column>: <message>`.
std::expected<std::vector<nlohmann::json>, std::string> parse_yaml_documents(
    std::string_view text, std::string_view source);

/// Block-style YAML for `value`; a string is quoted exactly when `yaml_plain_scalar`
/// (util/yaml_json.hpp, the reader's rule) would read it back as another type, so
/// `parse_yaml_documents(to_yaml(v))` gives `v` back.
std::string to_yaml(const nlohmann::json& value);

}  // namespace cutover::cli
