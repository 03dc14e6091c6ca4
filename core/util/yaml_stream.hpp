#pragma once
// Loading a YAML stream with yaml-cpp, safely. yaml-cpp 0.7's YAML::LoadAll never returns on a
// stray ',' outside [ ] or { } (jbeder/yaml-cpp#1040, fixed upstream by #1319 after Debian 12's
// 0.7.0): each pass yields an empty document without consuming the token, and memory grows until
// the process is killed. Every multi-document load in cutover goes through here instead.

#include <yaml-cpp/yaml.h>

#include <expected>
#include <string_view>
#include <vector>

#include "util/yaml_json.hpp"

namespace cutover {

/// Every document of `text`, empty ones included. A syntax error, or a token the parser cannot
/// consume, is an error at its 1-based position.
std::expected<std::vector<YAML::Node>, YamlError> load_yaml_stream(std::string_view text);

}  // namespace cutover
