#include "flags/flag_definition.hpp"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "flags/reference_resolver.hpp"

namespace cutover::flags {

namespace {

using Result = std::expected<FlagSet, FlagDefinitionError>;
using Check = std::expected<void, FlagDefinitionError>;

std::string json_quoted(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// "a string", "an object", ...: what a value is, for messages.
std::string kind_of(const Json& value) {
  switch (value.type()) {
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "null";
  }
}

std::unexpected<FlagDefinitionError> error(std::string flag_key, std::string field,
                                           std::string message, std::string fix) {
  return std::unexpected(FlagDefinitionError{std::move(flag_key), std::move(field),
                                             std::move(message), std::move(fix)});
}

// Records nlohmann's syntax error (position and expectation) without exceptions.
class SyntaxErrorRecorder : public nlohmann::json_sax<Json> {
 public:
  std::string message;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    message = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 9: ..." -> from "parse".
    if (const auto bracket = message.find("] "); bracket != std::string::npos)
      message.erase(0, bracket + 2);
    return false;
  }
};

FlagDefinitionError syntax_error(std::string_view text) {
  SyntaxErrorRecorder recorder;
  Json::sax_parse(text, &recorder, Json::input_format_t::json, /*strict=*/true,
                  /*ignore_comments=*/false);
  return FlagDefinitionError{"", "", "is not valid JSON (" + recorder.message + ")",
                             "correct the JSON syntax"};
}

Check check_metadata(const Json& metadata, const std::string& flag_key, const std::string& field) {
  if (!metadata.is_object()) {
    return error(flag_key, field, "is " + kind_of(metadata) + ", not an object",
                 "write metadata as {\"name\": value}");
  }
  for (const auto& [name, value] : metadata.items()) {
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
      return error(flag_key, field + "." + name, "is " + kind_of(value),
                   "give metadata values as strings, numbers or booleans");
    }
  }
  return {};
}

std::optional<VariantType> variant_type_of(const Json& value) {
  if (value.is_boolean())
    return VariantType::boolean;
  if (value.is_string())
    return VariantType::string;
  if (value.is_number())
    return VariantType::number;
  if (value.is_object())
    return VariantType::object;
  return std::nullopt;
}

std::string variant_names(const Json& variants) {
  std::string names;
  for (const auto& [name, value] : variants.items())
    names += (names.empty() ? "" : ", ") + name;
  return names;
}

Check parse_state(const Json& object, Flag& flag) {
  const auto state = object.find("state");
  if (state == object.end() || state->is_null())
    return error(flag.key, "state", "is missing", "set state to ENABLED or DISABLED");
  if (*state == "ENABLED" || *state == "DISABLED") {
    flag.state = *state == "ENABLED" ? FlagState::enabled : FlagState::disabled;
    return {};
  }
  const std::string found =
      state->is_string() ? json_quoted(state->get<std::string>()) : kind_of(*state);
  return error(flag.key, "state", "is " + found + ", not ENABLED or DISABLED",
               "set state to ENABLED or DISABLED");
}

Check parse_variants(const Json& object, Flag& flag) {
  const auto variants = object.find("variants");
  const std::string fix = "list its variants, e.g. \"variants\": {\"on\": true, \"off\": false}";
  if (variants == object.end() || variants->is_null())
    return error(flag.key, "variants", "is missing", fix);
  if (!variants->is_object())
    return error(flag.key, "variants", "is " + kind_of(*variants) + ", not an object", fix);
  if (variants->empty())
    return error(flag.key, "variants", "is empty", fix);
  std::string first;
  for (const auto& [name, value] : variants->items()) {
    const std::string field = "variants." + name;
    if (name.empty())
      return error(flag.key, "variants", "has a variant with an empty name", "name it");
    const auto type = variant_type_of(value);
    if (!type) {
      return error(flag.key, field, "is " + kind_of(value),
                   "give it a boolean, string, number or object value");
    }
    if (first.empty()) {
      first = name;
      flag.type = *type;
    } else if (*type != flag.type) {
      return error(
          flag.key, field,
          "is " + kind_of(value) + ", but variants." + first + " is " + kind_of((*variants)[first]),
          "give every variant of a flag the same type (boolean, string, number or "
          "object)");
    }
  }
  flag.variants = *variants;
  return {};
}

Check parse_default_variant(const Json& object, Flag& flag) {
  const auto default_variant = object.find("defaultVariant");
  if (default_variant == object.end() || default_variant->is_null())
    return {};  // the caller's code default
  if (!default_variant->is_string()) {
    return error(flag.key, "defaultVariant", "is " + kind_of(*default_variant) + ", not a name",
                 "name one of its variants (" + variant_names(flag.variants) +
                     "), or null for the caller's default");
  }
  const std::string& name = default_variant->get_ref<const std::string&>();
  // "" is no default too, as flagd reads it: the FeatureFlag CRD (v1beta1) requires the field
  // as a string, so "" is how a FeatureFlag leaves the value to the caller's code.
  if (name.empty())
    return {};
  if (!flag.variants.contains(name)) {
    return error(
        flag.key, "defaultVariant",
        json_quoted(name) + " is not one of its variants (" + variant_names(flag.variants) + ")",
        "name one of them or remove defaultVariant");
  }
  flag.default_variant = name;
  return {};
}

Check parse_targeting(const Json& object, const Json& evaluators, Flag& flag) {
  const auto targeting = object.find("targeting");
  if (targeting == object.end() || targeting->is_null())
    return {};
  if (!targeting->is_object()) {
    return error(flag.key, "targeting", "is " + kind_of(*targeting) + ", not a JsonLogic object",
                 "write a rule such as {\"if\": [...]} or remove targeting");
  }
  ReferenceResolver resolver(evaluators);
  auto resolved = resolver.resolve(*targeting);
  if (!resolved) {
    return error(flag.key, "targeting", resolved.error(),
                 "define the evaluator under $evaluators or correct the $ref");
  }
  flag.targeting = std::move(*resolved);
  return {};
}

std::expected<Flag, FlagDefinitionError> parse_flag(const std::string& key, const Json& object,
                                                    const Json& evaluators) {
  Flag flag;
  flag.key = key;
  if (key.empty())
    return error("", "flags", "has a flag with an empty key", "give the flag a name");
  if (!object.is_object()) {
    return error(key, "definition", "is " + kind_of(object) + ", not an object",
                 "write the flag as {\"state\": ..., \"variants\": {...}}");
  }
  for (Check (*step)(const Json&, Flag&) : {parse_state, parse_variants, parse_default_variant}) {
    if (auto checked = step(object, flag); !checked)
      return std::unexpected(std::move(checked.error()));
  }
  if (auto checked = parse_targeting(object, evaluators, flag); !checked)
    return std::unexpected(std::move(checked.error()));
  if (const auto metadata = object.find("metadata");
      metadata != object.end() && !metadata->is_null()) {
    if (auto checked = check_metadata(*metadata, key, "metadata"); !checked)
      return std::unexpected(std::move(checked.error()));
    flag.metadata = *metadata;
  }
  return flag;
}

// `$evaluators`: an object of non-empty JsonLogic objects (flagd refuses an empty one).
std::expected<Json, FlagDefinitionError> parse_evaluators(const Json& document) {
  const auto evaluators = document.find("$evaluators");
  if (evaluators == document.end() || evaluators->is_null())
    return Json::object();
  if (!evaluators->is_object()) {
    return error("", "$evaluators", "is " + kind_of(*evaluators) + ", not an object",
                 "write $evaluators as {\"name\": {<JsonLogic>}}");
  }
  for (const auto& [name, rule] : evaluators->items()) {
    if (!rule.is_object() || rule.empty()) {
      return error("", "$evaluators." + name,
                   "is " + (rule.is_object() ? std::string("an empty object") : kind_of(rule)) +
                       ", not a JsonLogic rule",
                   "give it a rule such as {\"==\": [...]}, or remove it");
    }
  }
  return *evaluators;
}

}  // namespace

std::string FlagDefinitionError::describe() const {
  std::string text = flag_key.empty() && field.empty() ? "flag definition:"
                     : flag_key.empty()                ? "flag definition: " + field
                                        : "flag " + json_quoted(flag_key) + ": " + field;
  text += " " + message;
  if (!fix.empty())
    text += ": " + fix;
  return text;
}

std::expected<FlagSet, FlagDefinitionError> parse_flag_definition(std::string_view text) {
  const Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return std::unexpected(syntax_error(text));
  return parse_flag_definition(document);
}

std::expected<FlagSet, FlagDefinitionError> parse_flag_definition(const Json& document) {
  if (nesting_depth(document) > max_definition_depth) {
    return error("", "", fmt::format("nests deeper than {} levels", max_definition_depth),
                 "flatten the rules");
  }
  if (!document.is_object()) {
    return error("", "", "is " + kind_of(document) + ", not an object", "write {\"flags\": {...}}");
  }
  const auto evaluators = parse_evaluators(document);
  if (!evaluators)
    return std::unexpected(evaluators.error());
  const auto flags = document.find("flags");
  if (flags == document.end() || !flags->is_object()) {
    return error(
        "", "flags",
        flags == document.end() ? "is missing" : "is " + kind_of(*flags) + ", not an object",
        "put the flags under \"flags\": {\"my-flag\": {...}}");
  }
  FlagSet set;
  if (const auto metadata = document.find("metadata");
      metadata != document.end() && !metadata->is_null()) {
    if (auto checked = check_metadata(*metadata, "", "metadata"); !checked)
      return std::unexpected(std::move(checked.error()));
    set.metadata = *metadata;
  }
  for (const auto& [key, object] : flags->items()) {
    auto flag = parse_flag(key, object, *evaluators);
    if (!flag)
      return std::unexpected(std::move(flag.error()));
    set.flags.emplace(key, std::move(*flag));
  }
  return set;
}

}  // namespace cutover::flags
