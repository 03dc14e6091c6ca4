#include "flags/reference_resolver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace cutover::flags {

namespace {

std::string json_quoted(const std::string& text) {
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::expected<Json, std::string> ReferenceResolver::resolve(const Json& rule) {
  if (nodes_left_ == 0) {
    return std::unexpected(
        fmt::format("expands past {} JSON nodes once its $refs are inlined", max_nodes));
  }
  --nodes_left_;
  if (rule.is_object())
    return resolve_object(rule);
  if (!rule.is_array())
    return rule;
  Json resolved = Json::array();
  for (const Json& element : rule) {
    auto value = resolve(element);
    if (!value)
      return value;
    resolved.push_back(std::move(*value));
  }
  return resolved;
}

std::expected<Json, std::string> ReferenceResolver::resolve_object(const Json& object) {
  if (const auto reference = object.find("$ref"); reference != object.end())
    return inline_reference(object, *reference);
  Json resolved = Json::object();
  for (const auto& [key, value] : object.items()) {
    auto member = resolve(value);
    if (!member)
      return member;
    resolved[key] = std::move(*member);
  }
  return resolved;
}

std::expected<Json, std::string> ReferenceResolver::inline_reference(const Json& object,
                                                                     const Json& name) {
  if (!name.is_string())
    return std::unexpected("has a $ref that is not the name of an $evaluators entry");
  const std::string& evaluator_name = name.get_ref<const std::string&>();
  const auto evaluator = evaluators_.find(evaluator_name);
  if (evaluator == evaluators_.end()) {
    return std::unexpected(fmt::format("$ref {} names no $evaluators entry ({})",
                                       json_quoted(evaluator_name), known_names()));
  }
  if (std::find(active_.begin(), active_.end(), evaluator_name) != active_.end()) {
    std::string cycle;
    for (const std::string& step : active_)
      cycle += json_quoted(step) + " -> ";
    return std::unexpected(fmt::format("$ref {} refers back to itself ({}{})",
                                       json_quoted(evaluator_name), cycle,
                                       json_quoted(evaluator_name)));
  }
  active_.push_back(evaluator_name);
  auto body = resolve(*evaluator);
  active_.pop_back();
  if (!body)
    return body;
  for (const auto& [key, value] : object.items()) {
    if (key == "$ref")
      continue;
    if (body->contains(key)) {
      return std::unexpected(fmt::format("$ref {} brings key {} that its object already has",
                                         json_quoted(evaluator_name), json_quoted(key)));
    }
    auto member = resolve(value);
    if (!member)
      return member;
    (*body)[key] = std::move(*member);
  }
  return body;
}

std::string ReferenceResolver::known_names() const {
  if (evaluators_.empty())
    return "there is none";
  std::string names;
  for (const auto& [key, value] : evaluators_.items())
    names += (names.empty() ? "" : ", ") + key;
  return names;
}

}  // namespace cutover::flags
