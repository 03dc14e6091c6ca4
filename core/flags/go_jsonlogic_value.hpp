#pragma once
// The value rules of github.com/diegoholiveira/jsonlogic/v3 v3.9.1, the Go JsonLogic library
// flagd evaluates targeting with: its internal/typing and internal/javascript packages, its
// comparisons (comp.go), and the encoding/json text flagd turns a result into. Used by the
// JsonLogic operations and the evaluator only.
//
// Values are JSON as Go decodes it: every number of the rule and the data is a float64 (a
// JSON float here, see `go_numbers`); a JSON integer stands for Go's `int`, which only `-`
// and `/` with no argument produce (it is a number, but not `===` to a float64).
//
// Where the library panics (a failed type assertion, an index out of range, comparing two
// slices) these functions throw `Panic`; JsonLogic::apply turns it into a JsonLogicError, as
// the library's `ApplyInterface` recovers into an error (flagd: PARSE_ERROR).
//
// Differences from Go, on values a flag rule never meets: ParseFloat's hexadecimal mantissas
// are rounded by the C++ library (Go rounds them exactly too; both are correctly rounded).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "flags/json_logic.hpp"

namespace cutover::flags::go {

/// A Go panic inside the library: the operation stops, the rule's result is an error.
class Panic : public std::runtime_error {
 public:
  explicit Panic(const std::string& what,
                 JsonLogicError::Kind kind = JsonLogicError::Kind::invalid_arguments)
      : std::runtime_error(what), kind_(kind) {}
  [[nodiscard]] JsonLogicError::Kind kind() const { return kind_; }

 private:
  JsonLogicError::Kind kind_;
};

/// `value` with every number made a float64 (a JSON float), as encoding/json decodes it.
Json go_numbers(Json value);

/// typing.IsNumber (float64 or int), typing.IsPrimitive (bool, string, number).
bool is_number(const Json& value);
bool is_primitive(const Json& value);

/// typing.IsTrue: true; numbers other than 0 (NaN too); non-empty strings, arrays, objects.
bool is_true(const Json& value);

/// typing.ToNumber: numbers; strings through ParseFloat, 0 when they do not parse (±Inf when
/// out of range). Panics on null, booleans, arrays and objects.
double to_number(const Json& value);

/// javascript.ToNumber, used by comparisons: null 0, booleans 0 and 1, blank strings 0, other
/// strings through ParseFloat (NaN when they do not parse), arrays and objects NaN.
double js_to_number(const Json& value);

/// typing.ToString: strings as they are, numbers by FormatFloat(f, 'f', -1), null "".
/// Panics on booleans, arrays and objects.
std::string to_string(const Json& value);

/// strconv.FormatFloat(number, 'f', -1, 64): "1", "0.5", "1000000000000000000000", "NaN",
/// "+Inf", "-Inf".
std::string format_float(double number);

/// fmt.Sprintf("%v", number), as flagd's sem_ver turns a number into a version: shortest
/// digits, exponent form below 1e-4 and from 1e6 on ("2", "1.2", "1e+06", "1e-05").
std::string format_v(double number);

/// strconv.ParseFloat(text, 64): nullopt on a syntax error; ±Inf and `out_of_range` when the
/// value overflows. Accepts what Go does: signs, "inf", "infinity", "nan", hexadecimal with a
/// 'p' exponent, underscores between digits; no surrounding blanks.
struct ParsedFloat {
  double value = 0;
  bool out_of_range = false;  // Go's ErrRange (javascript.ToNumber then answers NaN)
};
std::optional<ParsedFloat> parse_float(std::string_view text);

/// Go's int(number) on amd64: truncation, and the smallest int64 for NaN and anything out of
/// range.
long long to_int(double number);

/// strings.TrimSpace: Unicode white space (unicode.IsSpace) off both ends.
std::string trim_space(std::string_view text);

/// comp.go's `less` and `equals`: two strings compare by bytes; otherwise javascript.ToNumber
/// of both (so null < 1, "a" < 1 is false, NaN equals nothing). `equals`: null equals only
/// null.
bool less(const Json& a, const Json& b);
bool equals(const Json& a, const Json& b);

/// Whether Go's reflect.Kind of `a` and `b` is the same (=== compares nothing else first).
bool same_kind(const Json& a, const Json& b);

/// Go's `a == b` on two interface values: different types are unequal, same scalar types
/// compare by value; two arrays or two objects panic (uncomparable).
bool interface_equals(const Json& a, const Json& b);

/// What encoding/json's Encoder writes for `value` (no newline): HTML-safe string escapes
/// (\u003c for <), sorted object keys, floats as 'f' between 1e-6 and 1e21 and as
/// "1e+21"/"1e-7" outside. nullopt when a number is NaN or infinite (Go's
/// UnsupportedValueError).
std::optional<std::string> encode_json(const Json& value);

}  // namespace cutover::flags::go
