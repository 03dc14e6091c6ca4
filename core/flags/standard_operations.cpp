#include "flags/standard_operations.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

#include "flags/js_value.hpp"

namespace cutover::flags {

namespace {

using Arguments = std::span<const Json>;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

const Json& null_json() {
  static const Json null;
  return null;
}

// The argument at `index`, or null where JavaScript would see undefined (null and undefined
// behave alike in every operation below that is not special-cased).
const Json& argument(Arguments arguments, std::size_t index) {
  return index < arguments.size() ? arguments[index] : null_json();
}

// JavaScript's `object[key]` for JSON: members of objects, elements of arrays by canonical
// index ("0", "12", not "01"). Anything else is undefined (nullptr).
const Json* property(const Json& object, std::string_view key) {
  if (object.is_object()) {
    const auto it = object.find(key);
    return it != object.end() ? &*it : nullptr;
  }
  if (!object.is_array() || key.empty() || (key.size() > 1 && key.front() == '0'))
    return nullptr;
  std::size_t index = 0;
  for (const char c : key) {
    if (c < '0' || c > '9' || index > object.size())
      return nullptr;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index < object.size() ? &object[index] : nullptr;
}

// What `{"var": key}` finds in `data`: the data itself for a null or empty key, nullptr when
// a step of the dotted path is missing or null (json-logic-js then returns the default).
const Json* find_path(const Json& data, const Json& key) {
  if (key.is_null() || (key.is_string() && key.get_ref<const std::string&>().empty()))
    return &data;
  const std::string path = js::to_string(key);
  const Json* current = &data;
  std::size_t start = 0;
  while (true) {
    if (current->is_null())
      return nullptr;
    const std::size_t dot = std::min(path.find('.', start), path.size());
    current = property(*current, std::string_view(path).substr(start, dot - start));
    if (current == nullptr || dot == path.size())
      return current;
    start = dot + 1;
  }
}

JsonLogicResult var(Arguments arguments, const Json& data) {
  const Json* found = find_path(data, argument(arguments, 0));
  return found != nullptr ? *found : argument(arguments, 1);
}

Json missing_keys(Arguments keys, const Json& data) {
  Json missing = Json::array();
  for (const Json& key : keys) {
    const Json* found = find_path(data, key);
    if (found == nullptr || found->is_null() ||
        (found->is_string() && found->get_ref<const std::string&>().empty()))
      missing.push_back(key);
  }
  return missing;
}

JsonLogicResult missing(Arguments arguments, const Json& data) {
  if (!arguments.empty() && arguments[0].is_array()) {
    const std::vector<Json> keys(arguments[0].begin(), arguments[0].end());
    return missing_keys(keys, data);
  }
  return missing_keys(arguments, data);
}

JsonLogicResult missing_some(Arguments arguments, const Json& data) {
  const Json& options = argument(arguments, 1);
  if (!options.is_array()) {
    return std::unexpected(JsonLogicError{JsonLogicError::Kind::invalid_arguments,
                                          "missing_some takes a count and an array of keys"});
  }
  const std::vector<Json> keys(options.begin(), options.end());
  Json missing = missing_keys(keys, data);
  const auto found = static_cast<double>(keys.size() - missing.size());
  return found >= js::to_number(argument(arguments, 0)) ? Json::array() : missing;
}

bool strictly_equal(Arguments arguments) {
  // undefined === undefined with no argument, x === undefined with one.
  if (arguments.size() < 2)
    return arguments.empty();
  return js::strict_equals(arguments[0], arguments[1]);
}

// `<` and `<=`: a third argument makes them "between" (a < b < c).
JsonLogicResult chain(Arguments arguments, bool (*compare)(const Json&, const Json&)) {
  if (arguments.size() < 2)
    return false;  // a comparison with undefined is false
  if (arguments.size() == 2)
    return compare(arguments[0], arguments[1]);
  return compare(arguments[0], arguments[1]) && compare(arguments[1], arguments[2]);
}

JsonLogicResult greater(Arguments arguments, bool (*compare)(const Json&, const Json&)) {
  return arguments.size() >= 2 && compare(arguments[1], arguments[0]);
}

JsonLogicResult plus(Arguments arguments, const Json&) {
  double sum = 0;
  for (const Json& value : arguments)
    sum += js::parse_float(value);
  return js::number(sum);
}

JsonLogicResult times(Arguments arguments, const Json&) {
  // Array.prototype.reduce without an initial value: it throws on no element and returns a
  // lone element as it is.
  if (arguments.empty()) {
    return std::unexpected(
        JsonLogicError{JsonLogicError::Kind::invalid_arguments, "* needs at least one argument"});
  }
  if (arguments.size() == 1)
    return arguments[0];
  double product = js::parse_float(arguments[0]);
  for (const Json& value : arguments.subspan(1))
    product *= js::parse_float(value);
  return js::number(product);
}

JsonLogicResult minus(Arguments arguments, const Json&) {
  if (arguments.size() < 2)
    return js::number(arguments.empty() ? nan : -js::to_number(arguments[0]));
  return js::number(js::to_number(arguments[0]) - js::to_number(arguments[1]));
}

JsonLogicResult divide(Arguments arguments, const Json&) {
  if (arguments.size() < 2)
    return js::number(nan);
  return js::number(js::to_number(arguments[0]) / js::to_number(arguments[1]));
}

JsonLogicResult modulo(Arguments arguments, const Json&) {
  if (arguments.size() < 2)
    return js::number(nan);
  // fmod keeps the dividend's sign, as JavaScript's % does.
  return js::number(std::fmod(js::to_number(arguments[0]), js::to_number(arguments[1])));
}

enum class Extreme { min, max };

// Math.min and Math.max: NaN if any argument is not a number, ±Infinity with none.
JsonLogicResult extreme(Arguments arguments, Extreme extreme) {
  double best = extreme == Extreme::max ? -infinity : infinity;
  for (const Json& value : arguments) {
    const double number = js::to_number(value);
    if (std::isnan(number))
      return js::number(nan);
    best = extreme == Extreme::max ? std::max(best, number) : std::min(best, number);
  }
  return js::number(best);
}

JsonLogicResult cat(Arguments arguments, const Json&) {
  std::string text;
  for (const Json& value : arguments)
    text += js::to_string(value);
  return text;
}

// The byte offset of each code point of valid UTF-8 `text`, and text.size() at the end.
std::vector<std::size_t> code_point_offsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
      offsets.push_back(i);
  }
  offsets.push_back(text.size());
  return offsets;
}

double to_integer_or_infinity(double number) {
  return std::isnan(number) ? 0 : std::trunc(number);
}

// String.prototype.substr(start, length), counting code points; a null `length` is
// undefined (to the end).
std::string substr(const std::string& text, double start, const Json* length) {
  const std::vector<std::size_t> offsets = code_point_offsets(text);
  const auto size = static_cast<double>(offsets.size() - 1);
  double first = to_integer_or_infinity(start);
  first = first < 0 ? std::max(size + first, 0.0) : std::min(first, size);
  const double count = length == nullptr
                           ? size
                           : std::clamp(to_integer_or_infinity(js::to_number(*length)), 0.0, size);
  const double last = std::min(first + count, size);
  if (first >= last)
    return {};
  const std::size_t from = offsets[static_cast<std::size_t>(first)];
  return text.substr(from, offsets[static_cast<std::size_t>(last)] - from);
}

JsonLogicResult substr_operation(Arguments arguments, const Json&) {
  const std::string source = arguments.empty() ? "undefined" : js::to_string(arguments[0]);
  const double start = arguments.size() > 1 ? js::to_number(arguments[1]) : 0;
  if (arguments.size() < 3)
    return substr(source, start, nullptr);
  // json-logic-js: a negative end counts from the end of the string.
  const Json& end = arguments[2];
  if (js::less_than(end, Json(0))) {
    const std::string tail = substr(source, start, nullptr);
    const Json keep =
        js::number(static_cast<double>(code_point_offsets(tail).size() - 1) + js::to_number(end));
    return substr(tail, 0, &keep);
  }
  return substr(source, start, &end);
}

JsonLogicResult in(Arguments arguments, const Json&) {
  const Json& needle = argument(arguments, 0);
  const Json& haystack = argument(arguments, 1);
  if (haystack.is_string()) {
    const auto& text = haystack.get_ref<const std::string&>();
    return !text.empty() && text.find(js::to_string(needle)) != std::string::npos;
  }
  if (haystack.is_array()) {
    return std::any_of(haystack.begin(), haystack.end(),
                       [&](const Json& element) { return js::strict_equals(needle, element); });
  }
  return false;
}

// [].concat(a, b, ...): arrays are flattened one level, anything else is appended.
JsonLogicResult merge(Arguments arguments, const Json&) {
  Json merged = Json::array();
  for (const Json& value : arguments) {
    if (value.is_array()) {
      for (const Json& element : value)
        merged.push_back(element);
    } else {
      merged.push_back(value);
    }
  }
  return merged;
}

}  // namespace

std::map<std::string, JsonLogicOperation, std::less<>> standard_operations() {
  using js::less_or_equal;
  using js::less_than;
  return {
      {"var", var},
      {"missing", missing},
      {"missing_some", missing_some},
      {"==",
       [](Arguments a, const Json&) -> JsonLogicResult {
         return js::loose_equals(argument(a, 0), argument(a, 1));
       }},
      {"!=",
       [](Arguments a, const Json&) -> JsonLogicResult {
         return !js::loose_equals(argument(a, 0), argument(a, 1));
       }},
      {"===", [](Arguments a, const Json&) -> JsonLogicResult { return strictly_equal(a); }},
      {"!==", [](Arguments a, const Json&) -> JsonLogicResult { return !strictly_equal(a); }},
      {"!",
       [](Arguments a, const Json&) -> JsonLogicResult { return !js::truthy(argument(a, 0)); }},
      {"!!",
       [](Arguments a, const Json&) -> JsonLogicResult { return js::truthy(argument(a, 0)); }},
      {"<", [](Arguments a, const Json&) { return chain(a, less_than); }},
      {"<=", [](Arguments a, const Json&) { return chain(a, less_or_equal); }},
      {">", [](Arguments a, const Json&) { return greater(a, less_than); }},
      {">=", [](Arguments a, const Json&) { return greater(a, less_or_equal); }},
      {"+", plus},
      {"-", minus},
      {"*", times},
      {"/", divide},
      {"%", modulo},
      {"min", [](Arguments a, const Json&) { return extreme(a, Extreme::min); }},
      {"max", [](Arguments a, const Json&) { return extreme(a, Extreme::max); }},
      {"cat", cat},
      {"substr", substr_operation},
      {"in", in},
      {"merge", merge},
      {"log", [](Arguments a, const Json&) -> JsonLogicResult { return argument(a, 0); }},
  };
}

}  // namespace cutover::flags
