// lists.go and arrays.go of diegoholiveira/jsonlogic v3.9.1 (declared in
// standard_operations.hpp).
#include <string>

#include "flags/go_jsonlogic_value.hpp"
#include "flags/go_slices.hpp"
#include "flags/standard_operations.hpp"

namespace cutover::flags {

namespace {

using go::as_slice;
using go::at;

// extractSubject: an array literal as written (its elements are not evaluated), an operation
// applied; anything else is no subject (null).
Json extract_subject(Interpreter& interpreter, const Json::array_t& parsed, const Json& data) {
  const Json& first = at(parsed, 0);
  if (first.is_array())
    return first;
  if (first.is_object())
    return interpreter.apply(first, data);
  return nullptr;
}

// filter: the logic has {"var"}s that the outer data resolves substituted first (solveVars).
Json filter(Interpreter& interpreter, const Json& values, const Json& data) {
  const auto& parsed = as_slice(values);
  if (parsed.size() < 2)
    return Json::array();
  const Json subject = extract_subject(interpreter, parsed, data);
  if (subject.is_null())
    return Json::array();
  const auto& elements = as_slice(subject);
  const Json logic = interpreter.solve_vars(parsed[1], data);
  Json kept = Json::array();
  for (const Json& element : elements) {
    if (go::is_true(interpreter.parse_values(logic, element)))
      kept.push_back(element);
  }
  return kept;
}

Json map(Interpreter& interpreter, const Json& values, const Json& data) {
  const auto& parsed = as_slice(values);
  if (parsed.size() < 2)
    return Json::array();
  const Json subject = extract_subject(interpreter, parsed, data);
  if (subject.is_null())
    return Json::array();
  Json mapped = Json::array();
  for (const Json& element : as_slice(subject))
    mapped.push_back(interpreter.parse_values(parsed[1], element));
  return mapped;
}

// reduce: the initial value fixes the accumulator's type (bool, number or string; anything
// else panics); null elements are skipped; the logic must be an operation.
Json reduce(Interpreter& interpreter, const Json& values, const Json& data) {
  const auto& parsed = as_slice(values);
  if (parsed.size() < 3)
    return 0.0;
  Json initial = parsed[2];
  if (initial.is_object())
    initial = interpreter.apply(initial, data);
  std::string value_type;
  Json accumulator;
  if (initial.is_boolean()) {
    accumulator = go::is_true(initial), value_type = "bool";
  } else if (go::is_number(initial)) {
    accumulator = go::to_number(initial), value_type = "number";
  } else if (initial.is_string()) {
    accumulator = go::to_string(initial), value_type = "string";
  } else {
    throw go::Panic("reduce: the type of the initial value is not supported");
  }
  Json context = {{"current", 0.0}, {"accumulator", accumulator}, {"valueType", value_type}};
  const Json subject = extract_subject(interpreter, parsed, data);
  if (subject.is_null())
    return 0.0;
  for (const Json& element : as_slice(subject)) {
    if (element.is_null())
      continue;
    context["current"] = element;
    interpreter.charge(context);
    const Json value = interpreter.apply(parsed[1], context);
    if (value_type == "bool")
      context["accumulator"] = go::is_true(value);
    else if (value_type == "number")
      context["accumulator"] = go::to_number(value);
    else
      context["accumulator"] = go::to_string(value);
  }
  return context["accumulator"];
}

// _inRange: an array element [low, high] of `in` holds numbers from low to high.
bool in_range(const Json& value, const Json::array_t& range) {
  const Json& low = at(range, 0);
  const Json& high = at(range, 1);
  if (!(go::to_number(value) >= go::to_number(low)))
    return false;
  return go::to_number(high) >= go::to_number(value);
}

// _in: a substring of a string (the needle must be a string), or an element of an array
// (numbers compare after typing.ToNumber, arrays in the haystack are ranges).
bool in(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed_json = interpreter.parse_values(values, data);
  const auto& parsed = as_slice(parsed_json);
  const Json& needle = at(parsed, 0);
  const Json haystack = parsed.size() > 1 ? parsed[1] : Json();
  if (haystack.is_string()) {
    if (!needle.is_string())
      throw go::Panic("interface conversion: interface {} is not string");
    return haystack.get_ref<const std::string&>().find(needle.get_ref<const std::string&>()) !=
           std::string::npos;
  }
  if (!haystack.is_array())
    return false;
  for (const Json& element : haystack) {
    if (element.is_array()) {
      if (in_range(needle, element.get_ref<const Json::array_t&>()))
        return true;
      continue;
    }
    if (go::is_number(needle)) {
      // ToNumber(element) == needle: equal only when the needle is a float64.
      const double number = go::to_number(element);
      if (needle.is_number_float() && number == needle.get<double>())
        return true;
      continue;
    }
    if (go::interface_equals(element, needle))
      return true;
  }
  return false;
}

Json merge(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed = interpreter.parse_values(values, data);
  if (go::is_primitive(parsed))
    return Json::array({parsed});
  Json merged = Json::array();
  for (const Json& value : as_slice(parsed)) {
    if (value.is_array()) {
      for (const Json& element : value)
        merged.push_back(element);
    } else {
      merged.push_back(value);
    }
  }
  return merged;
}

// missing: the keys whose `var` is null (an empty string or false is there).
Json missing(Interpreter& interpreter, const Json& values, const Json& data) {
  Json parsed = interpreter.parse_values(values, data);
  if (parsed.is_string())
    parsed = Json::array({parsed});
  Json absent = Json::array();
  for (const Json& key : as_slice(parsed)) {
    if (get_var(interpreter, key, data).is_null())
      absent.push_back(key);
  }
  return absent;
}

Json missing_some(Interpreter& interpreter, const Json& values, const Json& data) {
  const Json parsed_json = interpreter.parse_values(values, data);
  const auto& parsed = as_slice(parsed_json);
  const long long needed = go::to_int(go::to_number(at(parsed, 0)));
  Json absent = Json::array();
  long long found = 0;
  for (const Json& key : as_slice(at(parsed, 1))) {
    if (get_var(interpreter, key, data).is_null())
      absent.push_back(key);
    else
      ++found;
  }
  return needed > found ? absent : Json::array();
}

// all: false for no elements; the logic is solved against each element, then applied.
bool all(Interpreter& interpreter, const Json& values, const Json& data) {
  const auto& parsed = as_slice(values);
  const Json subject = extract_subject(interpreter, parsed, data);
  if (!go::is_true(subject))
    return false;
  for (const Json& element : as_slice(subject)) {
    const Json conditions = interpreter.solve_vars(at(parsed, 1), element);
    if (!go::is_true(interpreter.apply(conditions, element)))
      return false;
  }
  return true;
}

// none: true for no elements; the logic is solved against the outer data.
bool none(Interpreter& interpreter, const Json& values, const Json& data) {
  const auto& parsed = as_slice(values);
  const Json subject = extract_subject(interpreter, parsed, data);
  if (!go::is_true(subject))
    return true;
  const Json conditions = interpreter.solve_vars(at(parsed, 1), data);
  for (const Json& element : as_slice(subject)) {
    if (go::is_true(interpreter.apply(conditions, element)))
      return false;
  }
  return true;
}

// some: the logic is solved against the outer data, then against each element.
bool some(Interpreter& interpreter, const Json& values, const Json& data) {
  const auto& parsed = as_slice(values);
  const Json subject = extract_subject(interpreter, parsed, data);
  if (!go::is_true(subject))
    return false;
  const Json logic = interpreter.solve_vars(at(parsed, 1), data);
  for (const Json& element : as_slice(subject)) {
    const Json conditions = interpreter.solve_vars(logic, element);
    if (go::is_true(interpreter.apply(conditions, element)))
      return true;
  }
  return false;
}

// isEqualValue (arrays.go): Go's ==, then numbers by value, then strings.
bool is_equal_value(const Json& a, const Json& b) {
  if (go::interface_equals(a, b))
    return true;
  if (go::is_number(a) && go::is_number(b))
    return go::to_number(a) == go::to_number(b);
  return false;  // two strings were compared by ==
}

bool contains_element(const Json& slice, const Json& element) {
  for (const Json& item : slice) {
    if (is_equal_value(item, element))
      return true;
  }
  return false;
}

enum class Contains { all, any, none };

// containsAll / containsAny / containsNone: [search array, checked array]; anything else is
// false (true for none).
bool contains(Interpreter& interpreter, const Json& values, const Json& data, Contains mode) {
  const Json parsed = interpreter.parse_values(values, data);
  const bool malformed = mode == Contains::none;
  if (!parsed.is_array() || parsed.size() != 2 || !parsed[0].is_array() || !parsed[1].is_array())
    return malformed;
  const Json& search = parsed[0];
  for (const Json& checked : parsed[1]) {
    const bool found = contains_element(search, checked);
    if (mode == Contains::all && !found)
      return false;
    if (mode != Contains::all && found)
      return mode == Contains::any;
  }
  return mode != Contains::any;
}

}  // namespace

std::map<std::string_view, StandardOperation> list_operations() {
  using I = Interpreter;
  using J = const Json&;
  return {
      {"filter", filter},
      {"map", map},
      {"reduce", reduce},
      {"all", [](I& i, J v, J d) { return Json(all(i, v, d)); }},
      {"none", [](I& i, J v, J d) { return Json(none(i, v, d)); }},
      {"some", [](I& i, J v, J d) { return Json(some(i, v, d)); }},
      {"in", [](I& i, J v, J d) { return Json(in(i, v, d)); }},
      {"merge", merge},
      {"missing", missing},
      {"missing_some", missing_some},
      {"contains_all", [](I& i, J v, J d) { return Json(contains(i, v, d, Contains::all)); }},
      {"contains_any", [](I& i, J v, J d) { return Json(contains(i, v, d, Contains::any)); }},
      {"contains_none", [](I& i, J v, J d) { return Json(contains(i, v, d, Contains::none)); }},
  };
}

}  // namespace cutover::flags
