#include "blueprint/template_renderer.hpp"

#include <fmt/format.h>

#include <kainjow/mustache.hpp>

#include "blueprint/case_filter.hpp"
#include "util/text.hpp"

namespace cutover::blueprint {

namespace {

namespace mustache = kainjow::mustache;

std::string known_names(const Answers& answers) {
  std::string out;
  for (const auto& [name, value] : answers)
    out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? std::string("(none)") : out;
}

// The normalised name of a tag's body (`name` or `name|filter`), or an error.
std::expected<std::string, std::string> tag_name(std::string_view body, std::size_t at,
                                                 const Answers& answers) {
  const std::size_t bar = body.find('|');
  const std::string_view name = trim_blanks(body.substr(0, bar));
  if (name.empty())
    return std::unexpected(fmt::format("empty tag at {}", at));
  if (answers.find(name) == answers.end()) {
    return std::unexpected(fmt::format("unknown parameter '{}' at {}; the parameters are: {}", name,
                                       at, known_names(answers)));
  }
  if (bar == std::string_view::npos)
    return std::string(name);
  const std::string_view filter = trim_blanks(body.substr(bar + 1));
  if (!case_filter_named(filter)) {
    return std::unexpected(
        fmt::format("unknown filter '{}' at {}; the filters are kebab, snake, camel, pascal, upper",
                    filter, at));
  }
  return fmt::format("{}|{}", name, filter);
}

}  // namespace

std::expected<std::string, std::string> prepare_template(std::string_view text,
                                                         const Answers& answers) {
  std::string out;
  out.reserve(text.size());
  std::string open_delimiter = "{{";
  std::string close_delimiter = "}}";
  std::size_t position = 0;
  while (true) {
    const std::size_t open = text.find(open_delimiter, position);
    if (open == std::string_view::npos) {
      out.append(text.substr(position));
      return out;
    }
    out.append(text.substr(position, open - position));
    std::size_t body_start = open + open_delimiter.size();
    const bool braces = open_delimiter == "{{" && close_delimiter == "}}";
    const bool triple = braces && body_start < text.size() && text[body_start] == '{';
    const std::string closing = triple ? "}}}" : close_delimiter;
    if (triple)
      ++body_start;
    const std::size_t close = text.find(closing, body_start);
    if (close == std::string_view::npos) {
      return std::unexpected(fmt::format("unclosed tag at {}: close it with {}", open, closing));
    }
    std::string_view body = trim_blanks(text.substr(body_start, close - body_start));
    position = close + closing.size();
    char sigil = 0;
    if (!triple && !body.empty() &&
        std::string_view("#^/&!>=").find(body[0]) != std::string_view::npos) {
      sigil = body[0];
      body = trim_blanks(body.substr(1));
    }
    if (sigil == '!')
      continue;  // a comment renders as nothing
    if (sigil == '>') {
      return std::unexpected(fmt::format(
          "partials ({{{{> name}}}}) at {} are not supported in blueprints; inline the text",
          open));
    }
    if (sigil == '=') {
      // `{{=<% %>=}}`: new delimiters, e.g. for a GitHub workflow full of `${{ ... }}`. Passed
      // through to kainjow, which switches too.
      if (body.size() < 2 || body.back() != '=') {
        return std::unexpected(
            fmt::format("malformed delimiter change at {}; write it as {{{{=<% %>=}}}}", open));
      }
      const std::string_view pair = trim_blanks(body.substr(0, body.size() - 1));
      const std::size_t space = pair.find(' ');
      const std::string_view new_open = trim_blanks(pair.substr(0, space));
      const std::string_view new_close =
          space == std::string_view::npos ? std::string_view{} : trim_blanks(pair.substr(space));
      if (new_open.empty() || new_close.empty() || new_open.find('=') != std::string_view::npos ||
          new_close.find('=') != std::string_view::npos ||
          new_close.find(' ') != std::string_view::npos) {
        return std::unexpected(
            fmt::format("malformed delimiter change at {}; write it as {{{{=<% %>=}}}}", open));
      }
      out += fmt::format("{}={} {}={}", open_delimiter, new_open, new_close, close_delimiter);
      open_delimiter = std::string(new_open);
      close_delimiter = std::string(new_close);
      continue;
    }
    auto name = tag_name(body, open, answers);
    if (!name)
      return std::unexpected(name.error());
    // Every tag becomes a plain tag; `&` and triple braces mean the same since nothing is
    // escaped.
    out += open_delimiter;
    if (sigil != 0 && sigil != '&')
      out += sigil;
    out += *name;
    out += close_delimiter;
  }
}

std::expected<std::string, std::string> render_template(std::string_view text,
                                                        const Answers& answers) {
  if (text.find("{{") == std::string_view::npos)
    return std::string(text);  // no tag at all: skip kainjow's parse (most paths)
  auto prepared = prepare_template(text, answers);
  if (!prepared)
    return prepared;
  mustache::data data;
  for (const auto& [name, value] : answers) {
    if (const auto* flag = std::get_if<bool>(&value)) {
      data.set(name, mustache::data(*flag));
    } else {
      // An empty string is a false section, like a false bool.
      const std::string text_value = value_text(value);
      data.set(name, text_value.empty() ? mustache::data(false) : mustache::data(text_value));
    }
    for (const auto& [filter_name, filter] : case_filters()) {
      const std::string filtered = apply_case_filter(filter, value_text(value));
      data.set(fmt::format("{}|{}", name, filter_name),
               filtered.empty() ? mustache::data(false) : mustache::data(filtered));
    }
  }
  mustache::mustache renderer(*prepared);
  if (!renderer.is_valid())
    return std::unexpected(renderer.error_message());
  renderer.set_custom_escape([](const std::string& raw) { return raw; });
  std::string rendered = renderer.render(data);
  if (!renderer.is_valid())
    return std::unexpected(renderer.error_message());
  return rendered;
}

}  // namespace cutover::blueprint
