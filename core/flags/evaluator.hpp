#pragma once
// Evaluates one flag of a FlagSet for one evaluation context, as flagd does (its evaluator,
// core/pkg/evaluator/json.go, and the flagd-testbed evaluator suite):
//
// - no such flag: reason ERROR, FLAG_NOT_FOUND;
// - DISABLED: reason DISABLED, no value, no variant (the caller serves its code default);
// - no targeting, or {}: the default variant, reason STATIC;
// - targeting: evaluated with the context plus `$flagd.flagKey` and `$flagd.timestamp`
//   (`targetingKey` is read from the context). Its result names the variant by its
//   encoding/json text with every '"' removed ("true", "1", "1e+21", "[a,1]", "a\u003cb" for
//   "a<b"). Null means the default variant (reason DEFAULT); a variant name gives
//   TARGETING_MATCH; a name that is no variant is reason ERROR, GENERAL (flagd logs "invalid
//   or missing variant"); a rule flagd's JsonLogic cannot run (an unknown operation, a panic
//   of the Go library such as `{"+": [1, null]}`, a NaN result) is reason ERROR, PARSE_ERROR;
// - a null or absent defaultVariant: wherever the default variant would be served there is
//   no value and no variant, reason DEFAULT (the caller's code default);
// - a value of another type than the caller asked for: reason ERROR, TYPE_MISMATCH.
//
// TARGETING_KEY_MISSING is listed for OpenFeature's sake; flagd never returns it (a
// `fractional` without a bucketing key yields null, so the default variant).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flags/flag_definition.hpp"

namespace cutover::flags {

enum class Reason : std::uint8_t { static_value, default_value, targeting_match, disabled, error };

enum class ErrorCode : std::uint8_t {
  none,
  flag_not_found,
  parse_error,
  type_mismatch,
  targeting_key_missing,
  general,
};

/// The type a caller asks for. `integer` and `number` both accept any JSON number (flagd
/// checks the type, not integrality).
enum class ValueType : std::uint8_t { any, boolean, string, integer, number, object };

struct EvaluationResult {
  std::optional<Json> value;           // nullopt: serve the caller's code default
  std::optional<std::string> variant;  // the variant served, if any
  Reason reason = Reason::error;
  ErrorCode error_code = ErrorCode::none;
  std::string error_message;       // a sentence naming the flag, for logs; empty on success
  Json metadata = Json::object();  // the flag set's metadata, overridden by the flag's
};

/// OpenFeature's spellings: "STATIC", "DEFAULT", "TARGETING_MATCH", "DISABLED", "ERROR";
/// "", "FLAG_NOT_FOUND", "PARSE_ERROR", "TYPE_MISMATCH", "TARGETING_KEY_MISSING", "GENERAL".
std::string_view to_string(Reason reason);
std::string_view to_string(ErrorCode code);

/// Evaluates `flag_key` for `context` (a JSON object, or null for none) at `now_unix_seconds`
/// (`$flagd.timestamp`; injected so that evaluations replay). Never throws; pure, so any
/// number of threads may evaluate one FlagSet.
///
/// **Example**:
///
///     auto flags = parse_flag_definition(text);
///     const auto now = std::chrono::duration_cast<std::chrono::seconds>(
///         clock.wall_now().time_since_epoch()).count();
///     auto result = evaluate_flag(*flags, "new-checkout", {{"targetingKey", "user-7"}}, now,
///                                 ValueType::boolean);
///     bool enabled = result.value ? result.value->get<bool>() : false;  // false: code default
EvaluationResult evaluate_flag(const FlagSet& flags, std::string_view flag_key, const Json& context,
                               std::int64_t now_unix_seconds, ValueType expected = ValueType::any);

}  // namespace cutover::flags
