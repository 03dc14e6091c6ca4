#include "blueprint/case_filter.hpp"

#include <array>

namespace cutover::blueprint {

namespace {

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_upper(c) || is_lower(c) || is_digit(c);
}
char to_lower(char c) {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}
char to_upper(char c) {
  return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string lowered(std::string_view word) {
  std::string out;
  for (char c : word)
    out += to_lower(c);
  return out;
}

std::string capitalised(std::string_view word) {
  std::string out = lowered(word);
  if (!out.empty())
    out[0] = to_upper(out[0]);
  return out;
}

std::string joined(const std::vector<std::string>& words, std::string_view separator,
                   std::string (*transform)(std::string_view)) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0)
      out += separator;
    out += transform(words[i]);
  }
  return out;
}

constexpr std::array<std::pair<std::string_view, CaseFilter>, 5> kFilters{{
    {"kebab", CaseFilter::kebab},
    {"snake", CaseFilter::snake},
    {"camel", CaseFilter::camel},
    {"pascal", CaseFilter::pascal},
    {"upper", CaseFilter::upper},
}};

}  // namespace

std::optional<CaseFilter> case_filter_named(std::string_view name) {
  for (const auto& [filter_name, filter] : kFilters) {
    if (filter_name == name)
      return filter;
  }
  return std::nullopt;
}

std::span<const std::pair<std::string_view, CaseFilter>> case_filters() {
  return kFilters;
}

std::vector<std::string> split_words(std::string_view value) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty())
      words.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (!is_alnum(c)) {
      flush();
      continue;
    }
    if (is_upper(c) && !current.empty()) {
      const char previous = current.back();
      const bool next_lower = i + 1 < value.size() && is_lower(value[i + 1]);
      // myService: a capital after a lower-case letter or digit starts a word; HTTPServer: the
      // last capital of a run starts one when a lower-case letter follows.
      if (is_lower(previous) || is_digit(previous) || (is_upper(previous) && next_lower))
        flush();
    }
    current += c;
  }
  flush();
  return words;
}

std::string apply_case_filter(CaseFilter filter, std::string_view value) {
  const auto words = split_words(value);
  switch (filter) {
    case CaseFilter::kebab:
      return joined(words, "-", lowered);
    case CaseFilter::snake:
      return joined(words, "_", lowered);
    case CaseFilter::pascal:
      return joined(words, "", capitalised);
    case CaseFilter::camel: {
      std::string out = joined(words, "", capitalised);
      if (!words.empty())
        out.replace(0, words[0].size(), lowered(words[0]));
      return out;
    }
    case CaseFilter::upper: {
      std::string out = joined(words, "_", lowered);
      for (char& c : out)
        c = to_upper(c);
      return out;
    }
  }
  return std::string(value);
}

}  // namespace cutover::blueprint
