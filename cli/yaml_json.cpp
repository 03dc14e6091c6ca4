#include "yaml_json.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "util/yaml_json.hpp"

namespace cutover::cli {

namespace {

using Json = nlohmann::json;

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
      // Quoted exactly when the reader (util/yaml_json.hpp) would take it for another type.
      const std::string& text = value.get_ref<const std::string&>();
      if (!yaml_plain_scalar(text).is_string())
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
