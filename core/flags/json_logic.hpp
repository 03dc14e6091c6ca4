#pragma once
// JsonLogic (jsonlogic.com), the rule language of flagd's `targeting`, answering as the Go
// library flagd runs it with, github.com/diegoholiveira/jsonlogic/v3 v3.9.1 (its value rules
// are in go_jsonlogic_value.hpp, its evaluation core in json_logic_interpreter.hpp).
//
// Operations: var (dotted paths, a default), missing, missing_some, if and ?:, ==, ===, !=,
// !==, !, !!, or, and, >, >=, <, <= (all four also as 3-argument "between"), max, min, +, -,
// *, /, %, abs, map, filter, reduce, all, none, some, merge, in, cat, substr, set,
// contains_all, contains_any, contains_none. No `log` (the Go library has none). More are
// added with `add_operation` (flagd's are in flagd_operations.hpp).
//
// A rule is a JSON value: an object with exactly one key is an operation applied to its
// arguments, an object with more keys is itself, an array is evaluated element by element,
// anything else is a literal. Numbers of the rule and the data are float64, as Go decodes
// them. Where the library panics (a type assertion: `{"+": [1, null]}`, `{"cat": [true]}`,
// `{"in": [1, "a1"]}`; an index out of range: `{"substr": ["abc"]}`), `apply` returns an
// invalid_arguments error, which flagd answers with PARSE_ERROR.

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
    invalid_arguments,  // where the Go library panics (e.g. `+` of null)
    limit_exceeded,     // nesting or work past JsonLogicLimits
  };
  Kind kind = Kind::unknown_operation;
  std::string message;
};

using JsonLogicResult = std::expected<Json, JsonLogicError>;

/// An added operation: its evaluated arguments (a lone argument that is not an array arrives as
/// one), and the data in scope (the element inside map, filter, all, none and some;
/// {"current", "accumulator", "valueType"} inside reduce).
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

  /// Evaluates `rule` against `data`. Never throws: an unknown operation, a panic of the Go
  /// library, or a rule or data past the limits comes back as a JsonLogicError.
  [[nodiscard]] JsonLogicResult apply(const Json& rule, const Json& data) const;

 private:
  JsonLogicLimits limits_;
  std::map<std::string, JsonLogicOperation, std::less<>> operations_;  // the added ones
};

/// How deeply `value` nests (0 for a scalar, 1 for [] or {}), counted without recursion, so
/// that input can be checked before anything recursive (copying, comparing) touches it.
int nesting_depth(const Json& value);

}  // namespace cutover::flags
