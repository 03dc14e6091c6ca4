#include "yaml_json.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <regex>

#include "util/yaml_json.hpp"

namespace cutover::cli {

namespace {

using Json = nlohmann::json;

// The emitter quotes a string that would read back as another type.
// Which JSON value a plain scalar means in the YAML 1.2 core schema.
Json plain_scalar(const std::string& text) {
  static const std::regex null_re("~|null|Null|NULL|");
  static const std::regex true_re("true|True|TRUE");
  static const std::regex false_re("false|False|FALSE");
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(text, null_re))
    return nullptr;
  if (std::regex_match(text, true_re))
    return true;
  if (std::regex_match(text, false_re))
    return false;
  if (std::regex_match(text, int_re)) {
    try {
      return std::stoll(text);
    } catch (const std::out_of_range&) {
      return text;
    }
  }
  if (std::regex_match(text, float_re)) {
    try {
      return std::stod(text);
    } catch (const std::out_of_range&) {
      return text;
    }
  }
  return text;
}

void emit(YAML::Emitter& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      return;
    case Json::value_t::array:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& item : value)
        emit(out, item);
      out << YAML::EndSeq;
      return;
    case Json::value_t::string: {
      const std::string& text = value.get_ref<const std::string&>();
      if (!plain_scalar(text).is_string())
        out << YAML::DoubleQuoted;
      out << text;
      return;
    }
    case Json::value_t::null:
      out << YAML::Null;
      return;
    default:
      out << value.dump();
      return;
  }
}

}  // namespace

std::expected<std::vector<Json>, std::string> parse_yaml_documents(std::string_view text,
                                                                   std::string_view source) {
  // One YAML reader for the whole tree (it caps alias expansion and nesting); this only adds
  // the file name to its position.
  auto documents = cutover::parse_yaml_documents(text);
  if (!documents) {
    const auto& e = documents.error();
    return std::unexpected(fmt::format("{}:{}:{}: {}", source, e.line, e.column, e.message));
  }
  return std::move(*documents);
}

std::string to_yaml(const Json& value) {
  YAML::Emitter out;
  emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n')
    text += '\n';
  return text;
}

}  // namespace cutover::cli
