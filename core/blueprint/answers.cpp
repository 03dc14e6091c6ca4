#include "blueprint/answers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <regex>

#include "blueprint/template_renderer.hpp"

namespace cutover::blueprint {

namespace {

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values)
    out += (out.empty() ? "" : ", ") + value;
  return out;
}

std::optional<bool> parse_bool(std::string_view text) {
  for (const auto word : {"true", "yes", "y", "1", "True", "Yes", "Y", "TRUE", "YES"}) {
    if (text == word)
      return true;
  }
  for (const auto word : {"false", "no", "n", "0", "False", "No", "N", "FALSE", "NO"}) {
    if (text == word)
      return false;
  }
  return std::nullopt;
}

// The value a parameter gets when nothing supplies one and it is not required.
Value empty_value(const Parameter& parameter) {
  switch (parameter.type) {
    case ParameterType::integer:
      return parameter.min.value_or(0);
    case ParameterType::boolean:
      return false;
    case ParameterType::enumeration:
      return parameter.values.front();
    case ParameterType::string:
      break;
  }
  return std::string{};
}

std::string example_of(const Parameter& parameter) {
  switch (parameter.type) {
    case ParameterType::integer:
      return parameter.min ? fmt::format("{}", *parameter.min) : "1";
    case ParameterType::boolean:
      return "true";
    case ParameterType::enumeration:
      return parameter.values.front();
    case ParameterType::string:
      break;
  }
  return "VALUE";
}

// The parameter's default, rendered with the answers so far and typed; nullopt when none.
std::expected<std::optional<Value>, std::string> default_value(const Parameter& parameter,
                                                               const Answers& answers) {
  const auto& value = parameter.default_value;
  if (value.is_null())
    return std::optional<Value>{};
  if (value.is_string()) {
    auto rendered = render_template(value.get<std::string>(), answers);
    if (!rendered)
      return std::unexpected("its default: " + rendered.error());
    auto parsed = parse_answer(parameter, *rendered);
    if (!parsed)
      return std::unexpected(fmt::format("its default '{}' {}", *rendered, parsed.error()));
    return std::optional<Value>{*parsed};
  }
  auto parsed = answer_from_json(parameter, value);
  if (!parsed)
    return std::unexpected("its default " + parsed.error());
  return std::optional<Value>{*parsed};
}

}  // namespace

std::string AnswerError::describe() const {
  std::string out =
      parameter.empty() ? message : fmt::format("parameter {}: {}", parameter, message);
  if (!fix.empty())
    out += " (fix: " + fix + ")";
  return out;
}

std::expected<void, std::string> check_answer(const Parameter& parameter, const Value& value) {
  switch (parameter.type) {
    case ParameterType::string: {
      const auto* text = std::get_if<std::string>(&value);
      if (!text)
        return std::unexpected(std::string("must be a string"));
      if (!parameter.pattern.empty() && !std::regex_match(*text, std::regex(parameter.pattern)))
        return std::unexpected(fmt::format("'{}' does not match {}", *text, parameter.pattern));
      return {};
    }
    case ParameterType::integer: {
      const auto* number = std::get_if<long long>(&value);
      if (!number)
        return std::unexpected(std::string("must be an integer"));
      if ((parameter.min && *number < *parameter.min) ||
          (parameter.max && *number > *parameter.max)) {
        return std::unexpected(
            fmt::format("{} is outside {}..{}", *number,
                        parameter.min ? fmt::format("{}", *parameter.min) : std::string(""),
                        parameter.max ? fmt::format("{}", *parameter.max) : std::string("")));
      }
      return {};
    }
    case ParameterType::boolean:
      if (!std::holds_alternative<bool>(value))
        return std::unexpected(std::string("must be true or false"));
      return {};
    case ParameterType::enumeration: {
      const auto* text = std::get_if<std::string>(&value);
      if (!text || std::find(parameter.values.begin(), parameter.values.end(), *text) ==
                       parameter.values.end()) {
        return std::unexpected(
            fmt::format("'{}' is not one of: {}", value_text(value), joined(parameter.values)));
      }
      return {};
    }
  }
  return {};
}

std::expected<Value, std::string> parse_answer(const Parameter& parameter, std::string_view text) {
  Value value;
  switch (parameter.type) {
    case ParameterType::string:
    case ParameterType::enumeration:
      value = std::string(text);
      break;
    case ParameterType::integer: {
      long long number = 0;
      const char* first = text.data();
      const char* last = text.data() + text.size();
      if (!text.empty() && text.front() == '+')
        ++first;
      const auto [end, ec] = std::from_chars(first, last, number);
      if (text.empty() || ec != std::errc{} || end != last)
        return std::unexpected(fmt::format("must be an integer, got '{}'", text));
      value = number;
      break;
    }
    case ParameterType::boolean: {
      const auto flag = parse_bool(text);
      if (!flag)
        return std::unexpected(fmt::format("must be true or false (or yes/no), got '{}'", text));
      value = *flag;
      break;
    }
  }
  if (auto checked = check_answer(parameter, value); !checked)
    return std::unexpected(checked.error());
  return value;
}

std::expected<Value, std::string> answer_from_json(const Parameter& parameter,
                                                   const nlohmann::json& json) {
  if (json.is_string())
    return parse_answer(parameter, json.get<std::string>());
  if (json.is_boolean() && parameter.type == ParameterType::boolean)
    return Value{json.get<bool>()};
  if (json.is_number_integer()) {
    if (parameter.type == ParameterType::integer) {
      const Value value = json.get<long long>();
      if (auto checked = check_answer(parameter, value); !checked)
        return std::unexpected(checked.error());
      return value;
    }
    return parse_answer(parameter, json.dump());
  }
  if (json.is_primitive() && !json.is_null())
    return parse_answer(parameter, json.dump());
  return std::unexpected(fmt::format("must be a {} scalar", type_name(parameter.type)));
}

std::expected<std::string, std::string> default_text(const Parameter& parameter,
                                                     const Answers& answers) {
  auto value = default_value(parameter, answers);
  if (!value)
    return std::unexpected(value.error());
  return *value ? value_text(**value) : std::string{};
}

nlohmann::json value_to_json(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value))
    return *text;
  if (const auto* number = std::get_if<long long>(&value))
    return *number;
  return std::get<bool>(value);
}

std::expected<Answers, AnswerError> resolve_answers(const Manifest& manifest,
                                                    const AnswerSources& sources) {
  if (sources.unknown == UnknownAnswers::refuse) {
    for (const auto& [name, text] : sources.set) {
      if (!manifest.parameter(name)) {
        return std::unexpected(
            AnswerError{name, fmt::format("blueprint {} has no such parameter", manifest.name),
                        fmt::format("see deploy blueprints show {}", manifest.name)});
      }
    }
    if (sources.file.is_object()) {
      for (const auto& [name, value] : sources.file.items()) {
        if (!manifest.parameter(name)) {
          return std::unexpected(AnswerError{
              name,
              fmt::format("in {}: blueprint {} has no such parameter", sources.file_name,
                          manifest.name),
              fmt::format("remove it, or see deploy blueprints show {}", manifest.name)});
        }
      }
    }
  }
  Answers answers;
  for (const auto& parameter : manifest.parameters) {
    const std::string how = fmt::format("--set {}={}", parameter.name, example_of(parameter));
    if (const auto it = sources.set.find(parameter.name); it != sources.set.end()) {
      auto value = parse_answer(parameter, it->second);
      if (!value)
        return std::unexpected(AnswerError{parameter.name, "--set: " + value.error(), how});
      answers[parameter.name] = *value;
      continue;
    }
    if (sources.file.is_object() && sources.file.contains(parameter.name)) {
      auto value = answer_from_json(parameter, sources.file[parameter.name]);
      if (!value) {
        return std::unexpected(
            AnswerError{parameter.name, fmt::format("in {}: {}", sources.file_name, value.error()),
                        fmt::format("edit {} or pass {}", sources.file_name, how)});
      }
      answers[parameter.name] = *value;
      continue;
    }
    auto fallback = default_value(parameter, answers);
    if (!fallback) {
      return std::unexpected(AnswerError{parameter.name, fallback.error(),
                                         fmt::format("pass {} (or fix the blueprint)", how)});
    }
    if (sources.prompter) {
      const std::string shown = *fallback ? value_text(**fallback) : std::string{};
      std::string error;
      while (true) {
        const auto line = sources.prompter->ask(parameter, shown, error);
        if (!line) {
          return std::unexpected(
              AnswerError{parameter.name, "no answer (end of input)", fmt::format("pass {}", how)});
        }
        if (line->empty() && *fallback) {
          answers[parameter.name] = **fallback;
          break;
        }
        if (line->empty() && !parameter.required) {
          answers[parameter.name] = empty_value(parameter);
          break;
        }
        if (line->empty()) {
          error = "a value is required";
          continue;
        }
        auto value = parse_answer(parameter, *line);
        if (value) {
          answers[parameter.name] = *value;
          break;
        }
        error = value.error();
      }
      continue;
    }
    if (*fallback) {
      answers[parameter.name] = **fallback;
      continue;
    }
    if (parameter.required) {
      return std::unexpected(AnswerError{parameter.name, "is required and has no value",
                                         fmt::format("pass {}, or an --answers file", how)});
    }
    answers[parameter.name] = empty_value(parameter);
  }
  return answers;
}

}  // namespace cutover::blueprint
