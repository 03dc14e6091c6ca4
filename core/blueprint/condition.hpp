#pragma once
// The `when:` conditions of a blueprint's `files[]` rules.
//
// Grammar (EBNF; whitespace separates tokens and is otherwise ignored):
//
//     condition  = or_expr ;
//     or_expr    = and_expr , { "||" , and_expr } ;
//     and_expr   = unary , { "&&" , unary } ;
//     unary      = "!" , unary | primary ;
//     primary    = "(" , or_expr , ")" | IDENT , [ ( "==" | "!=" ) , literal ] ;
//     literal    = "'" , { any character but "'" } , "'" | '"' , { any but '"' } , '"' ;
//     IDENT      = letter or "_" , { letter | digit | "_" | "-" } ;
//
// `IDENT` alone is the parameter's truth (value_truthy: a true bool, a non-empty string, a
// non-zero int); `==`/`!=` compare the parameter's text (value_text) with the literal.
//
// Why not core/analysis/expression (the successCondition language): it knows one variable,
// `result`, a number vector, and has no strings or identifiers; adding both would have changed
// the type checking of every gate. This grammar is a strict, much smaller language, and knowing
// the identifiers at parse time lets the manifest parser refuse unknown parameters.

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "blueprint/value.hpp"

namespace cutover::blueprint {

/// Why a condition did not parse: a sentence naming the byte offset.
struct ConditionError {
  std::size_t position = 0;
  std::string message;
};

/// A parsed condition. Immutable and copyable.
///
/// **Example**:
///
///     auto when = Condition::parse("ingress && tier == 'critical'");
///     when->evaluate({{"ingress", true}, {"tier", std::string("critical")}});  // true
class Condition {
 public:
  static constexpr std::size_t max_source_length = 1024;
  static constexpr int max_nesting = 32;

  /// Parses `source`; never throws.
  static std::expected<Condition, ConditionError> parse(std::string_view source);

  /// The parameter names the condition reads, in order of first use.
  [[nodiscard]] const std::vector<std::string>& identifiers() const { return identifiers_; }

  /// Evaluates against `answers`. A name missing from `answers` counts as false / empty (the
  /// manifest parser has already refused names that are not parameters).
  [[nodiscard]] bool evaluate(const Answers& answers) const;

  [[nodiscard]] const std::string& source() const { return source_; }

  // The tree, stored flat; public only for the parser in the .cpp.
  enum class Op : std::uint8_t { truthy, equal, not_equal, negate, logical_and, logical_or };
  struct Node {
    Op op = Op::truthy;
    std::string name;     // truthy, equal, not_equal
    std::string literal;  // equal, not_equal
    int left = -1;
    int right = -1;
  };

 private:
  friend class ConditionParser;
  [[nodiscard]] bool evaluate_at(int node, const Answers& answers) const;

  std::string source_;
  std::vector<Node> nodes_;
  std::vector<std::string> identifiers_;
  int root_ = -1;
};

}  // namespace cutover::blueprint
