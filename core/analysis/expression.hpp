#pragma once

// The condition language of the threshold judge: Argo Rollouts style `successCondition` and
// `failureCondition` strings, evaluated against the result of one metric query.
//
// Grammar (EBNF; whitespace separates tokens and is otherwise ignored):
//
//     condition  = or_expr ;
//     or_expr    = and_expr , { ( "||" | "or" ) , and_expr } ;
//     and_expr   = not_expr , { ( "&&" | "and" ) , not_expr } ;
//     not_expr   = ( "!" | "not" ) , not_expr | comparison ;
//     comparison = sum , [ ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) , sum ] ;
//     sum        = product , { ( "+" | "-" ) , product } ;
//     product    = unary , { ( "*" | "/" ) , unary } ;
//     unary      = "-" , unary | primary ;
//     primary    = number | "true" | "false" | result | call | "(" , or_expr , ")" ;
//     result     = "result" , [ "[" , integer , "]" ] ;
//     call       = "len" , "(" , "result" , ")"
//                | ( "isNaN" | "isInf" | "abs" ) , "(" , or_expr , ")"
//                | ( "min" | "max" ) , "(" , or_expr , "," , or_expr , ")" ;
//     number     = digits , [ "." , [ digits ] ] , [ exponent ] | "." , digits , [ exponent ] ;
//     exponent   = ( "e" | "E" ) , [ "+" | "-" ] , digits ;
//     integer    = digits ;
//
// Types are checked when parsing: `result`, numbers, arithmetic, `len`, `abs`, `min` and `max`
// are numbers; `true`, `false`, comparisons, `isNaN`, `isInf`, `!`, `&&` and `||` are booleans.
// A condition must be a boolean, `==` and `!=` compare two numbers or two booleans, the other
// comparisons compare numbers only, and comparisons do not chain (`1 < result < 2` is refused:
// write `1 < result && result < 2`).
//
// Semantics:
// - `result` is `result[0]`. An index past the end, or `result` when the query returned no
//   data, is an evaluation error (never a silent 0); `len(result)` is how a condition asks
//   whether there is data, and `&&`/`||` short-circuit, so `len(result) == 0 || result[0] < 1`
//   is safe.
// - Arithmetic is IEEE 754 double arithmetic: `x / 0` is an infinity or NaN, not an error.
// - `<`, `<=`, `>`, `>=` and `==` are false when either side is NaN; `!=` is then true, as
//   IEEE 754 specifies. `min` and `max` return NaN when either argument is NaN.
// - Numbers are read without the locale (`1.5` everywhere).
//
// Why hand-written: we evaluated muparser and rejected it. It cannot index a vector
// (`result[1]`), its number parsing follows the C locale, and it keeps global state; a small
// recursive-descent parser is shorter than the glue would have been, and it reports the byte
// offset of every error.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::analysis {

/// Why a condition did not parse. `position` is the 0-based byte offset in the source;
/// `message` is a complete sentence that names the position, e.g. "expected ')' at 14, found
/// end of condition".
struct ExpressionError {
  std::size_t position = 0;
  std::string message;
};

/// A parsed condition. Immutable, copyable, thread-safe to evaluate concurrently.
///
/// **Example**:
///
///     auto condition = Expression::parse("result[0] >= 0.99 && result[1] < 250");
///     if (!condition) { report(condition.error().message); }
///     const double values[] = {0.995, 180};
///     condition->evaluate(values);  // true
class Expression {
 public:
  /// Longest accepted source, in bytes.
  static constexpr std::size_t max_source_length = 4096;
  /// Deepest accepted nesting of parentheses, unary operators and calls.
  static constexpr int max_nesting = 64;

  /// Parses `source`. Never throws; every malformed input comes back as an `ExpressionError`.
  static std::expected<Expression, ExpressionError> parse(std::string_view source);

  /// Evaluates against one query result: a scalar is a 1-element span, a vector has one
  /// element per series. Errors (an index out of range, `result` used when it is empty) are
  /// returned as a message that names the offending part of the condition.
  std::expected<bool, std::string> evaluate(std::span<const double> result) const;

  /// The text this was parsed from.
  const std::string& source() const { return source_; }

  // The syntax tree, stored flat (children are indices into nodes_) so that copying is a
  // vector copy. Public only so the .cpp's helpers can build it; not part of the contract.
  enum class Op : std::uint8_t {
    number,
    boolean,
    result_at,
    len,
    is_nan,
    is_inf,
    abs,
    min,
    max,
    negate,
    logical_not,
    add,
    subtract,
    multiply,
    divide,
    less,
    less_equal,
    greater,
    greater_equal,
    equal,
    not_equal,
    logical_and,
    logical_or
  };
  struct Node {
    Op op = Op::number;
    bool is_boolean = false;   // the node's static type; false means number
    double number = 0;         // the literal of Op::number, 1/0 for Op::boolean
    std::size_t index = 0;     // the index of Op::result_at
    std::size_t position = 0;  // where the node starts in source_
    int left = -1;
    int right = -1;
  };

 private:
  friend class ExpressionParser;
  std::expected<double, std::string> number_at(int node, std::span<const double> result) const;
  std::expected<bool, std::string> boolean_at(int node, std::span<const double> result) const;

  std::string source_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace cutover::analysis
