#include "flags/evaluator.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "flags/flagd_operations.hpp"
#include "flags/go_jsonlogic_value.hpp"

namespace cutover::flags {

namespace {

std::string json_quoted(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A value for a message: its JSON, cut short.
std::string shown(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 80)
    text = text.substr(0, 77) + "...";
  return text;
}

std::string variant_names(const Json& variants) {
  std::string names;
  for (const auto& [name, value] : variants.items())
    names += (names.empty() ? "" : ", ") + name;
  return names;
}

EvaluationResult failure(ErrorCode code, std::string message, Json metadata) {
  EvaluationResult result;
  result.reason = Reason::error;
  result.error_code = code;
  result.error_message = std::move(message);
  result.metadata = std::move(metadata);
  return result;
}

EvaluationResult serve(const Flag& flag, const std::string& variant, Reason reason, Json metadata) {
  const auto value = flag.variants.find(variant);
  if (value == flag.variants.end()) {  // only a FlagSet built by hand can get here
    return failure(
        ErrorCode::general,
        fmt::format("flag {}: variant {} is not one of its variants ({})", json_quoted(flag.key),
                    json_quoted(variant), variant_names(flag.variants)),
        std::move(metadata));
  }
  EvaluationResult result;
  result.value = *value;
  result.variant = variant;
  result.reason = reason;
  result.metadata = std::move(metadata);
  return result;
}

// The default variant with `reason`, or, when the definition has none, no value and reason
// DEFAULT: the caller's code default.
EvaluationResult serve_default(const Flag& flag, Reason reason, Json metadata) {
  if (flag.default_variant)
    return serve(flag, *flag.default_variant, reason, std::move(metadata));
  EvaluationResult result;
  result.reason = Reason::default_value;
  result.metadata = std::move(metadata);
  return result;
}

// The variant a targeting result names, as flagd derives it: the result as encoding/json
// writes it, with every '"' removed (true is "true", 1 is "1", "a<b" is "a\u003cb", ["x"] is
// "[x]"). nullopt when Go cannot encode it (NaN, infinities): jsonlogic.Apply then fails.
std::optional<std::string> variant_name(const Json& outcome) {
  auto text = go::encode_json(outcome);
  if (text)
    std::erase(*text, '"');
  return text;
}

Json targeting_data(const Json& context, const std::string& flag_key, std::int64_t now) {
  Json data = context.is_object() ? context : Json::object();
  // flagd overwrites whatever the caller put under $flagd.
  data["$flagd"] = {{"flagKey", flag_key}, {"timestamp", now}};
  return data;
}

EvaluationResult run_targeting(const Flag& flag, const Json& context, std::int64_t now,
                               Json metadata) {
  if (!context.is_null() && !context.is_object()) {
    return failure(
        ErrorCode::general,
        fmt::format("flag {}: the evaluation context is not a JSON object", json_quoted(flag.key)),
        std::move(metadata));
  }
  if (nesting_depth(context) > max_definition_depth) {
    return failure(ErrorCode::general,
                   fmt::format("flag {}: the evaluation context nests deeper than {} levels",
                               json_quoted(flag.key), max_definition_depth),
                   std::move(metadata));
  }
  const auto outcome =
      flagd_json_logic().apply(flag.targeting, targeting_data(context, flag.key, now));
  if (!outcome) {
    const bool unrunnable = outcome.error().kind != JsonLogicError::Kind::limit_exceeded;
    return failure(unrunnable ? ErrorCode::parse_error : ErrorCode::general,
                   fmt::format("flag {}: targeting failed: {}", json_quoted(flag.key),
                               outcome.error().message),
                   std::move(metadata));
  }
  if (outcome->is_null())
    return serve_default(flag, Reason::default_value, std::move(metadata));
  const auto name = variant_name(*outcome);
  if (!name) {
    return failure(ErrorCode::parse_error,
                   fmt::format("flag {}: targeting returned {}, which JSON cannot encode",
                               json_quoted(flag.key), shown(*outcome)),
                   std::move(metadata));
  }
  if (!flag.variants.contains(*name)) {
    return failure(
        ErrorCode::general,
        fmt::format("flag {}: targeting returned {}, which is not one of its variants "
                    "({})",
                    json_quoted(flag.key), shown(*outcome), variant_names(flag.variants)),
        std::move(metadata));
  }
  return serve(flag, *name, Reason::targeting_match, std::move(metadata));
}

bool has_type(const Json& value, ValueType expected) {
  switch (expected) {
    case ValueType::any:
      return true;
    case ValueType::boolean:
      return value.is_boolean();
    case ValueType::string:
      return value.is_string();
    case ValueType::integer:
    case ValueType::number:
      return value.is_number();
    case ValueType::object:
      return value.is_object();
  }
  return false;
}

std::string_view to_string(ValueType type) {
  switch (type) {
    case ValueType::boolean:
      return "boolean";
    case ValueType::string:
      return "string";
    case ValueType::integer:
      return "integer";
    case ValueType::number:
      return "number";
    case ValueType::object:
      return "object";
    default:
      return "value";
  }
}

}  // namespace

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::static_value:
      return "STATIC";
    case Reason::default_value:
      return "DEFAULT";
    case Reason::targeting_match:
      return "TARGETING_MATCH";
    case Reason::disabled:
      return "DISABLED";
    case Reason::error:
      return "ERROR";
  }
  return "ERROR";
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::none:
      return "";
    case ErrorCode::flag_not_found:
      return "FLAG_NOT_FOUND";
    case ErrorCode::parse_error:
      return "PARSE_ERROR";
    case ErrorCode::type_mismatch:
      return "TYPE_MISMATCH";
    case ErrorCode::targeting_key_missing:
      return "TARGETING_KEY_MISSING";
    case ErrorCode::general:
      return "GENERAL";
  }
  return "GENERAL";
}

EvaluationResult evaluate_flag(const FlagSet& flags, std::string_view flag_key, const Json& context,
                               std::int64_t now_unix_seconds, ValueType expected) {
  const auto found = flags.flags.find(flag_key);
  if (found == flags.flags.end()) {
    return failure(ErrorCode::flag_not_found,
                   fmt::format("flag {} is not defined", json_quoted(flag_key)), flags.metadata);
  }
  const Flag& flag = found->second;
  Json metadata = flags.metadata.is_object() ? flags.metadata : Json::object();
  if (flag.metadata.is_object())
    metadata.update(flag.metadata);
  if (flag.state == FlagState::disabled) {
    EvaluationResult result;
    result.reason = Reason::disabled;
    result.metadata = std::move(metadata);
    return result;
  }
  const bool has_targeting =
      !flag.targeting.is_null() && !(flag.targeting.is_object() && flag.targeting.empty());
  EvaluationResult result =
      has_targeting ? run_targeting(flag, context, now_unix_seconds, std::move(metadata))
                    : serve_default(flag, Reason::static_value, std::move(metadata));
  if (result.value && !has_type(*result.value, expected)) {
    result.error_message =
        fmt::format("flag {}: variant {} is not a {}", json_quoted(flag.key),
                    json_quoted(result.variant.value_or("")), to_string(expected));
    result.value.reset();
    result.reason = Reason::error;
    result.error_code = ErrorCode::type_mismatch;
  }
  return result;
}

}  // namespace cutover::flags
