#include "kube/label_selector.hpp"

#include <algorithm>

namespace cutover::kube {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

// A label key or value as the API allows them, loosely: no spaces, no operators, no parens.
bool plain(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '=' || c == '!' || c == '(' || c == ')' || c == ',';
  });
}

}  // namespace

std::optional<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  if (trim(text).empty())
    return selector;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view raw = trim(text.substr(0, comma));
    Term term;
    if (const auto ne = raw.find("!="); ne != std::string_view::npos) {
      term = {std::string(trim(raw.substr(0, ne))), Op::not_equals,
              std::string(trim(raw.substr(ne + 2)))};
    } else if (const auto eq = raw.find('='); eq != std::string_view::npos) {
      std::string_view value = raw.substr(eq + 1);
      if (!value.empty() && value.front() == '=')
        value.remove_prefix(1);  // `==`
      term = {std::string(trim(raw.substr(0, eq))), Op::equals, std::string(trim(value))};
    } else if (!raw.empty() && raw.front() == '!') {
      term = {std::string(trim(raw.substr(1))), Op::not_exists, {}};
    } else {
      term = {std::string(raw), Op::exists, {}};
    }
    if (term.key.empty() || !plain(term.key) || !plain(term.value))
      return std::nullopt;  // malformed, or set-based (`a in (b)`: a space in the key)
    selector.terms_.push_back(std::move(term));
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return selector;
}

bool LabelSelector::matches(const Json& labels) const {
  return std::all_of(terms_.begin(), terms_.end(), [&](const Term& term) {
    const Json* value = nullptr;
    if (labels.is_object()) {
      const auto it = labels.find(term.key);
      if (it != labels.end() && it->is_string())
        value = &*it;
    }
    switch (term.op) {
      case Op::exists:
        return value != nullptr;
      case Op::not_exists:
        return value == nullptr;
      case Op::equals:
        return value != nullptr && value->get_ref<const std::string&>() == term.value;
      case Op::not_equals:
        return value == nullptr || value->get_ref<const std::string&>() != term.value;
    }
    return false;
  });
}

std::optional<std::string> LabelSelector::required(const std::string& key) const {
  for (const auto& term : terms_) {
    if (term.key == key && term.op == Op::equals)
      return term.value;
  }
  return std::nullopt;
}

}  // namespace cutover::kube
