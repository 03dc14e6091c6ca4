#pragma once
// JsonLogic (jsonlogic.com), the rule language of flagd's `targeting`, with the semantics of
// its reference implementation json-logic-js (JavaScript truthiness and coercions, see
// js_value.hpp).
//
// Operations: var (dotted paths, a default), missing, missing_some, if and ?:, ==, ===, !=,
// !==, !, !!, or, and, >, >=, <, <= (< and <= also as 3-argument "between"), max, min, +, -,
// *, /, %, map, filter, reduce, all, none, some, merge, in, cat, substr, and log (returns its
// argument; nothing is logged). More are added with `add_operation` (flagd's are in
// flagd_operations.hpp).
//
// A rule is a JSON value: an object with exactly one key is an operation applied to its
// arguments (a lone argument may skip its array), an array is evaluated element by element,
// anything else is a literal. Operations receive their arguments evaluated, except if, ?:,
// and, or (lazy, left to right) and map, filter, reduce, all, none, some (whose second
// argument is applied to each element, with the element as the data).
//
// Differences from json-logic-js, on rules no flag needs: all, some and none see a string
// subject as no elements (JavaScript walks its characters) and a null one as empty
// (JavaScript throws); `var` reads object members and array elements only (not "length").

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

namespace cutover::flags {

using Json = nlohmann::json;

/// Why a rule could not be evaluated. A complete sentence in `message`.
struct JsonLogicError {
  enum class Kind : std::uint8_t {
    unknown_operation,  // the rule names an operation nobody defined
    invalid_arguments,  // where json-logic-js would throw (e.g. `*` with no argument)
    limit_exceeded,     // nesting or work past JsonLogicLimits
  };
  Kind kind = Kind::unknown_operation;
  std::string message;
};

using JsonLogicResult = std::expected<Json, JsonLogicError>;

/// An operation: its evaluated arguments and the data in scope (the element inside map,
/// filter, all, none and some; {"current", "accumulator"} inside reduce).
using JsonLogicOperation =
    std::function<JsonLogicResult(std::span<const Json> arguments, const Json& data)>;

/// Bounds on one `apply`, so that no rule (a fuzzer's included) can exhaust the stack, the
/// memory or the CPU. A flag rule uses a few hundred units of work.
struct JsonLogicLimits {
  int max_depth = 64;                // nested operations, arrays and per-element rules
  int max_input_depth = 128;         // nesting of the rule and the data as given
  std::size_t max_work = 1'000'000;  // values produced, by JSON node, plus string bytes / 16
};

/// The standard operations plus those added. `apply` is const and keeps no state, so one
/// instance may serve any number of threads once its operations are added.
///
/// **Example**:
///
///     JsonLogic logic;
///     logic.apply(Json::parse(R"({"if": [{"<": [{"var": "age"}, 18]}, "minor", "adult"]})"),
///                 Json{{"age", 30}});  // "adult"
class JsonLogic {
 public:
  explicit JsonLogic(JsonLogicLimits limits = {});

  /// Adds (or replaces) the operation `name`.
  void add_operation(std::string name, JsonLogicOperation operation);

  /// Evaluates `rule` against `data`. Never throws: an unknown operation, an argument
  /// json-logic-js would throw on, or a rule or data past the limits comes back as a
  /// JsonLogicError.
  [[nodiscard]] JsonLogicResult apply(const Json& rule, const Json& data) const;

 private:
  JsonLogicLimits limits_;
  std::map<std::string, JsonLogicOperation, std::less<>> operations_;
};

/// How deeply `value` nests (0 for a scalar, 1 for [] or {}), counted without recursion, so
/// that input can be checked before anything recursive (copying, comparing) touches it.
int nesting_depth(const Json& value);

}  // namespace cutover::flags
