#include "blueprint/value.hpp"

#include <fmt/format.h>

namespace cutover::blueprint {

std::string value_text(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value))
    return *text;
  if (const auto* number = std::get_if<long long>(&value))
    return fmt::format("{}", *number);
  return std::get<bool>(value) ? "true" : "false";
}

bool value_truthy(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value))
    return !text->empty();
  if (const auto* number = std::get_if<long long>(&value))
    return *number != 0;
  return std::get<bool>(value);
}

}  // namespace cutover::blueprint
