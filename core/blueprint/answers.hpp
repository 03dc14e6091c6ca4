#pragma once
// Answers to a blueprint's parameters: validation, and resolution from every source in order
// of precedence: --set > answers file > prompt > default.

#include <expected>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "blueprint/manifest.hpp"
#include "blueprint/value.hpp"

namespace cutover::blueprint {

/// Parses `text` (from --set or a prompt) as a value of `parameter` and checks it: the type
/// (int: decimal; bool: true/false/yes/no/y/n/1/0), then pattern, min/max, enum values. The
/// error is a sentence that ends with what is accepted.
std::expected<Value, std::string> parse_answer(const Parameter& parameter, std::string_view text);

/// The same for a typed YAML/JSON value (answers files): `port: 8080` and `port: '8080'` both
/// work; a bool must be a YAML bool or one of the words above.
std::expected<Value, std::string> answer_from_json(const Parameter& parameter,
                                                   const nlohmann::json& value);

/// Checks an already typed value against the parameter's constraints.
std::expected<void, std::string> check_answer(const Parameter& parameter, const Value& value);

/// Asks the user for one parameter (on a TTY). The seam between the resolution below and the
/// terminal; unit tests pass a scripted one.
class Prompter {
 public:
  virtual ~Prompter() = default;
  /// Shows the parameter's help, its constraints, `shown_default` (empty when none) and, when
  /// not empty, `previous_error` (why the last answer was refused); returns the line typed,
  /// without its newline, or nullopt at end of input.
  virtual std::optional<std::string> ask(const Parameter& parameter,
                                         const std::string& shown_default,
                                         const std::string& previous_error) = 0;
};

enum class UnknownAnswers { refuse, ignore };

struct AnswerSources {
  std::map<std::string, std::string, std::less<>> set;  // --set k=v, as text
  nlohmann::json file;           // --answers: a mapping of name to value (null when none)
  std::string file_name;         // for errors
  Prompter* prompter = nullptr;  // nullptr: no TTY or --no-input
  /// Answers for parameters the blueprint does not have: an error (a typo in --set), or
  /// dropped (`update` after a parameter was removed).
  UnknownAnswers unknown = UnknownAnswers::refuse;
};

struct AnswerError {
  std::string parameter;  // "" when not about one parameter
  std::string message;
  std::string fix;
  /// "parameter port: must be an integer, got 'x' (fix: --set port=8080)".
  [[nodiscard]] std::string describe() const;
};

/// Resolves every parameter in declaration order, so a derived default sees the answers before
/// it. A prompt is asked again until its answer is valid. A missing required value with no
/// prompter is an error naming the parameter and `--set NAME=...`. A parameter that is neither
/// required nor has a default gets "", false, its min (or 0), or its first enum value.
std::expected<Answers, AnswerError> resolve_answers(const Manifest& manifest,
                                                    const AnswerSources& sources);

/// The parameter's default as text for a prompt (a derived default rendered with `answers`),
/// or "" when it has none. Errors come from rendering.
std::expected<std::string, std::string> default_text(const Parameter& parameter,
                                                     const Answers& answers);

/// A value as JSON (string, integer or bool), for answers files.
nlohmann::json value_to_json(const Value& value);

}  // namespace cutover::blueprint
