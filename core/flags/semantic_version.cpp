#include "flags/semantic_version.hpp"

#include <algorithm>
#include <cstddef>

namespace cutover::flags {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_identifier_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool is_numeric(std::string_view identifier) {
  return !identifier.empty() && std::all_of(identifier.begin(), identifier.end(), is_digit);
}

// A version number at the start of `text`, consumed: digits, no leading zero but "0".
std::optional<std::string> take_number(std::string_view& text) {
  std::size_t length = 0;
  while (length < text.size() && is_digit(text[length]))
    ++length;
  if (length == 0 || (length > 1 && text.front() == '0'))
    return std::nullopt;
  std::string number(text.substr(0, length));
  text.remove_prefix(length);
  return number;
}

// Prerelease identifiers may not be numbers with leading zeros; build identifiers may.
enum class LeadingZeros { refused, allowed };

// Dot-separated non-empty identifiers of [0-9A-Za-z-].
std::optional<std::vector<std::string>> split_identifiers(std::string_view text,
                                                          LeadingZeros leading_zeros) {
  std::vector<std::string> identifiers;
  while (true) {
    const std::size_t dot = std::min(text.find('.'), text.size());
    const std::string_view identifier = text.substr(0, dot);
    if (identifier.empty() ||
        !std::all_of(identifier.begin(), identifier.end(), is_identifier_char))
      return std::nullopt;
    if (leading_zeros == LeadingZeros::refused && is_numeric(identifier) && identifier.size() > 1 &&
        identifier.front() == '0')
      return std::nullopt;
    identifiers.emplace_back(identifier);
    if (dot == text.size())
      return identifiers;
    text.remove_prefix(dot + 1);
  }
}

// Numbers of any length: the longer is larger, equal lengths compare as text.
int compare_numbers(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

int compare_identifiers(std::string_view a, std::string_view b) {
  const bool a_numeric = is_numeric(a);
  const bool b_numeric = is_numeric(b);
  if (a_numeric != b_numeric)
    return a_numeric ? -1 : 1;  // numeric identifiers come first
  if (a_numeric)
    return compare_numbers(a, b);
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

int compare_prerelease(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty())
    return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);  // a release comes last
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (const int order = compare_identifiers(a[i], b[i]); order != 0)
      return order;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

std::optional<SemanticVersion> SemanticVersion::parse(std::string_view text) {
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V'))
    text.remove_prefix(1);
  SemanticVersion version{.minor = "0", .patch = "0"};
  auto major = take_number(text);
  if (!major)
    return std::nullopt;
  version.major = std::move(*major);
  // Up to two more ".N"; the short forms end there.
  for (std::string* part : {&version.minor, &version.patch}) {
    if (text.empty())
      return version;
    if (text.front() != '.')
      return std::nullopt;
    text.remove_prefix(1);
    auto number = take_number(text);
    if (!number)
      return std::nullopt;
    *part = std::move(*number);
  }
  const std::size_t plus = std::min(text.find('+'), text.size());
  if (!text.empty() && text.front() == '-') {
    auto prerelease = split_identifiers(text.substr(1, plus - 1), LeadingZeros::refused);
    if (!prerelease)
      return std::nullopt;
    version.prerelease = std::move(*prerelease);
  } else if (plus != 0) {
    return std::nullopt;  // something other than -PRERELEASE or +BUILD follows the patch
  }
  if (plus < text.size()) {
    if (!split_identifiers(text.substr(plus + 1), LeadingZeros::allowed))
      return std::nullopt;
    version.build = std::string(text.substr(plus + 1));
  }
  return version;
}

int compare(const SemanticVersion& a, const SemanticVersion& b) {
  if (const int order = compare_numbers(a.major, b.major); order != 0)
    return order;
  if (const int order = compare_numbers(a.minor, b.minor); order != 0)
    return order;
  if (const int order = compare_numbers(a.patch, b.patch); order != 0)
    return order;
  return compare_prerelease(a.prerelease, b.prerelease);
}

bool same_major(const SemanticVersion& a, const SemanticVersion& b) {
  return a.major == b.major;
}

bool same_minor(const SemanticVersion& a, const SemanticVersion& b) {
  return a.major == b.major && a.minor == b.minor;
}

}  // namespace cutover::flags
