#include "flags/js_value.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <system_error>

namespace cutover::flags::js {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::size_t count_digits(std::string_view text, std::size_t from) {
  std::size_t count = 0;
  while (from + count < text.size() && is_digit(text[from + count]))
    ++count;
  return count;
}

// The length of the longest prefix of `text` that is a JavaScript StrDecimalLiteral (sign,
// digits, fraction, exponent, or Infinity); 0 when there is none.
std::size_t decimal_prefix(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-'))
    ++i;
  if (text.substr(i).starts_with("Infinity"))
    return i + 8;
  const std::size_t integer_digits = count_digits(text, i);
  i += integer_digits;
  std::size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    fraction_digits = count_digits(text, i + 1);
    if (integer_digits > 0 || fraction_digits > 0)
      i += 1 + fraction_digits;
  }
  if (integer_digits == 0 && fraction_digits == 0)
    return 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-'))
      ++j;
    const std::size_t exponent_digits = count_digits(text, j);
    if (exponent_digits > 0)
      i = j + exponent_digits;
  }
  return i;
}

// The value of a whole StrDecimalLiteral (as decimal_prefix measured it).
double decimal_value(std::string_view literal) {
  bool negative = false;
  if (!literal.empty() && (literal.front() == '+' || literal.front() == '-')) {
    negative = literal.front() == '-';
    literal.remove_prefix(1);
  }
  double value = 0;
  if (literal == "Infinity") {
    value = infinity;
  } else {
    const auto [end, error] =
        std::from_chars(literal.data(), literal.data() + literal.size(), value);
    if (error == std::errc::result_out_of_range) {
      // Too small or too large for a double: JavaScript rounds to 0 or Infinity.
      const auto exponent = literal.find_first_of("eE");
      const bool tiny = exponent != std::string_view::npos
                            ? literal.substr(exponent + 1).starts_with('-')
                            : literal.find_first_not_of("0.") == std::string_view::npos;
      value = tiny ? 0 : infinity;
    } else if (error != std::errc{} || end != literal.data() + literal.size()) {
      return nan;
    }
  }
  return negative ? -value : value;
}

// "0x1f", "0o17", "0b11": JavaScript reads these prefixes in Number(), not in parseFloat().
double radix_integer(std::string_view digits, int radix) {
  if (digits.empty())
    return nan;
  double value = 0;
  for (const char c : digits) {
    int digit = radix;
    if (is_digit(c))
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    if (digit >= radix)
      return nan;
    value = value * radix + digit;
  }
  return value;
}

double string_to_number(std::string_view text) {
  text = trim(text);
  if (text.empty())
    return 0;
  if (text.size() > 2 && text[0] == '0') {
    const char prefix = text[1];
    if (prefix == 'x' || prefix == 'X')
      return radix_integer(text.substr(2), 16);
    if (prefix == 'o' || prefix == 'O')
      return radix_integer(text.substr(2), 8);
    if (prefix == 'b' || prefix == 'B')
      return radix_integer(text.substr(2), 2);
  }
  return decimal_prefix(text) == text.size() ? decimal_value(text) : nan;
}

enum class Kind { null, boolean, number, string, object };

// JavaScript's typeof, with arrays and objects both "object".
Kind kind_of(const Json& value) {
  if (value.is_boolean())
    return Kind::boolean;
  if (value.is_number())
    return Kind::number;
  if (value.is_string())
    return Kind::string;
  if (value.is_structured())
    return Kind::object;
  return Kind::null;
}

// ToPrimitive: arrays and objects become their strings, everything else is itself.
Json to_primitive(const Json& value) {
  return value.is_structured() ? Json(to_string(value)) : value;
}

bool same_kind_equals(const Json& a, const Json& b) {
  switch (kind_of(a)) {
    case Kind::null:
      return true;
    case Kind::number:
      return a.get<double>() == b.get<double>();
    default:
      return a == b;
  }
}

}  // namespace

bool truthy(const Json& value) {
  switch (value.type()) {
    case Json::value_t::boolean:
      return value.get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: {
      const double number = value.get<double>();
      return number != 0 && !std::isnan(number);
    }
    case Json::value_t::string:
      return !value.get_ref<const std::string&>().empty();
    case Json::value_t::array:
      return !value.empty();
    case Json::value_t::object:
    case Json::value_t::binary:
      return true;
    default:
      return false;
  }
}

double to_number(const Json& value) {
  switch (kind_of(value)) {
    case Kind::null:
      return 0;
    case Kind::boolean:
      return value.get<bool>() ? 1 : 0;
    case Kind::number:
      return value.get<double>();
    case Kind::string:
      return string_to_number(value.get_ref<const std::string&>());
    case Kind::object:
      return value.is_array() ? string_to_number(to_string(value)) : nan;
  }
  return nan;
}

double parse_float(const Json& value) {
  const std::string text = to_string(value);
  std::string_view view = text;
  while (!view.empty() && is_space(view.front()))
    view.remove_prefix(1);
  const std::size_t length = decimal_prefix(view);
  return length == 0 ? nan : decimal_value(view.substr(0, length));
}

std::string to_string(const Json& value) {
  switch (value.type()) {
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return number_to_string(value.get<double>());
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::array: {
      std::string joined;
      bool first = true;
      for (const auto& element : value) {
        if (!first)
          joined += ',';
        first = false;
        if (!element.is_null())
          joined += to_string(element);
      }
      return joined;
    }
    case Json::value_t::object:
    case Json::value_t::binary:
      return "[object Object]";
    default:
      return "null";
  }
}

std::string number_to_string(double number) {
  if (std::isnan(number))
    return "NaN";
  if (number == 0)
    return "0";
  if (std::isinf(number))
    return number > 0 ? "Infinity" : "-Infinity";
  if (number < 0)
    return "-" + number_to_string(-number);
  // The shortest round-trip digits and their exponent, laid out as ECMAScript's
  // Number::toString does (fixed between 1e-7 and 1e21, exponential outside).
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::scientific);
  const std::string_view scientific(buffer, static_cast<std::size_t>(result.ptr - buffer));
  const std::size_t e = scientific.find('e');
  std::string digits(scientific.substr(0, 1));
  if (e > 2)
    digits += scientific.substr(2, e - 2);
  // to_chars writes the exponent as "e+05" or "e-07"; from_chars takes no '+'.
  std::string_view exponent_text = scientific.substr(e + 1);
  if (exponent_text.starts_with('+'))
    exponent_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21)
    return digits + std::string(static_cast<std::size_t>(n - k), '0');
  if (0 < n && n <= 21)
    return digits.substr(0, static_cast<std::size_t>(n)) + "." +
           digits.substr(static_cast<std::size_t>(n));
  if (-6 < n && n <= 0)
    return "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  const std::string suffix = (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  if (k == 1)
    return digits + suffix;
  return digits.substr(0, 1) + "." + digits.substr(1) + suffix;
}

bool loose_equals(const Json& a, const Json& b) {
  const Kind ka = kind_of(a);
  const Kind kb = kind_of(b);
  if (ka == kb)
    return same_kind_equals(a, b);
  if (ka == Kind::null || kb == Kind::null)
    return false;
  if (ka == Kind::boolean)
    return loose_equals(Json(to_number(a)), b);
  if (kb == Kind::boolean)
    return loose_equals(a, Json(to_number(b)));
  if (ka == Kind::object)
    return loose_equals(to_primitive(a), b);
  if (kb == Kind::object)
    return loose_equals(a, to_primitive(b));
  // A number and a string: the string is read as a number.
  return to_number(a) == to_number(b);
}

bool strict_equals(const Json& a, const Json& b) {
  return kind_of(a) == kind_of(b) && same_kind_equals(a, b);
}

bool less_than(const Json& a, const Json& b) {
  const Json pa = to_primitive(a);
  const Json pb = to_primitive(b);
  if (pa.is_string() && pb.is_string())
    return pa.get_ref<const std::string&>() < pb.get_ref<const std::string&>();
  return to_number(pa) < to_number(pb);
}

bool less_or_equal(const Json& a, const Json& b) {
  const Json pa = to_primitive(a);
  const Json pb = to_primitive(b);
  if (pa.is_string() && pb.is_string())
    return pa.get_ref<const std::string&>() <= pb.get_ref<const std::string&>();
  return to_number(pa) <= to_number(pb);
}

Json number(double number) {
  return Json(number);
}

}  // namespace cutover::flags::js
