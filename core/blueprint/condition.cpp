#include "blueprint/condition.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cutover::blueprint {

namespace {

bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_identifier_char(char c) {
  return is_identifier_start(c) || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

// Recursive descent over the grammar in condition.hpp.
class ConditionParser {
 public:
  ConditionParser(std::string_view source, Condition& out) : source_(source), out_(out) {}

  std::expected<int, ConditionError> parse() {
    auto root = or_expr(0);
    if (!root)
      return root;
    skip_space();
    if (position_ < source_.size())
      return fail(fmt::format("unexpected '{}' at {}", source_[position_], position_));
    return root;
  }

 private:
  std::unexpected<ConditionError> fail(std::string message) const {
    return std::unexpected(ConditionError{position_, std::move(message)});
  }

  std::string found() const {
    return position_ < source_.size() ? fmt::format("'{}'", source_[position_])
                                      : std::string("end of condition");
  }

  void skip_space() {
    while (position_ < source_.size() &&
           (source_[position_] == ' ' || source_[position_] == '\t' || source_[position_] == '\n'))
      ++position_;
  }

  bool accept(std::string_view token) {
    skip_space();
    if (source_.substr(position_, token.size()) != token)
      return false;
    position_ += token.size();
    return true;
  }

  int add(Condition::Node node) {
    out_.nodes_.push_back(std::move(node));
    return static_cast<int>(out_.nodes_.size() - 1);
  }

  std::expected<int, ConditionError> or_expr(int depth) {
    auto left = and_expr(depth);
    while (left && accept("||")) {
      auto right = and_expr(depth);
      if (!right)
        return right;
      left = add({Condition::Op::logical_or, {}, {}, *left, *right});
    }
    return left;
  }

  std::expected<int, ConditionError> and_expr(int depth) {
    auto left = unary(depth);
    while (left && accept("&&")) {
      auto right = unary(depth);
      if (!right)
        return right;
      left = add({Condition::Op::logical_and, {}, {}, *left, *right});
    }
    return left;
  }

  std::expected<int, ConditionError> unary(int depth) {
    if (depth >= Condition::max_nesting)
      return fail(fmt::format("nested deeper than {} at {}", Condition::max_nesting, position_));
    skip_space();
    // `!` but not the start of `!=` (which cannot begin an operand anyway).
    if (position_ < source_.size() && source_[position_] == '!' &&
        source_.substr(position_, 2) != "!=") {
      ++position_;
      auto operand = unary(depth + 1);
      if (!operand)
        return operand;
      return add({Condition::Op::negate, {}, {}, *operand, -1});
    }
    return primary(depth);
  }

  std::expected<int, ConditionError> primary(int depth) {
    skip_space();
    if (accept("(")) {
      auto inner = or_expr(depth + 1);
      if (!inner)
        return inner;
      if (!accept(")"))
        return fail(fmt::format("expected ')' at {}, found {}", position_, found()));
      return inner;
    }
    if (position_ >= source_.size() || !is_identifier_start(source_[position_])) {
      return fail(
          fmt::format("expected a parameter name or '(' at {}, found {}", position_, found()));
    }
    const std::size_t start = position_;
    while (position_ < source_.size() && is_identifier_char(source_[position_]))
      ++position_;
    std::string name(source_.substr(start, position_ - start));
    if (std::find(out_.identifiers_.begin(), out_.identifiers_.end(), name) ==
        out_.identifiers_.end())
      out_.identifiers_.push_back(name);
    Condition::Op op = Condition::Op::truthy;
    if (accept("=="))
      op = Condition::Op::equal;
    else if (accept("!="))
      op = Condition::Op::not_equal;
    else
      return add({op, std::move(name), {}, -1, -1});
    skip_space();
    if (position_ >= source_.size() || (source_[position_] != '\'' && source_[position_] != '"'))
      return fail(fmt::format("expected a quoted literal at {}, found {} (fix: {} == 'value')",
                              position_, found(), name));
    const char quote = source_[position_];
    const std::size_t literal_start = ++position_;
    while (position_ < source_.size() && source_[position_] != quote)
      ++position_;
    if (position_ >= source_.size())
      return fail(fmt::format("unterminated literal starting at {}", literal_start - 1));
    std::string literal(source_.substr(literal_start, position_ - literal_start));
    ++position_;
    return add({op, std::move(name), std::move(literal), -1, -1});
  }

  std::string_view source_;
  Condition& out_;
  std::size_t position_ = 0;
};

std::expected<Condition, ConditionError> Condition::parse(std::string_view source) {
  if (source.size() > max_source_length) {
    return std::unexpected(
        ConditionError{max_source_length, fmt::format("longer than {} bytes", max_source_length)});
  }
  Condition condition;
  condition.source_ = std::string(source);
  ConditionParser parser(source, condition);
  auto root = parser.parse();
  if (!root)
    return std::unexpected(root.error());
  condition.root_ = *root;
  return condition;
}

bool Condition::evaluate(const Answers& answers) const {
  return evaluate_at(root_, answers);
}

bool Condition::evaluate_at(int index, const Answers& answers) const {
  const Node& node = nodes_[static_cast<std::size_t>(index)];
  auto text_of = [&](const std::string& name) {
    const auto it = answers.find(name);
    return it == answers.end() ? std::string{} : value_text(it->second);
  };
  switch (node.op) {
    case Op::truthy: {
      const auto it = answers.find(node.name);
      return it != answers.end() && value_truthy(it->second);
    }
    case Op::equal:
      return text_of(node.name) == node.literal;
    case Op::not_equal:
      return text_of(node.name) != node.literal;
    case Op::negate:
      return !evaluate_at(node.left, answers);
    case Op::logical_and:
      return evaluate_at(node.left, answers) && evaluate_at(node.right, answers);
    case Op::logical_or:
      return evaluate_at(node.left, answers) || evaluate_at(node.right, answers);
  }
  return false;
}

}  // namespace cutover::blueprint
