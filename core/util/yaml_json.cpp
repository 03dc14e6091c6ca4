#include "util/yaml_json.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <regex>

#include "util/yaml_stream.hpp"

namespace cutover {

namespace {

using Json = nlohmann::json;

// Deep documents would otherwise recurse without bound.
constexpr int kMaxDepth = 200;
// Aliases are expanded, so a few hundred bytes of nested aliases ("billion laughs") would
// otherwise become billions of values.
// 100,000 values is far beyond any Rollout or policy, and keeps the worst case fast.
constexpr long kMaxValues = 100'000;

// `budget` is the number of values the rest of the document may still have.
std::expected<Json, YamlError> convert(const YAML::Node& node, int depth, long& budget) {
  if (depth > kMaxDepth) {
    return std::unexpected(
        YamlError{node.Mark().line + 1, node.Mark().column + 1, "nested too deeply"});
  }
  if (--budget < 0) {
    return std::unexpected(YamlError{node.Mark().line + 1, node.Mark().column + 1,
                                     "the document has more than 100,000 values once its "
                                     "aliases are expanded"});
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Json(nullptr);
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str")
        return Json(node.Scalar());
      return yaml_plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) {
        auto value = convert(item, depth + 1, budget);
        if (!value)
          return value;
        out.push_back(std::move(*value));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return std::unexpected(YamlError{entry.first.Mark().line + 1,
                                           entry.first.Mark().column + 1,
                                           "a mapping key must be a plain value"});
        }
        auto value = convert(entry.second, depth + 1, budget);
        if (!value)
          return value;
        out[entry.first.Scalar()] = std::move(*value);
      }
      return out;
    }
  }
  return Json(nullptr);
}

}  // namespace

std::expected<std::vector<nlohmann::json>, YamlError> parse_yaml_documents(std::string_view text) {
  auto documents = load_yaml_stream(text);
  if (!documents)
    return std::unexpected(documents.error());
  std::vector<nlohmann::json> out;
  for (const auto& document : *documents) {
    if (!document.IsDefined() || document.IsNull())
      continue;
    long budget = kMaxValues;
    auto value = convert(document, 0, budget);
    if (!value)
      return std::unexpected(value.error());
    out.push_back(std::move(*value));
  }
  return out;
}

Json yaml_plain_scalar(std::string_view text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  if (text == "true" || text == "True" || text == "TRUE")
    return true;
  if (text == "false" || text == "False" || text == "FALSE")
    return false;
  static const std::regex integer(R"([-+]?[0-9]+)");
  static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text.begin(), text.end(), integer)) {
    long long value = 0;
    const char* first = text.data() + (text.front() == '+' ? 1 : 0);
    const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
    if (ec == std::errc{} && end == text.data() + text.size())
      return value;
    return Json(std::string(text));  // out of range: keep the digits rather than lose them
  }
  if (std::regex_match(text.begin(), text.end(), floating)) {
    double value = 0;
    const char* first = text.data() + (text.front() == '+' ? 1 : 0);
    const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
    if (ec == std::errc{} && end == text.data() + text.size() && std::isfinite(value))
      return value;
  }
  return Json(std::string(text));
}

}  // namespace cutover
