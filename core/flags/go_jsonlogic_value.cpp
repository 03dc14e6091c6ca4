#include "flags/go_jsonlogic_value.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <system_error>
#include <vector>

#include "flags/utf8_runes.hpp"

namespace cutover::flags::go {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_decimal_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex_digit(char c) {
  return is_decimal_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
}

// How many leading characters of `text` match `word` ignoring ASCII case.
std::size_t common_prefix_ignoring_case(std::string_view text, std::string_view word) {
  std::size_t n = 0;
  while (n < text.size() && n < word.size() && lower(text[n]) == word[n])
    ++n;
  return n;
}

// strconv's special(): [+-]inf, [+-]infinity, nan (ASCII case ignored), as the whole text.
std::optional<double> special(std::string_view text) {
  double sign = 1;
  std::string_view rest = text;
  if (rest.front() == '+' || rest.front() == '-') {
    sign = rest.front() == '-' ? -1 : 1;
    rest.remove_prefix(1);
  }
  const std::size_t inf = common_prefix_ignoring_case(rest, "infinity");
  if ((inf == 3 || inf == 8) && inf == rest.size())
    return sign * infinity;
  if (rest.size() == text.size() && rest.size() == 3 &&
      common_prefix_ignoring_case(rest, "nan") == 3)
    return nan;
  return std::nullopt;
}

// strconv's underscoreOK: underscores only between digits (a base prefix counts as one).
bool underscores_ok(std::string_view text) {
  char saw = '^';
  std::size_t i = 0;
  if (!text.empty() && (text.front() == '+' || text.front() == '-'))
    text.remove_prefix(1);
  bool hex = false;
  if (text.size() >= 2 && text[0] == '0' &&
      (lower(text[1]) == 'b' || lower(text[1]) == 'o' || lower(text[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(text[1]) == 'x';
  }
  for (; i < text.size(); ++i) {
    if (is_decimal_digit(text[i]) || (hex && is_hex_digit(text[i]))) {
      saw = '0';
      continue;
    }
    if (text[i] == '_') {
      if (saw != '0')
        return false;
      saw = '_';
      continue;
    }
    if (saw == '_')
      return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv's readFloat, as a syntax check: sign, optional 0x, digits and one '.', an exponent
// ('e' for decimal, 'p' required for hexadecimal).
bool well_formed(std::string_view text, bool& hex) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-'))
    ++i;
  hex = i + 2 <= text.size() && text[i] == '0' && lower(text[i + 1]) == 'x';
  if (hex)
    i += 2;
  bool saw_digits = false;
  bool saw_dot = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_')
      continue;
    if (c == '.' && !saw_dot) {
      saw_dot = true;
      continue;
    }
    if (hex ? is_hex_digit(c) : is_decimal_digit(c)) {
      saw_digits = true;
      continue;
    }
    break;
  }
  if (!saw_digits)
    return false;
  bool saw_exponent = false;
  if (i < text.size() && lower(text[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-'))
      ++i;
    bool exponent_digits = false;
    for (; i < text.size() && (is_decimal_digit(text[i]) || text[i] == '_'); ++i)
      exponent_digits = exponent_digits || text[i] != '_';
    if (!exponent_digits)
      return false;
    saw_exponent = true;
  }
  if (hex && !saw_exponent)
    return false;
  return i == text.size();
}

bool is_space_rune(char32_t rune) {
  switch (rune) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return rune >= 0x2000 && rune <= 0x200A;
  }
}

void append_hex4(std::string& out, unsigned value) {
  static constexpr std::string_view digits = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4)
    out += digits[(value >> static_cast<unsigned>(shift)) & 0xFU];
}

// encoding/json's appendString with HTML escaping (the Encoder's default).
void append_string(std::string& out, std::string_view text) {
  out += '"';
  for (const Rune& rune : decode_runes(text)) {
    const char32_t c = rune.value;
    if (rune.invalid) {
      out += "\\ufffd";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
      append_hex4(out, static_cast<unsigned>(c));
    } else {
      out += text.substr(rune.offset, rune.size);
    }
  }
  out += '"';
}

// encoding/json's floatEncoder for a finite float64.
std::string encode_float(double number) {
  const double magnitude = std::fabs(number);
  if (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
    std::array<char, 64> buffer{};
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                   std::chars_format::scientific)
                         .ptr;
    std::string text(buffer.data(), end);
    const std::size_t n = text.size();
    if (n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0')
      text.erase(n - 2, 1);  // e-07 becomes e-7
    return text;
  }
  return format_float(number);
}

bool encode(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      return true;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return true;
    case Json::value_t::string:
      append_string(out, value.get_ref<const std::string&>());
      return true;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      out += value.dump();
      return true;
    case Json::value_t::number_float: {
      const double number = value.get<double>();
      if (!std::isfinite(number))
        return false;
      out += encode_float(number);
      return true;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& element : value) {
        if (!first)
          out += ',';
        first = false;
        if (!encode(out, element))
          return false;
      }
      out += ']';
      return true;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.items()) {  // std::map: sorted by bytes, as Go
        if (!first)
          out += ',';
        first = false;
        append_string(out, key);
        out += ':';
        if (!encode(out, member))
          return false;
      }
      out += '}';
      return true;
    }
    default:
      return false;  // binary and discarded values never come from JSON text
  }
}

// Go's reflect Kind, for the type checks of === and interface ==.
enum class Kind { null, boolean, integer, float64, string, slice, map };

Kind kind_of(const Json& value) {
  switch (value.type()) {
    case Json::value_t::boolean:
      return Kind::boolean;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return Kind::integer;
    case Json::value_t::number_float:
      return Kind::float64;
    case Json::value_t::string:
      return Kind::string;
    case Json::value_t::array:
      return Kind::slice;
    case Json::value_t::object:
      return Kind::map;
    default:
      return Kind::null;
  }
}

// The exponent of to_chars' scientific text ("1.5e+06" -> 6, "2e-05" -> -5).
int scientific_exponent(std::string_view scientific) {
  std::string_view digits = scientific.substr(scientific.find('e') + 1);
  if (!digits.empty() && digits.front() == '+')
    digits.remove_prefix(1);  // from_chars takes a '-' but no '+'
  int exponent = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
  return exponent;
}

}  // namespace

Json go_numbers(Json value) {
  std::vector<Json*> pending{&value};
  while (!pending.empty()) {
    Json* next = pending.back();
    pending.pop_back();
    if (next->is_number_integer())
      *next = next->get<double>();
    else if (next->is_structured()) {
      for (Json& child : *next)
        pending.push_back(&child);
    }
  }
  return value;
}

bool is_number(const Json& value) {
  return value.is_number();
}

bool is_primitive(const Json& value) {
  return value.is_boolean() || value.is_string() || value.is_number();
}

bool is_true(const Json& value) {
  if (value.is_boolean())
    return value.get<bool>();
  if (value.is_number())
    return value.get<double>() != 0;  // NaN != 0
  if (value.is_structured() || value.is_string())
    return !value.empty() && !(value.is_string() && value.get_ref<const std::string&>().empty());
  return false;
}

double to_number(const Json& value) {
  if (value.is_string())
    return parse_float(value.get_ref<const std::string&>()).value_or(ParsedFloat{}).value;
  if (value.is_number())
    return value.get<double>();
  throw Panic("interface conversion: interface {} is not float64");
}

double js_to_number(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return 0;
    case Json::value_t::boolean:
      return value.get<bool>() ? 1 : 0;
    case Json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (trim_space(text).empty())
        return 0;
      // `err == strconv.ErrRange` never holds (ParseFloat wraps it): out of range is NaN.
      const auto parsed = parse_float(text);
      return parsed && !parsed->out_of_range ? parsed->value : nan;
    }
    default:
      return value.is_number() ? value.get<double>() : nan;
  }
}

std::string to_string(const Json& value) {
  if (value.is_number_float())
    return format_float(value.get<double>());
  if (value.is_number())
    return value.dump();
  if (value.is_null())
    return "";
  if (value.is_string())
    return value.get<std::string>();
  throw Panic("interface conversion: interface {} is not string");
}

std::string format_float(double number) {
  if (std::isnan(number))
    return "NaN";
  if (std::isinf(number))
    return number > 0 ? "+Inf" : "-Inf";
  // Go pads the shortest digits with zeros ("1e300" is 1 and 300 zeros); to_chars' fixed form
  // would spell the exact binary value instead. So: shortest digits, placed by hand.
  std::array<char, 64> buffer{};
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                 std::chars_format::scientific)
                       .ptr;
  const std::string_view scientific(buffer.data(), end);
  const std::size_t e = scientific.find('e');
  const int exponent = scientific_exponent(scientific);
  std::string_view mantissa = scientific.substr(0, e);
  std::string text;
  if (mantissa.front() == '-') {
    text = "-";
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (const char c : mantissa) {
    if (c != '.')
      digits += c;
  }
  if (exponent < 0) {
    text += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    return text;
  }
  const auto integer_digits = static_cast<std::size_t>(exponent) + 1;
  if (digits.size() <= integer_digits) {
    text += digits + std::string(integer_digits - digits.size(), '0');
  } else {
    text += digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
  }
  return text;
}

std::string format_v(double number) {
  if (!std::isfinite(number) || number == 0)
    return format_float(number);
  std::array<char, 64> buffer{};
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                 std::chars_format::scientific)
                       .ptr;
  const std::string scientific(buffer.data(), end);
  const int exponent = scientific_exponent(scientific);
  return (exponent < -4 || exponent >= 6) ? scientific : format_float(number);  // %g, shortest
}

std::optional<ParsedFloat> parse_float(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  if (const auto value = special(text))
    return ParsedFloat{*value};
  bool hex = false;
  if (!well_formed(text, hex))
    return std::nullopt;
  if (text.find('_') != std::string_view::npos && !underscores_ok(text))
    return std::nullopt;
  std::string digits;
  for (const char c : text) {
    if (c != '_')
      digits += c;
  }
  const bool negative = digits.front() == '-';
  std::size_t start = (digits.front() == '-' || digits.front() == '+') ? 1 : 0;
  if (hex)
    start += 2;
  double value = 0;
  const char* first = digits.data() + start;
  const char* last = digits.data() + digits.size();
  const auto [end, error] = std::from_chars(
      first, last, value, hex ? std::chars_format::hex : std::chars_format::general);
  if (error == std::errc::result_out_of_range) {
    // Overflow is ±Inf, underflow 0, as Go: strtod says which (only this rare path needs it).
    value =
        hex ? (std::string_view(first, last).find("p-") != std::string_view::npos ? 0 : infinity)
            : std::strtod(std::string(first, last).c_str(), nullptr);
  } else if (error != std::errc() || end != last) {
    return std::nullopt;
  }
  return ParsedFloat{negative ? -value : value, std::isinf(value)};
}

long long to_int(double number) {
  constexpr double limit = 9223372036854775808.0;  // 2^63
  if (std::isnan(number) || number >= limit || number < -limit)
    return std::numeric_limits<long long>::min();
  return static_cast<long long>(std::trunc(number));
}

std::string trim_space(std::string_view text) {
  const std::vector<Rune> runes = decode_runes(text);
  std::size_t first = 0;
  std::size_t last = runes.size();
  while (first < last && !runes[first].invalid && is_space_rune(runes[first].value))
    ++first;
  while (last > first && !runes[last - 1].invalid && is_space_rune(runes[last - 1].value))
    --last;
  if (first == last)
    return {};
  const std::size_t from = runes[first].offset;
  return std::string(text.substr(from, runes[last - 1].offset + runes[last - 1].size - from));
}

bool less(const Json& a, const Json& b) {
  if (a.is_string() && b.is_string())
    return b.get_ref<const std::string&>() > a.get_ref<const std::string&>();
  return js_to_number(b) > js_to_number(a);
}

bool equals(const Json& a, const Json& b) {
  if (a.is_null() || b.is_null())
    return a.is_null() && b.is_null();
  if (a.is_string() && b.is_string())
    return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
  return js_to_number(a) == js_to_number(b);
}

bool same_kind(const Json& a, const Json& b) {
  return kind_of(a) == kind_of(b);
}

bool interface_equals(const Json& a, const Json& b) {
  const Kind kind = kind_of(a);
  if (kind != kind_of(b))
    return false;
  switch (kind) {
    case Kind::slice:
    case Kind::map:
      throw Panic("runtime error: comparing uncomparable type");
    case Kind::null:
      return true;
    case Kind::boolean:
      return a.get<bool>() == b.get<bool>();
    case Kind::string:
      return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    default:
      return a.get<double>() == b.get<double>();
  }
}

std::optional<std::string> encode_json(const Json& value) {
  std::string out;
  if (!encode(out, value))
    return std::nullopt;
  return out;
}

}  // namespace cutover::flags::go
