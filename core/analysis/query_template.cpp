#include "analysis/query_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <regex>

namespace cutover::analysis {

namespace {

constexpr std::array kRolloutFields = {
    "name",       "namespace",  "stableRevision", "currentRevision",
    "stableSlot", "canarySlot", "stablePods",     "canaryPods"};
constexpr std::array kFlagFields = {"key", "variant", "otherVariant", "featureFlag"};
constexpr std::array kMigrationFields = {"from", "to", "path", "pathRegex"};

bool known(std::string_view name) {
  if (name == "window")
    return true;
  if (name.starts_with("args.")) {
    static const std::regex arg(R"([A-Za-z_][A-Za-z0-9_-]*)");
    return std::regex_match(name.begin() + 5, name.end(), arg);
  }
  if (name.starts_with("rollout.")) {
    const auto field = name.substr(8);
    for (const char* f : kRolloutFields) {
      if (field == f)
        return true;
    }
  }
  if (name.starts_with("flag.")) {
    const auto field = name.substr(5);
    for (const char* f : kFlagFields) {
      if (field == f)
        return true;
    }
  }
  if (name.starts_with("migration.")) {
    const auto field = name.substr(10);
    for (const char* f : kMigrationFields) {
      if (field == f)
        return true;
    }
  }
  return false;
}

// A value placed outside any PromQL string literal must be one token that cannot change the
// query's structure.
bool bare_token(const std::string& value) {
  static const std::regex number(R"(-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?)");
  static const std::regex duration(R"(([0-9]+(ms|s|m|h|d|w|y))+)");
  static const std::regex identifier(R"([A-Za-z_:][A-Za-z0-9_:]*)");
  return std::regex_match(value, number) || std::regex_match(value, duration) ||
         std::regex_match(value, identifier);
}

std::expected<std::string, std::string> escape(const std::string& name, const std::string& value,
                                               char quote) {
  if (quote == 0) {
    if (!bare_token(value)) {
      return std::unexpected(fmt::format(
          "{{{{{}}}}} is outside quotes, so its value must be a number, a duration or a name; "
          "\"{}\" is none of these (put the placeholder inside \"...\" to use it as a string)",
          name, value.substr(0, 80)));
    }
    return value;
  }
  if (quote == '`') {
    if (value.find('`') != std::string::npos)
      return std::unexpected(fmt::format("the value of {{{{{}}}}} contains a backtick", name));
    // A raw string has no escapes, and "{{" would be read as a placeholder when {{window}} is
    // rendered later.
    if (value.find("{{") != std::string::npos || value.ends_with('{')) {
      return std::unexpected(fmt::format(
          "the value of {{{{{}}}}} contains \"{{{{\" (put the placeholder inside \"...\")", name));
    }
    return value;
  }
  std::string out;
  for (const char c : value) {
    if (c == '{') {
      // The same character as PromQL reads it, but never the start of a placeholder when the
      // rendered query is rendered again for {{window}}.
      out += "\\x7b";
    } else if (c == '\\' || c == quote) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}

// Walks `text`, calling `on_placeholder(name, quote)` for each placeholder and `on_text` for
// the rest. `quote` is the string literal the placeholder sits in (0 for none).
template <typename OnText, typename OnPlaceholder>
std::expected<void, std::string> walk(std::string_view text, OnText on_text,
                                      OnPlaceholder on_placeholder) {
  char quote = 0;
  bool comment = false;  // PromQL comments run from '#' outside a string to the end of the line
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") == 0) {
      const auto close = text.find("}}", i + 2);
      if (close == std::string_view::npos)
        return std::unexpected(fmt::format("unclosed \"{{{{\" at offset {}", i));
      std::string name(text.substr(i + 2, close - i - 2));
      // Trim spaces: {{ args.x }} is the same placeholder.
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      if (!known(name)) {
        return std::unexpected(
            fmt::format("unknown placeholder {{{{{}}}}} (use args.NAME, window, rollout.{{name, "
                        "namespace, stableRevision, currentRevision, stableSlot, canarySlot, "
                        "stablePods, canaryPods}}, flag.{{key, variant, otherVariant, "
                        "featureFlag}} or migration.{{from, to, path, pathRegex}})",
                        name.substr(0, 80)));
      }
      // In a comment a value is held to the bare-token rule: it cannot end the comment.
      if (auto ok = on_placeholder(name, comment ? 0 : quote); !ok)
        return ok;
      i = close + 2;
      continue;
    }
    const char c = text[i];
    if (comment) {
      comment = c != '\n';
      on_text(text.substr(i, 1));
      ++i;
      continue;
    }
    if (quote != 0 && quote != '`' && c == '\\' && i + 1 < text.size()) {
      on_text(text.substr(i, 2));
      i += 2;
      continue;
    }
    if (quote == 0 && c == '#') {
      comment = true;
    } else if (quote == 0 && (c == '"' || c == '\'' || c == '`')) {
      quote = c;
    } else if (quote != 0 && c == quote) {
      quote = 0;
    }
    on_text(text.substr(i, 1));
    ++i;
  }
  return {};
}

}  // namespace

std::expected<std::vector<std::string>, std::string> template_placeholders(std::string_view text) {
  std::vector<std::string> names;
  auto ok = walk(
      text, [](std::string_view) {},
      [&](const std::string& name, char) -> std::expected<void, std::string> {
        names.push_back(name);
        return {};
      });
  if (!ok)
    return std::unexpected(ok.error());
  return names;
}

std::expected<std::string, std::string> render_template(std::string_view text,
                                                        const TemplateValues& values,
                                                        const std::vector<std::string>& keep) {
  std::string out;
  out.reserve(text.size());
  auto ok = walk(
      text, [&](std::string_view part) { out += part; },
      [&](const std::string& name, char quote) -> std::expected<void, std::string> {
        if (std::find(keep.begin(), keep.end(), name) != keep.end()) {
          out += "{{" + name + "}}";
          return {};
        }
        const auto it = values.find(name);
        if (it == values.end()) {
          return std::unexpected(fmt::format("{{{{{}}}}} has no value{}", name,
                                             name.starts_with("args.")
                                                 ? " (give it in the policy's args or the "
                                                   "Rollout's analysis args)"
                                                 : ""));
        }
        auto escaped = escape(name, it->second, quote);
        if (!escaped)
          return std::unexpected(escaped.error());
        out += *escaped;
        return {};
      });
  if (!ok)
    return std::unexpected(ok.error());
  return out;
}

}  // namespace cutover::analysis
