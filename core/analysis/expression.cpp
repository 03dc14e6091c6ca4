#include "analysis/expression.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <system_error>
#include <utility>

namespace cutover::analysis {

namespace {

enum class TokenKind {
  end,
  number,
  identifier,
  left_paren,
  right_paren,
  left_bracket,
  right_bracket,
  comma,
  plus,
  minus,
  star,
  slash,
  bang,
  and_and,
  or_or,
  less,
  less_equal,
  greater,
  greater_equal,
  equal_equal,
  bang_equal,
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::size_t position = 0;
  std::string_view text;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_identifier_char(char c) {
  return is_identifier_start(c) || is_digit(c);
}

// How a token is named in "found ..." messages.
std::string describe(const Token& token) {
  if (token.kind == TokenKind::end) {
    return "end of condition";
  }
  return fmt::format("'{}'", token.text);
}

// Operator nodes never nest deeper than this, so evaluation (which recurses) has a bounded
// stack even for a 4 KiB chain such as `1+1+1+...`, which the parser builds with a loop.
constexpr int max_tree_depth = 256;

}  // namespace

// Recursive descent over the grammar in expression.hpp, building Expression::nodes_ and
// checking types as it goes. The first error stops the parse.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view source) : source_(source) {}

  std::expected<Expression, ExpressionError> run() {
    if (source_.size() > Expression::max_source_length) {
      return fail(Expression::max_source_length,
                  fmt::format("condition is longer than {} bytes at {}",
                              Expression::max_source_length, Expression::max_source_length));
    }
    if (!advance()) {
      return std::unexpected(*error_);
    }
    if (current_.kind == TokenKind::end) {
      return fail(
          current_.position,
          fmt::format("expected a condition at {}, found end of condition", current_.position));
    }
    const std::size_t start = current_.position;
    const auto root = parse_or();
    if (!root) {
      return std::unexpected(*error_);
    }
    if (current_.kind != TokenKind::end) {
      return fail(current_.position, fmt::format("expected an operator or end of condition at "
                                                 "{}, found {}",
                                                 current_.position, describe(current_)));
    }
    if (!expression_.nodes_[static_cast<std::size_t>(*root)].is_boolean) {
      return fail(start, fmt::format("expected a condition (true or false) at {}, found a number; "
                                     "compare it, e.g. 'result < 0.01'",
                                     start));
    }
    expression_.source_ = std::string(source_);
    expression_.root_ = *root;
    return std::move(expression_);
  }

 private:
  using Op = Expression::Op;
  using Parsed = std::optional<int>;  // a node index; nullopt once error_ is set

  static bool is_comparison(TokenKind kind) {
    return kind == TokenKind::less || kind == TokenKind::less_equal || kind == TokenKind::greater ||
           kind == TokenKind::greater_equal || kind == TokenKind::equal_equal ||
           kind == TokenKind::bang_equal;
  }

  std::unexpected<ExpressionError> fail(std::size_t position, std::string message) {
    if (!error_) {
      error_ = ExpressionError{position, std::move(message)};
    }
    return std::unexpected(*error_);
  }

  Parsed error(std::size_t position, std::string message) {
    (void)fail(position, std::move(message));
    return std::nullopt;
  }

  // Reads the next token into current_. False (with error_ set) on a character that starts
  // no token or a malformed number.
  bool advance() {
    std::size_t at = next_;
    while (at < source_.size() && (source_[at] == ' ' || source_[at] == '\t' ||
                                   source_[at] == '\n' || source_[at] == '\r')) {
      ++at;
    }
    current_ = Token{TokenKind::end, at, {}};
    if (at >= source_.size()) {
      next_ = at;
      return true;
    }
    const char c = source_[at];
    const auto single = [&](TokenKind kind) {
      current_ = Token{kind, at, source_.substr(at, 1)};
      next_ = at + 1;
      return true;
    };
    const auto pair = [&](char second, TokenKind both, std::optional<TokenKind> alone) {
      if (at + 1 < source_.size() && source_[at + 1] == second) {
        current_ = Token{both, at, source_.substr(at, 2)};
        next_ = at + 2;
        return true;
      }
      if (!alone) {
        (void)fail(at, fmt::format("unexpected character '{}' at {}; did you mean '{}{}'?", c, at,
                                   c, second));
        return false;
      }
      return single(*alone);
    };
    switch (c) {
      case '(':
        return single(TokenKind::left_paren);
      case ')':
        return single(TokenKind::right_paren);
      case '[':
        return single(TokenKind::left_bracket);
      case ']':
        return single(TokenKind::right_bracket);
      case ',':
        return single(TokenKind::comma);
      case '+':
        return single(TokenKind::plus);
      case '-':
        return single(TokenKind::minus);
      case '*':
        return single(TokenKind::star);
      case '/':
        return single(TokenKind::slash);
      case '!':
        return pair('=', TokenKind::bang_equal, TokenKind::bang);
      case '<':
        return pair('=', TokenKind::less_equal, TokenKind::less);
      case '>':
        return pair('=', TokenKind::greater_equal, TokenKind::greater);
      case '=':
        return pair('=', TokenKind::equal_equal, std::nullopt);
      case '&':
        return pair('&', TokenKind::and_and, std::nullopt);
      case '|':
        return pair('|', TokenKind::or_or, std::nullopt);
      default:
        break;
    }
    if (is_digit(c) || c == '.') {
      return lex_number(at);
    }
    if (is_identifier_start(c)) {
      std::size_t end = at + 1;
      while (end < source_.size() && is_identifier_char(source_[end])) {
        ++end;
      }
      current_ = Token{TokenKind::identifier, at, source_.substr(at, end - at)};
      next_ = end;
      return true;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      (void)fail(at, fmt::format("unexpected character '{}' at {}", c, at));
    } else {
      (void)fail(at, fmt::format("unexpected byte 0x{:02x} at {}", byte, at));
    }
    return false;
  }

  bool lex_number(std::size_t at) {
    std::size_t end = at;
    std::size_t digits = 0;
    while (end < source_.size() && is_digit(source_[end])) {
      ++end;
      ++digits;
    }
    if (end < source_.size() && source_[end] == '.') {
      ++end;
      while (end < source_.size() && is_digit(source_[end])) {
        ++end;
        ++digits;
      }
    }
    if (digits == 0) {
      (void)fail(at, fmt::format("expected a digit after '.' at {}", at));
      return false;
    }
    if (end < source_.size() && (source_[end] == 'e' || source_[end] == 'E')) {
      std::size_t exponent = end + 1;
      if (exponent < source_.size() && (source_[exponent] == '+' || source_[exponent] == '-')) {
        ++exponent;
      }
      if (exponent >= source_.size() || !is_digit(source_[exponent])) {
        (void)fail(exponent, fmt::format("expected the digits of an exponent at {}", exponent));
        return false;
      }
      while (exponent < source_.size() && is_digit(source_[exponent])) {
        ++exponent;
      }
      end = exponent;
    }
    if (end < source_.size() && (is_identifier_char(source_[end]) || source_[end] == '.')) {
      (void)fail(end, fmt::format("unexpected '{}' in a number at {}", source_[end], end));
      return false;
    }
    current_ = Token{TokenKind::number, at, source_.substr(at, end - at)};
    next_ = end;
    return true;
  }

  bool accept(TokenKind kind) {
    if (current_.kind != kind) {
      return false;
    }
    return advance();
  }

  bool is_word(std::string_view word) const {
    return current_.kind == TokenKind::identifier && current_.text == word;
  }

  // Consumes `kind` or fails with "expected <what> at N, found ...".
  bool expect(TokenKind kind, std::string_view what) {
    if (current_.kind != kind) {
      (void)fail(current_.position, fmt::format("expected {} at {}, found {}", what,
                                                current_.position, describe(current_)));
      return false;
    }
    return advance();
  }

  Parsed add(Expression::Node node, std::optional<int> left = std::nullopt,
             std::optional<int> right = std::nullopt) {
    int depth = 1;
    if (left) {
      node.left = *left;
      depth = std::max(depth, depths_[static_cast<std::size_t>(*left)] + 1);
    }
    if (right) {
      node.right = *right;
      depth = std::max(depth, depths_[static_cast<std::size_t>(*right)] + 1);
    }
    if (depth > max_tree_depth) {
      return error(node.position,
                   fmt::format("condition is too deeply nested at {} (more than {} operators)",
                               node.position, max_tree_depth));
    }
    expression_.nodes_.push_back(node);
    depths_.push_back(depth);
    return static_cast<int>(expression_.nodes_.size() - 1);
  }

  bool is_boolean(int node) const {
    return expression_.nodes_[static_cast<std::size_t>(node)].is_boolean;
  }
  std::size_t position_of(int node) const {
    return expression_.nodes_[static_cast<std::size_t>(node)].position;
  }

  // Type checks: each names where the wrong operand starts.
  bool need_number(int node, std::string_view context) {
    if (!is_boolean(node)) {
      return true;
    }
    (void)fail(position_of(node), fmt::format("expected a number at {} {}, found a condition",
                                              position_of(node), context));
    return false;
  }
  bool need_boolean(int node, std::string_view context) {
    if (is_boolean(node)) {
      return true;
    }
    (void)fail(position_of(node), fmt::format("expected a condition (true or false) at {} {}, "
                                              "found a number",
                                              position_of(node), context));
    return false;
  }

  // Counts one level of recursion; false (with error_ set) past Expression::max_nesting.
  bool enter(std::size_t position) {
    if (++nesting_ > Expression::max_nesting) {
      (void)fail(position, fmt::format("condition nests too deeply at {} (more than {} levels)",
                                       position, Expression::max_nesting));
      return false;
    }
    return true;
  }

  struct Leave {
    int& nesting;
    ~Leave() { --nesting; }
  };

  Parsed parse_or() {
    auto left = parse_and();
    while (left && (current_.kind == TokenKind::or_or || is_word("or"))) {
      const Token op = current_;
      if (!advance()) {
        return std::nullopt;
      }
      auto right = parse_and();
      if (!right) {
        return std::nullopt;
      }
      if (!need_boolean(*left, fmt::format("on the left side of '{}'", op.text)) ||
          !need_boolean(*right, fmt::format("on the right side of '{}'", op.text))) {
        return std::nullopt;
      }
      left = add({.op = Op::logical_or, .is_boolean = true, .position = position_of(*left)}, left,
                 right);
    }
    return left;
  }

  Parsed parse_and() {
    auto left = parse_not();
    while (left && (current_.kind == TokenKind::and_and || is_word("and"))) {
      const Token op = current_;
      if (!advance()) {
        return std::nullopt;
      }
      auto right = parse_not();
      if (!right) {
        return std::nullopt;
      }
      if (!need_boolean(*left, fmt::format("on the left side of '{}'", op.text)) ||
          !need_boolean(*right, fmt::format("on the right side of '{}'", op.text))) {
        return std::nullopt;
      }
      left = add({.op = Op::logical_and, .is_boolean = true, .position = position_of(*left)}, left,
                 right);
    }
    return left;
  }

  Parsed parse_not() {
    if (current_.kind == TokenKind::bang || is_word("not")) {
      const Token op = current_;
      if (!enter(op.position)) {
        return std::nullopt;
      }
      Leave leave{nesting_};
      if (!advance()) {
        return std::nullopt;
      }
      auto operand = parse_not();
      if (!operand || !need_boolean(*operand, fmt::format("after '{}'", op.text))) {
        return std::nullopt;
      }
      return add({.op = Op::logical_not, .is_boolean = true, .position = op.position}, operand);
    }
    return parse_comparison();
  }

  Parsed parse_comparison() {
    auto left = parse_sum();
    if (!left || !is_comparison(current_.kind)) {
      return left;
    }
    const Token op = current_;
    if (!advance()) {
      return std::nullopt;
    }
    auto right = parse_sum();
    if (!right) {
      return std::nullopt;
    }
    if (is_comparison(current_.kind)) {
      return error(current_.position,
                   fmt::format("comparisons cannot be chained at {}: join them with '&&'",
                               current_.position));
    }
    Op kind = Op::less;
    switch (op.kind) {
      case TokenKind::less:
        kind = Op::less;
        break;
      case TokenKind::less_equal:
        kind = Op::less_equal;
        break;
      case TokenKind::greater:
        kind = Op::greater;
        break;
      case TokenKind::greater_equal:
        kind = Op::greater_equal;
        break;
      case TokenKind::equal_equal:
        kind = Op::equal;
        break;
      default:
        kind = Op::not_equal;
        break;
    }
    if (kind == Op::equal || kind == Op::not_equal) {
      if (is_boolean(*left) != is_boolean(*right)) {
        return error(op.position,
                     fmt::format("cannot compare a {} with a {} at {}",
                                 is_boolean(*left) ? "condition" : "number",
                                 is_boolean(*right) ? "condition" : "number", op.position));
      }
    } else if (!need_number(*left, fmt::format("on the left side of '{}'", op.text)) ||
               !need_number(*right, fmt::format("on the right side of '{}'", op.text))) {
      return std::nullopt;
    }
    return add({.op = kind, .is_boolean = true, .position = position_of(*left)}, left, right);
  }

  Parsed parse_sum() {
    auto left = parse_product();
    while (left && (current_.kind == TokenKind::plus || current_.kind == TokenKind::minus)) {
      const Token op = current_;
      if (!advance()) {
        return std::nullopt;
      }
      auto right = parse_product();
      if (!right) {
        return std::nullopt;
      }
      if (!need_number(*left, fmt::format("on the left side of '{}'", op.text)) ||
          !need_number(*right, fmt::format("on the right side of '{}'", op.text))) {
        return std::nullopt;
      }
      left = add({.op = op.kind == TokenKind::plus ? Op::add : Op::subtract,
                  .position = position_of(*left)},
                 left, right);
    }
    return left;
  }

  Parsed parse_product() {
    auto left = parse_unary();
    while (left && (current_.kind == TokenKind::star || current_.kind == TokenKind::slash)) {
      const Token op = current_;
      if (!advance()) {
        return std::nullopt;
      }
      auto right = parse_unary();
      if (!right) {
        return std::nullopt;
      }
      if (!need_number(*left, fmt::format("on the left side of '{}'", op.text)) ||
          !need_number(*right, fmt::format("on the right side of '{}'", op.text))) {
        return std::nullopt;
      }
      left = add({.op = op.kind == TokenKind::star ? Op::multiply : Op::divide,
                  .position = position_of(*left)},
                 left, right);
    }
    return left;
  }

  Parsed parse_unary() {
    if (current_.kind != TokenKind::minus) {
      return parse_primary();
    }
    const Token op = current_;
    if (!enter(op.position)) {
      return std::nullopt;
    }
    Leave leave{nesting_};
    if (!advance()) {
      return std::nullopt;
    }
    auto operand = parse_unary();
    if (!operand || !need_number(*operand, "after '-'")) {
      return std::nullopt;
    }
    return add({.op = Op::negate, .position = op.position}, operand);
  }

  Parsed parse_primary() {
    const Token token = current_;
    switch (token.kind) {
      case TokenKind::number:
        return parse_number(token);
      case TokenKind::left_paren: {
        if (!enter(token.position)) {
          return std::nullopt;
        }
        Leave leave{nesting_};
        if (!advance()) {
          return std::nullopt;
        }
        auto inner = parse_or();
        if (!inner || !expect(TokenKind::right_paren, "')'")) {
          return std::nullopt;
        }
        return inner;
      }
      case TokenKind::identifier:
        return parse_word(token);
      case TokenKind::end:
        return error(token.position,
                     fmt::format("expected a value at {}, found end of condition", token.position));
      default:
        return error(token.position, fmt::format("expected a value at {}, found {}", token.position,
                                                 describe(token)));
    }
  }

  Parsed parse_number(const Token& token) {
    double value = 0;
    const char* first = token.text.data();
    const char* last = first + token.text.size();
    const auto [end, code] = std::from_chars(first, last, value);
    if (code == std::errc::result_out_of_range) {
      return error(token.position,
                   fmt::format("number '{}' at {} is out of range", token.text, token.position));
    }
    if (code != std::errc{} || end != last) {
      return error(token.position,
                   fmt::format("malformed number '{}' at {}", token.text, token.position));
    }
    if (!advance()) {
      return std::nullopt;
    }
    return add({.op = Op::number, .number = value, .position = token.position});
  }

  Parsed parse_word(const Token& token) {
    const std::string_view word = token.text;
    if (word == "true" || word == "false") {
      if (!advance()) {
        return std::nullopt;
      }
      return add({.op = Op::boolean,
                  .is_boolean = true,
                  .number = word == "true" ? 1.0 : 0.0,
                  .position = token.position});
    }
    if (word == "result") {
      return parse_result(token);
    }
    if (word == "len") {
      return parse_len(token);
    }
    if (word == "isNaN" || word == "isInf" || word == "abs") {
      const Op op = word == "isNaN" ? Op::is_nan : word == "isInf" ? Op::is_inf : Op::abs;
      return parse_call(token, op, 1);
    }
    if (word == "min" || word == "max") {
      return parse_call(token, word == "min" ? Op::min : Op::max, 2);
    }
    if (word == "and" || word == "or" || word == "not") {
      return error(token.position,
                   fmt::format("expected a value at {}, found '{}'", token.position, word));
    }
    return error(token.position,
                 fmt::format("unknown name '{}' at {}; known: result, len, isNaN, isInf, abs, "
                             "min, max, true, false",
                             word, token.position));
  }

  Parsed parse_result(const Token& token) {
    if (!advance()) {
      return std::nullopt;
    }
    std::size_t index = 0;
    if (current_.kind == TokenKind::left_bracket) {
      if (!advance()) {
        return std::nullopt;
      }
      const Token digits = current_;
      const bool integer = digits.kind == TokenKind::number &&
                           std::all_of(digits.text.begin(), digits.text.end(), is_digit);
      if (!integer) {
        return error(digits.position, fmt::format("expected an index (0, 1, ...) at {}, found {}",
                                                  digits.position, describe(digits)));
      }
      const auto [end, code] =
          std::from_chars(digits.text.data(), digits.text.data() + digits.text.size(), index);
      if (code != std::errc{}) {
        return error(digits.position,
                     fmt::format("index {} is too large at {}", digits.text, digits.position));
      }
      if (!advance() || !expect(TokenKind::right_bracket, "']'")) {
        return std::nullopt;
      }
    }
    return add({.op = Op::result_at, .index = index, .position = token.position});
  }

  Parsed parse_len(const Token& token) {
    if (!advance() || !expect(TokenKind::left_paren, "'(' after 'len'")) {
      return std::nullopt;
    }
    if (!is_word("result")) {
      return error(current_.position, fmt::format("expected 'result' at {}, found {}; len() "
                                                  "counts the values of the result",
                                                  current_.position, describe(current_)));
    }
    if (!advance() || !expect(TokenKind::right_paren, "')'")) {
      return std::nullopt;
    }
    return add({.op = Op::len, .position = token.position});
  }

  Parsed parse_call(const Token& token, Op op, int arity) {
    if (!enter(token.position)) {
      return std::nullopt;
    }
    Leave leave{nesting_};
    if (!advance() || !expect(TokenKind::left_paren, fmt::format("'(' after '{}'", token.text))) {
      return std::nullopt;
    }
    const std::string context = fmt::format("in the argument of '{}'", token.text);
    auto first = parse_or();
    if (!first || !need_number(*first, context)) {
      return std::nullopt;
    }
    std::optional<int> second;
    if (arity == 2) {
      if (!expect(TokenKind::comma, fmt::format("',' and a second argument of '{}'", token.text))) {
        return std::nullopt;
      }
      second = parse_or();
      if (!second || !need_number(*second, context)) {
        return std::nullopt;
      }
    }
    if (current_.kind == TokenKind::comma) {
      return error(current_.position, fmt::format("too many arguments for '{}' at {}: it takes {}",
                                                  token.text, current_.position, arity));
    }
    if (!expect(TokenKind::right_paren, "')'")) {
      return std::nullopt;
    }
    const bool boolean = op == Op::is_nan || op == Op::is_inf;
    return add({.op = op, .is_boolean = boolean, .position = token.position}, first, second);
  }

  std::string_view source_;
  std::size_t next_ = 0;
  Token current_;
  int nesting_ = 0;
  std::optional<ExpressionError> error_;
  Expression expression_;
  std::vector<int> depths_;
};

std::expected<Expression, ExpressionError> Expression::parse(std::string_view source) {
  return ExpressionParser(source).run();
}

std::expected<bool, std::string> Expression::evaluate(std::span<const double> result) const {
  if (root_ < 0) {
    return std::unexpected("the condition is empty");
  }
  return boolean_at(root_, result);
}

std::expected<double, std::string> Expression::number_at(int index,
                                                         std::span<const double> result) const {
  const Node& node = nodes_[static_cast<std::size_t>(index)];
  switch (node.op) {
    case Op::number:
      return node.number;
    case Op::result_at:
      if (result.empty()) {
        return std::unexpected(
            fmt::format("the query returned no data, so 'result' at {} has no value; test "
                        "len(result) == 0 first",
                        node.position));
      }
      if (node.index >= result.size()) {
        return std::unexpected(
            fmt::format("result[{}] at {} is out of range: the query returned {} "
                        "value{}",
                        node.index, node.position, result.size(), result.size() == 1 ? "" : "s"));
      }
      return result[node.index];
    case Op::len:
      return static_cast<double>(result.size());
    default:
      break;
  }
  const auto left = number_at(node.left, result);
  if (!left) {
    return left;
  }
  if (node.op == Op::negate) {
    return -*left;
  }
  if (node.op == Op::abs) {
    return std::fabs(*left);
  }
  const auto right = number_at(node.right, result);
  if (!right) {
    return right;
  }
  switch (node.op) {
    case Op::add:
      return *left + *right;
    case Op::subtract:
      return *left - *right;
    case Op::multiply:
      return *left * *right;
    case Op::divide:
      return *left / *right;
    case Op::min:
      return std::isnan(*left) || std::isnan(*right) ? std::numeric_limits<double>::quiet_NaN()
                                                     : std::min(*left, *right);
    case Op::max:
      return std::isnan(*left) || std::isnan(*right) ? std::numeric_limits<double>::quiet_NaN()
                                                     : std::max(*left, *right);
    default:
      return std::unexpected(
          fmt::format("internal error: a condition at {} used as a number", node.position));
  }
}

std::expected<bool, std::string> Expression::boolean_at(int index,
                                                        std::span<const double> result) const {
  const Node& node = nodes_[static_cast<std::size_t>(index)];
  switch (node.op) {
    case Op::boolean:
      return node.number != 0;
    case Op::logical_not: {
      const auto operand = boolean_at(node.left, result);
      if (!operand) {
        return operand;
      }
      return !*operand;
    }
    case Op::logical_and: {
      const auto left = boolean_at(node.left, result);
      if (!left || !*left) {
        return left;
      }
      return boolean_at(node.right, result);
    }
    case Op::logical_or: {
      const auto left = boolean_at(node.left, result);
      if (!left || *left) {
        return left;
      }
      return boolean_at(node.right, result);
    }
    case Op::is_nan:
    case Op::is_inf: {
      const auto operand = number_at(node.left, result);
      if (!operand) {
        return std::unexpected(operand.error());
      }
      return node.op == Op::is_nan ? std::isnan(*operand) : std::isinf(*operand);
    }
    case Op::equal:
    case Op::not_equal:
      if (nodes_[static_cast<std::size_t>(node.left)].is_boolean) {
        const auto left = boolean_at(node.left, result);
        if (!left) {
          return left;
        }
        const auto right = boolean_at(node.right, result);
        if (!right) {
          return right;
        }
        return (*left == *right) == (node.op == Op::equal);
      }
      break;
    default:
      break;
  }
  const auto left = number_at(node.left, result);
  if (!left) {
    return std::unexpected(left.error());
  }
  const auto right = number_at(node.right, result);
  if (!right) {
    return std::unexpected(right.error());
  }
  // The built-in operators already give IEEE 754's answers for NaN.
  switch (node.op) {
    case Op::less:
      return *left < *right;
    case Op::less_equal:
      return *left <= *right;
    case Op::greater:
      return *left > *right;
    case Op::greater_equal:
      return *left >= *right;
    case Op::equal:
      return *left == *right;
    case Op::not_equal:
      return *left != *right;
    default:
      return std::unexpected(
          fmt::format("internal error: a number at {} used as a condition", node.position));
  }
}

}  // namespace cutover::analysis
