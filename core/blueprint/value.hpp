#pragma once
// An answer to a blueprint parameter, and the set of answers a render works from.

#include <map>
#include <string>
#include <variant>

namespace cutover::blueprint {

/// A string or enum answer is a std::string, an int a long long, a bool a bool.
using Value = std::variant<std::string, long long, bool>;

/// Answers by parameter name.
using Answers = std::map<std::string, Value, std::less<>>;

/// The text of a value as templates and `when:` comparisons see it: strings as they are,
/// integers in decimal, booleans as `true`/`false`.
std::string value_text(const Value& value);

/// Whether a value counts as true in a `when:` condition or a `{{#section}}`: a true bool, a
/// non-empty string, a non-zero integer.
bool value_truthy(const Value& value);

}  // namespace cutover::blueprint
