#include "yaml_json.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <regex>

namespace cutover::cli {

namespace {

using Json = nlohmann::json;

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

Json to_json(const YAML::Node& node, int depth) {
  if (depth > 100)
    throw YAML::Exception(node.Mark(), "nested more than 100 levels deep");
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str")
        return node.Scalar();
      return plain_scalar(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node)
        out.push_back(to_json(item, depth + 1));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& entry : node)
        out[entry.first.as<std::string>()] = to_json(entry.second, depth + 1);
      return out;
    }
  }
  return nullptr;
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
  std::vector<Json> out;
  try {
    for (const auto& document : YAML::LoadAll(std::string(text))) {
      Json value = to_json(document, 0);
      if (!value.is_null())
        out.push_back(std::move(value));
    }
  } catch (const YAML::Exception& e) {
    return std::unexpected(
        fmt::format("{}:{}:{}: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return out;
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
