#pragma once
// JavaScript's conversions between JSON values, as the JsonLogic reference implementation
// (json-logic-js) inherits them: flagd's rules are written against it. Used by the JsonLogic
// operations only.
//
// Differences from JavaScript, all on values a flag rule never meets: strings compare and
// slice by Unicode code point (JavaScript: UTF-16 unit); two arrays or two objects are equal
// when their contents are (JavaScript: when they are the same object).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace cutover::flags::js {

using Json = nlohmann::json;

/// JsonLogic's truthiness: JavaScript's, except that an empty array is false.
bool truthy(const Json& value);

/// JavaScript's Number(value): null 0, booleans 0 and 1, strings parsed as numeric literals
/// ("" and blanks are 0, anything else NaN), arrays through their string form, objects NaN.
double to_number(const Json& value);

/// JavaScript's parseFloat(String(value)): the longest numeric prefix, NaN when there is none.
double parse_float(const Json& value);

/// JavaScript's String(value): "null", "true", numbers in their shortest round-trip form,
/// arrays joined with "," (null elements empty), objects "[object Object]".
std::string to_string(const Json& value);

/// JavaScript's Number.prototype.toString(): "1", "0.5", "1e+21", "NaN", "Infinity".
std::string number_to_string(double number);

/// `a == b`, `a === b`, `a < b` and `a <= b` with JavaScript's coercions.
bool loose_equals(const Json& a, const Json& b);
bool strict_equals(const Json& a, const Json& b);
bool less_than(const Json& a, const Json& b);
bool less_or_equal(const Json& a, const Json& b);

/// A JSON number holding `number` (NaN and infinities included; they dump as null).
Json number(double number);

}  // namespace cutover::flags::js
