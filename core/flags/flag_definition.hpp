#pragma once
// flagd's flag definition format (flagd.dev/reference/flag-definitions), parsed and checked:
//
//     {"flags": {"<key>": {"state": "ENABLED" | "DISABLED",
//                          "variants": {"<name>": <value>, ...},
//                          "defaultVariant": "<name>" | "" | null,   (optional; "" and null
//                                                                   mean the code default)
//                          "targeting": {<JsonLogic>},           (optional, may be {})
//                          "metadata": {"<name>": <string | number | boolean>, ...}}},
//      "$evaluators": {"<name>": {<JsonLogic>}, ...},
//      "metadata": {...}}
//
// What is refused, with the flag, the field and the fix named: text that is not JSON (or nests
// deeper than 64 levels), a missing or unknown `state`, missing or empty `variants`, variants
// of mixed types (a flag's variants are all booleans, all strings, all numbers or all
// objects), a `defaultVariant` that names no variant, a `targeting` that is not an object,
// metadata values that are not strings, numbers or booleans, and `$ref`s that name no
// `$evaluators` entry, form a cycle, or expand past a million JSON nodes.
//
// `$ref`: flagd replaces the text `"$ref": "NAME"` by the body of `$evaluators.NAME` before it
// parses the flags. The same is done here on the parsed JSON: {"$ref": "NAME", ...} becomes
// the evaluator's members plus the object's other members. Unlike flagd, an evaluator may use
// `$ref` itself (resolved depth-first, whatever the order of `$evaluators`), and `$ref` is
// resolved in `targeting` only (flagd would also rewrite a variant value spelling one).
// Unknown top-level and flag members (`$schema`, ...) are ignored, as flagd ignores them.

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "flags/json_logic.hpp"

namespace cutover::flags {

using Json = nlohmann::json;

enum class FlagState : std::uint8_t { enabled, disabled };

/// The one type every variant of a flag has.
enum class VariantType : std::uint8_t { boolean, string, number, object };

struct Flag {
  std::string key;
  FlagState state = FlagState::enabled;
  VariantType type = VariantType::boolean;
  Json variants = Json::object();  // name -> value; at least one; all of `type`
  /// A variant name; nullopt when the definition leaves the value to the caller's code.
  std::optional<std::string> default_variant;
  /// JsonLogic with every $ref resolved; null when absent. {} means "no targeting" too.
  Json targeting;
  Json metadata = Json::object();
};

struct FlagSet {
  std::map<std::string, Flag, std::less<>> flags;
  Json metadata = Json::object();  // the flag set's; a flag's own metadata overrides it
};

/// A definition error, for a person: which flag (none for document-level errors), which
/// field, what is wrong and what to do.
struct FlagDefinitionError {
  std::string flag_key;  // empty when the error is not about one flag
  std::string field;     // e.g. "defaultVariant", "variants.on", "$evaluators.beta"
  std::string message;   // reads after the field: `"blue" is not one of its variants (on, off)`
  std::string fix;       // e.g. "name one of them or remove defaultVariant"

  /// `flag "new-checkout": defaultVariant "blue" is not one of its variants (on, off): name
  /// one of them or remove defaultVariant`; document-level errors start `flag definition:`.
  [[nodiscard]] std::string describe() const;
};

/// The deepest nesting of arrays and objects a definition may have.
inline constexpr int max_definition_depth = 64;

/// Parses a definition document (JSON text). Never throws.
std::expected<FlagSet, FlagDefinitionError> parse_flag_definition(std::string_view text);

/// The same, for a document already parsed (from YAML, from a ConfigMap, ...).
std::expected<FlagSet, FlagDefinitionError> parse_flag_definition(const Json& document);

}  // namespace cutover::flags
