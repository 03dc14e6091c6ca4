#include "analysis/expression.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::analysis {
namespace {

using ::testing::HasSubstr;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// Parses `source` (which must parse) and evaluates it against `result`.
bool holds(std::string_view source, std::vector<double> result) {
  const auto expression = Expression::parse(source);
  EXPECT_TRUE(expression.has_value())
      << source << ": " << (expression ? "" : expression.error().message);
  if (!expression) {
    return false;
  }
  const auto value = expression->evaluate(result);
  EXPECT_TRUE(value.has_value()) << source << ": " << (value ? "" : value.error());
  return value.value_or(false);
}

std::string evaluation_error(std::string_view source, std::vector<double> result) {
  const auto expression = Expression::parse(source);
  EXPECT_TRUE(expression.has_value()) << source;
  if (!expression) {
    return "";
  }
  const auto value = expression->evaluate(result);
  EXPECT_FALSE(value.has_value()) << source;
  return value ? "" : value.error();
}

TEST(ExpressionTest, ArgoStyleConditions) {
  EXPECT_TRUE(holds("result < 0.01", {0.004}));
  EXPECT_FALSE(holds("result < 0.01", {0.02}));
  EXPECT_TRUE(holds("result[0] >= 0.99 && result[1] < 250", {0.995, 180}));
  EXPECT_FALSE(holds("result[0] >= 0.99 && result[1] < 250", {0.995, 300}));
  EXPECT_TRUE(holds("len(result) == 0 || isNaN(result)", {}));
  EXPECT_TRUE(holds("len(result) == 0 || isNaN(result)", {nan}));
  EXPECT_FALSE(holds("len(result) == 0 || isNaN(result)", {1}));
}

TEST(ExpressionTest, SourceIsKept) {
  const auto expression = Expression::parse("  result > 1 ");
  ASSERT_TRUE(expression.has_value());
  EXPECT_EQ(expression->source(), "  result > 1 ");
}

TEST(ExpressionTest, ResultAloneIsTheFirstValue) {
  EXPECT_TRUE(holds("result == 3", {3, 4}));
  EXPECT_TRUE(holds("result == result[0]", {7}));
  EXPECT_TRUE(holds("result[1] == 4", {3, 4}));
}

TEST(ExpressionTest, Precedence) {
  EXPECT_TRUE(holds("1 + 2 * 3 == 7", {}));
  EXPECT_TRUE(holds("(1 + 2) * 3 == 9", {}));
  EXPECT_TRUE(holds("10 - 4 - 3 == 3", {}));  // left-associative
  EXPECT_TRUE(holds("8 / 4 / 2 == 1", {}));
  EXPECT_TRUE(holds("-2 * -3 == 6", {}));
  EXPECT_TRUE(holds("- - 2 == 2", {}));
  EXPECT_TRUE(holds("true || false && false", {}));  // && binds tighter
  EXPECT_FALSE(holds("(true || false) && false", {}));
  EXPECT_TRUE(holds("!false && true", {}));
  EXPECT_TRUE(holds("!(1 > 2)", {}));
  EXPECT_TRUE(holds("! 1 > 2", {}));  // `!` applies to the comparison
}

TEST(ExpressionTest, WordOperators) {
  EXPECT_TRUE(holds("result > 1 and result < 3", {2}));
  EXPECT_TRUE(holds("result < 1 or result > 3", {4}));
  EXPECT_TRUE(holds("not result > 3", {2}));
  EXPECT_FALSE(holds("not true or false and true", {}));
}

TEST(ExpressionTest, Numbers) {
  EXPECT_TRUE(holds("1e-3 == 0.001", {}));
  EXPECT_TRUE(holds("1E+2 == 100", {}));
  EXPECT_TRUE(holds(".5 == 0.5", {}));
  EXPECT_TRUE(holds("5. == 5", {}));
  EXPECT_TRUE(holds("007 == 7", {}));
  EXPECT_TRUE(holds("0.1 + 0.2 > 0.3", {}));  // IEEE doubles, no decimal magic
}

TEST(ExpressionTest, Functions) {
  EXPECT_TRUE(holds("len(result) == 3", {1, 2, 3}));
  EXPECT_TRUE(holds("len(result) == 0", {}));
  EXPECT_TRUE(holds("abs(result) == 2", {-2}));
  EXPECT_TRUE(holds("min(result[0], result[1]) == 1", {1, 2}));
  EXPECT_TRUE(holds("max(result[0], result[1]) == 2", {1, 2}));
  EXPECT_TRUE(holds("isInf(result)", {inf}));
  EXPECT_TRUE(holds("isInf(result)", {-inf}));
  EXPECT_FALSE(holds("isInf(result)", {1e308}));
  EXPECT_TRUE(holds("isNaN(result / 0)", {0}));
  EXPECT_TRUE(holds("isInf(1 / result)", {0}));
  EXPECT_TRUE(holds("max(1, min(2, 3)) == 2", {}));
  EXPECT_TRUE(holds("isNaN(min(result, 1)) && isNaN(max(1, result))", {nan}));
}

TEST(ExpressionTest, NanComparisonsFollowIeee) {
  for (const char* source : {"result < 1", "result <= 1", "result > 1", "result >= 1",
                             "result == 1", "result == result"}) {
    EXPECT_FALSE(holds(source, {nan})) << source;
  }
  EXPECT_TRUE(holds("result != 1", {nan}));
  EXPECT_TRUE(holds("result != result", {nan}));
  EXPECT_TRUE(holds("!(result < 1)", {nan}));
}

TEST(ExpressionTest, InfinityCompares) {
  EXPECT_TRUE(holds("result > 1e308", {inf}));
  EXPECT_TRUE(holds("result < -1e308", {-inf}));
  EXPECT_TRUE(holds("result == result", {inf}));
}

TEST(ExpressionTest, BooleanEquality) {
  EXPECT_TRUE(holds("(result > 1) == true", {2}));
  EXPECT_TRUE(holds("isNaN(result) != false", {nan}));
  EXPECT_TRUE(holds("true", {}));
  EXPECT_FALSE(holds("false", {}));
}

TEST(ExpressionTest, ShortCircuitSkipsTheErrorOnTheOtherSide) {
  EXPECT_FALSE(holds("len(result) > 0 && result > 1", {}));
  EXPECT_TRUE(holds("len(result) == 0 || result > 1", {}));
  EXPECT_TRUE(holds("len(result) < 2 || result[1] > 1", {5}));
}

TEST(ExpressionTest, EvaluationErrors) {
  EXPECT_THAT(evaluation_error("result < 1", {}), HasSubstr("no data"));
  EXPECT_THAT(evaluation_error("result < 1", {}), HasSubstr("at 0"));
  EXPECT_EQ(evaluation_error("result[2] > 0", {1, 2}),
            "result[2] at 0 is out of range: the query returned 2 values");
  EXPECT_THAT(evaluation_error("1 < result[1]", {1}), HasSubstr("returned 1 value"));
  EXPECT_THAT(evaluation_error("isNaN(result[3])", {1}), HasSubstr("result[3] at 6"));
  EXPECT_THAT(evaluation_error("!(result[1] > 0)", {1}), HasSubstr("out of range"));
  EXPECT_THAT(evaluation_error("true && abs(result) > 0", {}), HasSubstr("no data"));
}

struct BadInput {
  std::string source;
  std::size_t position;
  std::string message;
};

TEST(ExpressionTest, MalformedConditionsNameThePositionAndWhatWasExpected) {
  const std::vector<BadInput> cases = {
      {"", 0, "expected a condition at 0, found end of condition"},
      {"   ", 3, "expected a condition at 3, found end of condition"},
      {"(result < 1", 11, "expected ')' at 11, found end of condition"},
      {"result <", 8, "expected a value at 8, found end of condition"},
      {"result < 1 < 2", 11, "comparisons cannot be chained at 11: join them with '&&'"},
      {"result[", 7, "expected an index (0, 1, ...) at 7, found end of condition"},
      {"result[1 > 0", 9, "expected ']' at 9, found '>'"},
      {"result[1.5] > 0", 7, "expected an index (0, 1, ...) at 7, found '1.5'"},
      {"result[-1] > 0", 7, "expected an index (0, 1, ...) at 7, found '-'"},
      {"result[99999999999999999999999] > 1", 7, "index 99999999999999999999999 is too large at 7"},
      {"foo < 1", 0,
       "unknown name 'foo' at 0; known: result, len, isNaN, isInf, abs, min, max, true, false"},
      {"Result < 1", 0,
       "unknown name 'Result' at 0; known: result, len, isNaN, isInf, abs, min, max, true, "
       "false"},
      {"result & 1", 7, "unexpected character '&' at 7; did you mean '&&'?"},
      {"result | 1", 7, "unexpected character '|' at 7; did you mean '||'?"},
      {"result = 1", 7, "unexpected character '=' at 7; did you mean '=='?"},
      {"result @ 1", 7, "unexpected character '@' at 7"},
      {"result < \x01", 9, "unexpected byte 0x01 at 9"},
      {"result < \xc3\xa9", 9, "unexpected byte 0xc3 at 9"},
      {"result < 1e", 11, "expected the digits of an exponent at 11"},
      {"result < 1e+", 12, "expected the digits of an exponent at 12"},
      {"result < 1.2.3", 12, "unexpected '.' in a number at 12"},
      {". < 1", 0, "expected a digit after '.' at 0"},
      {"1x < 2", 1, "unexpected 'x' in a number at 1"},
      {"1e999 > 0", 0, "number '1e999' at 0 is out of range"},
      {"result", 0,
       "expected a condition (true or false) at 0, found a number; compare it, e.g. 'result < "
       "0.01'"},
      {"1 + 2", 0,
       "expected a condition (true or false) at 0, found a number; compare it, e.g. 'result < "
       "0.01'"},
      {"true && 1", 8,
       "expected a condition (true or false) at 8 on the right side of '&&', found a number"},
      {"1 or true", 0,
       "expected a condition (true or false) at 0 on the left side of 'or', found a number"},
      {"!1", 1, "expected a condition (true or false) at 1 after '!', found a number"},
      {"-true < 1", 1, "expected a number at 1 after '-', found a condition"},
      {"true < false", 0, "expected a number at 0 on the left side of '<', found a condition"},
      {"1 + (2 > 1) > 0", 5, "expected a number at 5 on the right side of '+', found a condition"},
      {"true == 1", 5, "cannot compare a condition with a number at 5"},
      {"min(1) < 2", 5, "expected ',' and a second argument of 'min' at 5, found ')'"},
      {"min(1, 2, 3) < 2", 8, "too many arguments for 'min' at 8: it takes 2"},
      {"abs(1, 2) < 1", 5, "too many arguments for 'abs' at 5: it takes 1"},
      {"len(1) == 1", 4,
       "expected 'result' at 4, found '1'; len() counts the values of the result"},
      {"len result", 4, "expected '(' after 'len' at 4, found 'result'"},
      {"isNaN(true)", 6, "expected a number at 6 in the argument of 'isNaN', found a condition"},
      {"result < 1)", 10, "expected an operator or end of condition at 10, found ')'"},
      {"2 ** 3 > 1", 3, "expected a value at 3, found '*'"},
      {"and", 0, "expected a value at 0, found 'and'"},
      {"result <= or", 10, "expected a value at 10, found 'or'"},
      {"result > 1 &&", 13, "expected a value at 13, found end of condition"},
      {"()", 1, "expected a value at 1, found ')'"},
      {"result[0 1] > 1", 9, "expected ']' at 9, found '1'"},
  };
  EXPECT_GE(cases.size(), 20u);
  for (const BadInput& bad : cases) {
    const auto expression = Expression::parse(bad.source);
    ASSERT_FALSE(expression.has_value()) << bad.source;
    EXPECT_EQ(expression.error().position, bad.position) << bad.source;
    EXPECT_EQ(expression.error().message, bad.message) << bad.source;
  }
}

TEST(ExpressionTest, SourceLengthLimit) {
  std::string source = "result < 1";
  source += std::string(Expression::max_source_length - source.size(), ' ');
  EXPECT_TRUE(Expression::parse(source).has_value());
  source += " ";
  const auto too_long = Expression::parse(source);
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().position, Expression::max_source_length);
  EXPECT_THAT(too_long.error().message, HasSubstr("longer than 4096 bytes"));
}

TEST(ExpressionTest, NestingLimitIsAnErrorNotAStackOverflow) {
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '(') + "result < 1" +
           std::string(static_cast<std::size_t>(depth), ')');
  };
  EXPECT_TRUE(Expression::parse(nested(Expression::max_nesting)).has_value());
  const auto too_deep = Expression::parse(nested(Expression::max_nesting + 1));
  ASSERT_FALSE(too_deep.has_value());
  EXPECT_EQ(too_deep.error().position, 64u);
  EXPECT_THAT(too_deep.error().message, HasSubstr("nests too deeply at 64"));

  // Deep nesting of every recursive construct is refused the same way, at any length.
  for (const std::string& unit :
       {std::string("!"), std::string("not "), std::string("-"), std::string("abs(")}) {
    std::string source;
    while (source.size() < 2000) {
      source += unit;
    }
    const auto result = Expression::parse(source + "1");
    ASSERT_FALSE(result.has_value()) << unit;
    EXPECT_THAT(result.error().message, HasSubstr("nests too deeply")) << unit;
  }
  EXPECT_FALSE(Expression::parse(std::string(4000, '(')).has_value());
}

TEST(ExpressionTest, LongFlatChainsAreRefusedBeforeEvaluationCouldRecurseDeeply) {
  std::string chain = "1";
  for (int i = 0; i < 200; ++i) {
    chain += "+1";
  }
  EXPECT_TRUE(holds(chain + " == 201", {}));
  std::string longer = "1";
  for (int i = 0; i < 1000; ++i) {
    longer += "+1";
  }
  const auto refused = Expression::parse(longer + " > 0");
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().message, HasSubstr("too deeply nested"));
}

TEST(ExpressionTest, CopiesEvaluateIndependently) {
  auto parsed = Expression::parse("result[1] > result[0]");
  ASSERT_TRUE(parsed.has_value());
  const Expression copy = *parsed;
  parsed = Expression::parse("false");
  const std::vector<double> rising = {1, 2};
  EXPECT_TRUE(copy.evaluate(rising).value_or(false));
  EXPECT_EQ(copy.source(), "result[1] > result[0]");
}

TEST(ExpressionTest, WhitespaceIsFree) {
  EXPECT_TRUE(holds("\tresult [ 1 ]\n>=\r\nlen ( result )", {0, 5}));
}

}  // namespace
}  // namespace cutover::analysis
