#pragma once
// YAML in and out, as JSON values: `deploy apply -f` reads manifests, `-o yaml` prints objects.

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::cli {

/// Every non-empty document of a multi-document YAML text, as JSON. Plain scalars get their
/// YAML 1.2 core-schema type (null, bool, int, float), quoted ones stay strings. The error is
/// `<source>:<line>:<column>: <message>`.
std::expected<std::vector<nlohmann::json>, std::string> parse_yaml_documents(
    std::string_view text, std::string_view source);

/// Block-style YAML for `value`; strings that would read back as another type are quoted.
std::string to_yaml(const nlohmann::json& value);

}  // namespace cutover::cli
