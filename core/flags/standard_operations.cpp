#include "flags/standard_operations.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "flags/go_jsonlogic_value.hpp"
#include "flags/go_slices.hpp"
#include "flags/utf8_runes.hpp"

namespace cutover::flags {

namespace {

using go::as_slice;
using go::at;

// --- logic.go -------------------------------------------------------------------------------

// _and / _or: the first value that settles the answer, else the last (null with none).
Json connective(Interpreter& interpreter, const Json& values, const Json& data, bool settles_on) {
  Json last;
  for (const Json& value : as_slice(values)) {
    last = interpreter.parse_values(value, data);
    if (go::is_true(last) == settles_on)
      return last;
  }
  return last;
}

// evaluateClause: a branch whose value is an object is applied once more, as a rule.
Json evaluate_clause(Interpreter& interpreter, const Json& clause, const Json& data) {
  Json parsed = interpreter.parse_values(clause, data);
  return parsed.is_object() ? interpreter.apply(parsed, data) : parsed;
}

// conditional (if, ?:): condition/branch pairs, then an optional else; null otherwise.
Json conditional(Interpreter& interpreter, const Json& values, const Json& data) {
  const auto& clauses = as_slice(values);
  const std::size_t length = clauses.size();
  for (std::size_t i = 0; i + 1 < length; i += 2) {
    if (go::is_true(interpreter.parse_values(clauses[i], data)))
      return evaluate_clause(interpreter, clauses[i + 1], data);
  }
  if (length % 2 == 1)
    return evaluate_clause(interpreter, clauses[length - 1], data);
  return nullptr;
}

// negative (!): the first element of a non-empty array, else the value itself ([] is false).
bool negative(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  if (parsed.is_array() && !parsed.empty())
    return !go::is_true(parsed[0]);
  return !go::is_true(parsed);
}

// --- comp.go --------------------------------------------------------------------------------

bool hard_equals(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  if (!parsed.is_array() || parsed.size() < 2)
    return false;
  const Json& a = parsed[0];
  const Json& b = parsed[1];
  if (a.is_null() || b.is_null())
    return a.is_null() && b.is_null();
  return go::same_kind(a, b) && go::equals(a, b);
}

bool less_or_equal(const Json& a, const Json& b) {
  return go::less(a, b) || go::equals(a, b);
}

enum class Direction { ascending, descending };

// isLessThan, isLessOrEqualThan, isGreaterThan, isGreaterOrEqualThan: false under two
// arguments; with three, the middle one is between the others; a fourth is ignored.
bool ordered(Interpreter& interpreter, const Json& values, const Json& data,
             bool (*holds)(const Json&, const Json&), Direction direction) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  if (arguments.size() < 2)
    return false;
  const Json& a = arguments[0];
  const Json& b = arguments[1];
  if (direction == Direction::ascending) {
    if (arguments.size() == 3)
      return holds(a, b) && holds(b, arguments[2]);
    return holds(a, b);
  }
  if (arguments.size() == 3)
    return holds(arguments[2], b) && holds(b, a);
  return holds(b, a);
}

bool is_equal(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  return arguments.size() >= 2 && go::equals(arguments[0], arguments[1]);
}

// --- math.go --------------------------------------------------------------------------------

Json sum(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  if (!parsed.is_array())
    return go::to_number(parsed);
  if (parsed.size() == 1)
    return go::to_number(parsed[0]);  // so "-0" stays -0 (0 + -0 is 0)
  double total = 0;
  for (const Json& value : parsed)
    total += go::to_number(value);
  return total;
}

Json minus(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  if (arguments.empty())
    return 0;  // Go's int 0, not float64
  if (arguments.size() == 1)
    return -1 * go::to_number(arguments[0]);
  double total = go::to_number(arguments[0]);
  for (std::size_t i = 1; i < arguments.size(); ++i)
    total -= go::to_number(arguments[i]);
  return total;
}

Json mult(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  double product = 1;
  for (const Json& value : as_slice(parsed))
    product *= go::to_number(value);
  return product;
}

Json div(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  if (arguments.empty())
    return 0;  // Go's int 0
  double quotient = go::to_number(arguments[0]);
  for (std::size_t i = 1; i < arguments.size(); ++i)
    quotient /= go::to_number(arguments[i]);
  return quotient;
}

Json mod(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  const double a = go::to_number(at(arguments, 0));
  const double b = go::to_number(at(arguments, 1));
  return std::fmod(a, b);  // math.Mod: the dividend's sign, NaN for b = 0
}

Json abs(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  if (parsed.is_array())
    return std::fabs(go::to_number(at(as_slice(parsed), 0)));
  return std::fabs(go::to_number(parsed));
}

enum class Extreme { min, max };

// min / max: null with no argument; a NaN first argument stays (NaN compares false).
Json extreme(Interpreter& interpreter, const Json& values, const Json& data, Extreme which) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  if (arguments.empty())
    return nullptr;
  double best = go::to_number(arguments[0]);
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const double number = go::to_number(arguments[i]);
    if (which == Extreme::max ? number > best : best > number)
      best = number;
  }
  return best;
}

// --- strings.go -----------------------------------------------------------------------------

Json substr(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  const std::string text = go::to_string(at(arguments, 0));
  const std::vector<go::Rune> runes = go::decode_runes(text);
  long long from = go::to_int(go::to_number(at(arguments, 1)));
  const auto count = static_cast<long long>(runes.size());
  if (from < 0)
    from = count + from;
  if (from < 0 || from > count)
    return go::encode_runes(text, runes, 0, runes.size());
  long long length = count;
  if (arguments.size() == 3)
    length = go::to_int(go::to_number(arguments[2]));
  long long to = 0;
  if (length < 0) {
    to = count + length;
  } else {  // Go's int addition wraps
    to = static_cast<long long>(static_cast<unsigned long long>(from) +
                                static_cast<unsigned long long>(length));
  }
  if (to > count)
    to = count;
  if (to < from)
    throw go::Panic("runtime error: slice bounds out of range");
  return go::encode_runes(text, runes, static_cast<std::size_t>(from),
                          static_cast<std::size_t>(to));
}

// concat: a string as it is; several values joined and trimmed of white space (one is not).
Json concat(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  if (parsed.is_string())
    return parsed;
  const auto& arguments = as_slice(parsed);
  if (arguments.empty())
    return "";
  if (arguments.size() == 1)
    return go::to_string(arguments[0]);
  std::string text;
  for (const Json& value : arguments)
    text += go::to_string(value);
  return go::trim_space(text);
}

// --- vars.go --------------------------------------------------------------------------------

Json set_property(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  const auto& arguments = as_slice(parsed);
  if (arguments.size() < 3)
    return arguments.empty() ? Json() : arguments[0];
  if (!arguments[0].is_object())
    return arguments[0];
  if (!arguments[1].is_string())
    throw go::Panic("interface conversion: interface {} is not string");
  Json modified = arguments[0];
  modified[arguments[1].get<std::string>()] = interpreter.parse_values(arguments[2], data);
  return modified;
}

// One step of a `var` path: a member of an object, an element of an array (the part read as
// typing.ToNumber, so "x" is 0); nullptr for anything else, out of range, or null.
const Json* step(const Json& value, std::string_view part) {
  if (value.is_object()) {
    const auto found = value.find(part);
    return found != value.end() && !found->is_null() ? &*found : nullptr;
  }
  if (value.is_array()) {
    const long long position = go::to_int(go::to_number(Json(part)));
    if (position < 0 || position >= static_cast<long long>(value.size()))
      return nullptr;
    const Json& element = value[static_cast<std::size_t>(position)];
    return element.is_null() ? nullptr : &element;
  }
  return nullptr;
}

}  // namespace

Json get_var(Interpreter& interpreter, const Json& values, const Json& data) {
  Json path = interpreter.parse_values(values, data);
  if (path.is_null())
    return go::is_primitive(data) ? data : Json();
  if (path.is_string() && path.get_ref<const std::string&>().empty())
    return data;
  if (go::is_number(path))
    path = go::to_string(path);
  Json fallback;
  if (path.is_array()) {  // [path] or [path, default]
    if (path.empty())
      return data;
    if (path.size() == 2)
      fallback = path[1];
    if (!path[0].is_string())
      throw go::Panic("interface conversion: interface {} is not string");
    Json first = std::move(path[0]);
    path = std::move(first);
  }
  if (data.is_null())
    return fallback;
  if (!path.is_string())
    throw go::Panic("interface conversion: interface {} is not string");
  const std::string_view text = path.get_ref<const std::string&>();
  const Json* current = &data;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t dot = std::min(text.find('.', start), text.size());
    const std::string_view part = text.substr(start, dot - start);
    start = dot + 1;
    if (part.empty())
      continue;
    current = step(*current, part);
    if (current == nullptr)
      return fallback;
  }
  return *current;
}

const std::map<std::string_view, StandardOperation>& standard_operations() {
  static const std::map<std::string_view, StandardOperation> operations = [] {
    using I = Interpreter;
    using J = const Json&;
    std::map<std::string_view, StandardOperation> all = list_operations();
    all.insert({
        {"and", [](I& i, J v, J d) { return connective(i, v, d, false); }},
        {"or", [](I& i, J v, J d) { return connective(i, v, d, true); }},
        {"if", conditional},
        {"?:", conditional},
        {"!", [](I& i, J v, J d) { return Json(negative(i, v, d)); }},
        {"!!", [](I& i, J v, J d) { return Json(!negative(i, v, d)); }},
        {"===", [](I& i, J v, J d) { return Json(hard_equals(i, v, d)); }},
        {"!==", [](I& i, J v, J d) { return Json(!hard_equals(i, v, d)); }},
        {"==", [](I& i, J v, J d) { return Json(is_equal(i, v, d)); }},
        {"!=", [](I& i, J v, J d) { return Json(!is_equal(i, v, d)); }},
        {"<",
         [](I& i, J v, J d) { return Json(ordered(i, v, d, go::less, Direction::ascending)); }},
        {"<=", [](I& i, J v,
                  J d) { return Json(ordered(i, v, d, less_or_equal, Direction::ascending)); }},
        {">",
         [](I& i, J v, J d) { return Json(ordered(i, v, d, go::less, Direction::descending)); }},
        {">=", [](I& i, J v,
                  J d) { return Json(ordered(i, v, d, less_or_equal, Direction::descending)); }},
        {"+", sum},
        {"-", minus},
        {"*", mult},
        {"/", div},
        {"%", mod},
        {"abs", abs},
        {"min", [](I& i, J v, J d) { return extreme(i, v, d, Extreme::min); }},
        {"max", [](I& i, J v, J d) { return extreme(i, v, d, Extreme::max); }},
        {"substr", substr},
        {"cat", concat},
        {"var", get_var},
        {"set", set_property},
    });
    return all;
  }();
  return operations;
}

}  // namespace cutover::flags
