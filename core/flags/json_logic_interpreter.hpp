#pragma once
// The evaluation core of the Go JsonLogic library (jsonlogic.go), shared by the standard
// operations: an operation receives its arguments as written (`values`) and the data in scope,
// and evaluates what it needs with `parse_values`, `apply` and `solve_vars`, as the Go
// functions do. Failures throw go::Panic; JsonLogic::apply catches them. Internal to
// core/flags.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "flags/json_logic.hpp"

namespace cutover::flags {

class Interpreter;

/// A standard operation: `values` unevaluated (a lone argument need not be an array).
using StandardOperation = Json (*)(Interpreter& interpreter, const Json& values, const Json& data);

class Interpreter {
 public:
  using AddedOperations = std::map<std::string, JsonLogicOperation, std::less<>>;

  Interpreter(const AddedOperations& added, const JsonLogicLimits& limits);

  /// parseValues: null and scalars as they are; an object is applied; an array has each
  /// element parsed.
  Json parse_values(const Json& values, const Json& data);

  /// apply: a one-key object is an operation (unknown: a panic), an object with more keys is
  /// itself, {} is {}. Panics when `rule` is no object (Go's type assertion).
  Json apply(const Json& rule, const Json& data);

  /// solveVars: every {"var": PATH} in `values` that finds a non-null value in `data` is
  /// replaced by it ("" and paths starting with "." are kept).
  Json solve_vars(const Json& values, const Json& data);

  /// Spends the size of `value` from the work budget; panics (limit_exceeded) once spent.
  void charge(const Json& value);

 private:
  Json operation(std::string_view name, const Json& values, const Json& data);
  void spend(std::size_t units);
  void enter();

  struct Depth;

  const AddedOperations& added_;
  const JsonLogicLimits& limits_;
  std::size_t work_left_;
  int depth_ = 0;
};

/// vars.go getVar: `{"var": values}` against `data` (defined in standard_operations.cpp).
Json get_var(Interpreter& interpreter, const Json& values, const Json& data);

}  // namespace cutover::flags
