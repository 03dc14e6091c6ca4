#include "flags/flagd_operations.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "flags/fractional.hpp"
#include "flags/go_jsonlogic_value.hpp"
#include "flags/semantic_version.hpp"

namespace cutover::flags {

namespace {

std::optional<SemanticVersion> version_of(const Json& value) {
  if (value.is_string())
    return SemanticVersion::parse(value.get_ref<const std::string&>());
  if (value.is_number())
    return SemanticVersion::parse(go::format_v(value.get<double>()));  // ensureString: %v
  return std::nullopt;
}

// Whether `a OPERATOR b` holds; nullopt for an operator sem_ver does not know.
std::optional<bool> holds(const SemanticVersion& a, std::string_view op, const SemanticVersion& b) {
  const int order = compare(a, b);
  if (op == "=")
    return order == 0;
  if (op == "!=")
    return order != 0;
  if (op == "<")
    return order < 0;
  if (op == "<=")
    return order <= 0;
  if (op == ">")
    return order > 0;
  if (op == ">=")
    return order >= 0;
  if (op == "^")
    return same_major(a, b);
  if (op == "~")
    return same_minor(a, b);
  return std::nullopt;
}

// starts_with and ends_with: two strings, or null.
JsonLogicResult compare_strings(std::span<const Json> arguments,
                                bool (*test)(std::string_view text, std::string_view affix)) {
  if (arguments.size() != 2 || !arguments[0].is_string() || !arguments[1].is_string())
    return Json();
  return test(arguments[0].get_ref<const std::string&>(),
              arguments[1].get_ref<const std::string&>());
}

}  // namespace

JsonLogicResult sem_ver(std::span<const Json> arguments, const Json& /*data*/) {
  if (arguments.size() != 3 || !arguments[1].is_string())
    return Json();
  const auto actual = version_of(arguments[0]);
  const auto target = version_of(arguments[2]);
  if (!actual || !target)
    return Json();
  const auto result = holds(*actual, arguments[1].get_ref<const std::string&>(), *target);
  return result ? Json(*result) : Json();
}

JsonLogicResult starts_with(std::span<const Json> arguments, const Json& /*data*/) {
  return compare_strings(arguments, [](std::string_view text, std::string_view prefix) {
    return text.starts_with(prefix);
  });
}

JsonLogicResult ends_with(std::span<const Json> arguments, const Json& /*data*/) {
  return compare_strings(arguments, [](std::string_view text, std::string_view suffix) {
    return text.ends_with(suffix);
  });
}

const JsonLogic& flagd_json_logic() {
  static const JsonLogic logic = [] {
    JsonLogic built;
    built.add_operation("fractional", fractional);
    built.add_operation("sem_ver", sem_ver);
    built.add_operation("starts_with", starts_with);
    built.add_operation("ends_with", ends_with);
    return built;
  }();
  return logic;
}

}  // namespace cutover::flags
