// JsonLogic's standard operations, one test each, with json-logic-js's results (the
// reference implementation flagd's rules are written against), plus laziness, literals and
// the limits that keep a hostile rule cheap.
#include "flags/json_logic.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

namespace cutover::flags {
namespace {

using ::testing::HasSubstr;

Json apply(std::string_view rule, std::string_view data = "null") {
  const auto result = JsonLogic().apply(Json::parse(rule), Json::parse(data));
  EXPECT_TRUE(result.has_value()) << rule << ": " << (result ? "" : result.error().message);
  return result.value_or(Json("<error>"));
}

JsonLogicError failure(std::string_view rule, std::string_view data = "null",
                       JsonLogicLimits limits = {}) {
  const auto result = JsonLogic(limits).apply(Json::parse(rule), Json::parse(data));
  EXPECT_FALSE(result.has_value()) << rule << " gave " << (result ? result->dump() : "");
  return result ? JsonLogicError{} : result.error();
}

double number(const Json& value) {
  EXPECT_TRUE(value.is_number()) << value.dump();
  return value.is_number() ? value.get<double>() : std::nan("");
}

TEST(JsonLogicTest, Var) {
  EXPECT_EQ(apply(R"({"var": "a"})", R"({"a": 1})"), 1);
  EXPECT_EQ(apply(R"({"var": ["a"]})", R"({"a": 1})"), 1);
  EXPECT_EQ(apply(R"({"var": "user.name"})", R"({"user": {"name": "jack"}})"), "jack");
  EXPECT_EQ(apply(R"({"var": "a.1"})", R"({"a": ["x", "y"]})"), "y");
  EXPECT_EQ(apply(R"({"var": 1})", R"(["x", "y"])"), "y");
  EXPECT_EQ(apply(R"({"var": ["missing", "fallback"]})", "{}"), "fallback");
  EXPECT_EQ(apply(R"({"var": ["a.b.c", 7]})", R"({"a": null})"), 7);
  EXPECT_EQ(apply(R"({"var": "missing"})", "{}"), nullptr);
  // A value that is there but null is returned as null, not replaced by the default.
  EXPECT_EQ(apply(R"({"var": ["a", "fallback"]})", R"({"a": null})"), nullptr);
  EXPECT_EQ(apply(R"({"var": ""})", R"({"a": 1})"), Json::parse(R"({"a": 1})"));
  EXPECT_EQ(apply(R"({"var": []})", "[1, 2]"), Json::parse("[1, 2]"));
  EXPECT_EQ(apply(R"({"var": "a.01"})", R"({"a": ["x", "y"]})"), nullptr);
  EXPECT_EQ(apply(R"({"var": {"cat": ["a", ".b"]}})", R"({"a": {"b": 2}})"), 2);
}

TEST(JsonLogicTest, Missing) {
  EXPECT_EQ(apply(R"({"missing": ["a", "b"]})", R"({"a": 1})"), Json::parse(R"(["b"])"));
  EXPECT_EQ(apply(R"({"missing": "a"})", "{}"), Json::parse(R"(["a"])"));
  EXPECT_EQ(apply(R"({"missing": ["a", "b"]})", R"({"a": "", "b": null})"),
            Json::parse(R"(["a", "b"])"));
  EXPECT_EQ(apply(R"({"missing": {"merge": [["a"], ["b"]]}})", R"({"b": 0})"),
            Json::parse(R"(["a"])"));
  EXPECT_EQ(apply(R"({"missing": ["x.y"]})", R"({"x": {"y": false}})"), Json::array());
}

TEST(JsonLogicTest, MissingSome) {
  EXPECT_EQ(apply(R"({"missing_some": [1, ["a", "b"]]})", R"({"a": 1})"), Json::array());
  EXPECT_EQ(apply(R"({"missing_some": [2, ["a", "b", "c"]]})", R"({"a": 1})"),
            Json::parse(R"(["b", "c"])"));
  EXPECT_EQ(failure(R"({"missing_some": [1, "a"]})").kind, JsonLogicError::Kind::invalid_arguments);
}

TEST(JsonLogicTest, If) {
  EXPECT_EQ(apply(R"({"if": [true, "yes", "no"]})"), "yes");
  EXPECT_EQ(apply(R"({"if": [[], "yes", "no"]})"), "no");  // an empty array is false
  EXPECT_EQ(apply(R"({"if": [false, 1, false, 2, 3]})"), 3);
  EXPECT_EQ(apply(R"({"if": [false, 1, true, 2, 3]})"), 2);
  EXPECT_EQ(apply(R"({"if": [false, 1]})"), nullptr);
  EXPECT_EQ(apply(R"({"if": []})"), nullptr);
  EXPECT_EQ(apply(R"({"if": "lone"})"), "lone");
  EXPECT_EQ(apply(R"({"?:": [0, "yes", "no"]})"), "no");
  // Only the branch taken is evaluated.
  EXPECT_EQ(apply(R"({"if": [true, "ok", {"no such operation": 1}]})"), "ok");
}

TEST(JsonLogicTest, LooseEquality) {
  EXPECT_EQ(apply(R"({"==": [1, "1"]})"), true);
  EXPECT_EQ(apply(R"({"==": [0, false]})"), true);
  EXPECT_EQ(apply(R"({"==": ["", 0]})"), true);
  EXPECT_EQ(apply(R"({"==": [null, null]})"), true);
  EXPECT_EQ(apply(R"({"==": [null, 0]})"), false);
  EXPECT_EQ(apply(R"({"==": [[1], 1]})"), true);
  EXPECT_EQ(apply(R"({"==": ["abc", "abc"]})"), true);
  EXPECT_EQ(apply(R"({"==": [1.0, 1]})"), true);
  EXPECT_EQ(apply(R"({"==": [{"var": "x"}]})", "{}"), true);  // undefined == undefined
}

TEST(JsonLogicTest, StrictEquality) {
  EXPECT_EQ(apply(R"({"===": [1, "1"]})"), false);
  EXPECT_EQ(apply(R"({"===": [1, 1.0]})"), true);
  EXPECT_EQ(apply(R"({"===": [null, null]})"), true);
  EXPECT_EQ(apply(R"({"===": ["a"]})"), false);
}

TEST(JsonLogicTest, NotEqual) {
  EXPECT_EQ(apply(R"({"!=": [1, "1"]})"), false);
  EXPECT_EQ(apply(R"({"!=": [1, 2]})"), true);
  EXPECT_EQ(apply(R"({"!==": [1, "1"]})"), true);
  EXPECT_EQ(apply(R"({"!==": [1, 1]})"), false);
}

TEST(JsonLogicTest, NotAndDoubleNot) {
  EXPECT_EQ(apply(R"({"!": [true]})"), false);
  EXPECT_EQ(apply(R"({"!": true})"), false);
  EXPECT_EQ(apply(R"({"!": [[]]})"), true);
  EXPECT_EQ(apply(R"({"!": [0]})"), true);
  EXPECT_EQ(apply(R"({"!!": ["0"]})"), true);
  EXPECT_EQ(apply(R"({"!!": [[]]})"), false);
  EXPECT_EQ(apply(R"({"!!": [{}]})"), true);
  EXPECT_EQ(apply(R"({"!!": []})"), false);
}

TEST(JsonLogicTest, Or) {
  EXPECT_EQ(apply(R"({"or": [false, 0, "a"]})"), "a");
  EXPECT_EQ(apply(R"({"or": [false, 0]})"), 0);
  EXPECT_EQ(apply(R"({"or": []})"), nullptr);
  EXPECT_EQ(apply(R"({"or": [true, {"no such operation": 1}]})"), true);
}

TEST(JsonLogicTest, And) {
  EXPECT_EQ(apply(R"({"and": [true, "", 3]})"), "");
  EXPECT_EQ(apply(R"({"and": [1, 2]})"), 2);
  EXPECT_EQ(apply(R"({"and": []})"), nullptr);
  EXPECT_EQ(apply(R"({"and": [false, {"no such operation": 1}]})"), false);
}

TEST(JsonLogicTest, GreaterThan) {
  EXPECT_EQ(apply(R"({">": [2, 1]})"), true);
  EXPECT_EQ(apply(R"({">": ["b", "a"]})"), true);
  EXPECT_EQ(apply(R"({">": ["10", 9]})"), true);     // one number: both are numbers
  EXPECT_EQ(apply(R"({">": ["10", "9"]})"), false);  // two strings: text order
  EXPECT_EQ(apply(R"({">": ["a", 1]})"), false);     // NaN
  EXPECT_EQ(apply(R"({">": [1]})"), false);
}

TEST(JsonLogicTest, GreaterOrEqual) {
  EXPECT_EQ(apply(R"({">=": [2, 2]})"), true);
  EXPECT_EQ(apply(R"({">=": [1, 2]})"), false);
  EXPECT_EQ(apply(R"({">=": [null, 0]})"), true);
  EXPECT_EQ(apply(R"({">=": ["x", 0]})"), false);
}

TEST(JsonLogicTest, LessThanAndBetween) {
  EXPECT_EQ(apply(R"({"<": [1, 2]})"), true);
  EXPECT_EQ(apply(R"({"<": [2, 2]})"), false);
  EXPECT_EQ(apply(R"({"<": [1, 2, 3]})"), true);
  EXPECT_EQ(apply(R"({"<": [1, 1, 3]})"), false);
  EXPECT_EQ(apply(R"({"<": [1, 4, 3]})"), false);
  EXPECT_EQ(apply(R"({"<": [-1]})"), false);  // -1 < undefined
}

TEST(JsonLogicTest, LessOrEqualAndBetween) {
  EXPECT_EQ(apply(R"({"<=": [2, 2]})"), true);
  EXPECT_EQ(apply(R"({"<=": [3, 2]})"), false);
  EXPECT_EQ(apply(R"({"<=": [1, 1, 3]})"), true);
  EXPECT_EQ(apply(R"({"<=": [1, 3, 3]})"), true);
  EXPECT_EQ(apply(R"({"<=": [1, 4, 3]})"), false);
}

TEST(JsonLogicTest, MaxAndMin) {
  EXPECT_EQ(number(apply(R"({"max": [1, "3", 2]})")), 3);
  EXPECT_EQ(number(apply(R"({"min": [1, "-3", 2]})")), -3);
  EXPECT_TRUE(std::isnan(number(apply(R"({"max": [1, "x"]})"))));
  EXPECT_EQ(number(apply(R"({"min": []})")), INFINITY);
  EXPECT_EQ(number(apply(R"({"max": []})")), -INFINITY);
}

TEST(JsonLogicTest, Plus) {
  EXPECT_EQ(number(apply(R"({"+": [1, "2.5"]})")), 3.5);
  EXPECT_EQ(number(apply(R"({"+": ["3abc"]})")), 3);  // parseFloat
  EXPECT_EQ(number(apply(R"({"+": "3"})")), 3);
  EXPECT_EQ(number(apply(R"({"+": []})")), 0);
  EXPECT_TRUE(std::isnan(number(apply(R"({"+": [1, true]})"))));
}

TEST(JsonLogicTest, Minus) {
  EXPECT_EQ(number(apply(R"({"-": [5, 2]})")), 3);
  EXPECT_EQ(number(apply(R"({"-": [2]})")), -2);
  EXPECT_EQ(number(apply(R"({"-": ["5", true]})")), 4);  // Number(), not parseFloat
  EXPECT_TRUE(std::isnan(number(apply(R"({"-": ["3abc", 1]})"))));
}

TEST(JsonLogicTest, Times) {
  EXPECT_EQ(number(apply(R"({"*": [2, "3", 0.5]})")), 3);
  EXPECT_EQ(apply(R"({"*": ["3"]})"), "3");  // reduce hands back a lone element as it is
  EXPECT_EQ(failure(R"({"*": []})").kind, JsonLogicError::Kind::invalid_arguments);
}

TEST(JsonLogicTest, Divide) {
  EXPECT_EQ(number(apply(R"({"/": [1, 4]})")), 0.25);
  EXPECT_EQ(number(apply(R"({"/": [1, 0]})")), INFINITY);
  EXPECT_TRUE(std::isnan(number(apply(R"({"/": [1]})"))));
}

TEST(JsonLogicTest, Modulo) {
  EXPECT_EQ(number(apply(R"({"%": [7, 3]})")), 1);
  EXPECT_EQ(number(apply(R"({"%": [-7, 3]})")), -1);
  EXPECT_EQ(number(apply(R"({"%": [7.5, 2]})")), 1.5);
  EXPECT_TRUE(std::isnan(number(apply(R"({"%": [7, 0]})"))));
}

TEST(JsonLogicTest, Map) {
  EXPECT_EQ(apply(R"({"map": [{"var": "xs"}, {"*": [{"var": ""}, 2]}]})", R"({"xs": [1, 2, 3]})"),
            Json::parse("[2, 4, 6]"));
  EXPECT_EQ(apply(R"({"map": [{"var": "none"}, {"var": ""}]})", "{}"), Json::array());
  EXPECT_EQ(
      apply(R"({"map": [{"var": "items"}, {"var": "a"}]})", R"({"items": [{"a": 1}, {"a": 2}]})"),
      Json::parse("[1, 2]"));
  // Literal arrays are rules too: {"a": 1} inside one is the operation "a".
  EXPECT_EQ(failure(R"({"map": [[{"a": 1}], {"var": "a"}]})").kind,
            JsonLogicError::Kind::unknown_operation);
}

TEST(JsonLogicTest, Filter) {
  EXPECT_EQ(apply(R"({"filter": [[1, 2, 3, 4], {"%": [{"var": ""}, 2]}]})"), Json::parse("[1, 3]"));
  EXPECT_EQ(apply(R"({"filter": ["abc", true]})"), Json::array());
}

TEST(JsonLogicTest, Reduce) {
  EXPECT_EQ(
      number(apply(
          R"({"reduce": [[1, 2, 3], {"+": [{"var": "current"}, {"var": "accumulator"}]}, 10]})")),
      16);
  EXPECT_EQ(apply(R"({"reduce": [[1, 2], {"var": "current"}]})"), 2);
  EXPECT_EQ(apply(R"({"reduce": ["not an array", {"var": "current"}, "start"]})"), "start");
  EXPECT_EQ(apply(R"({"reduce": [[], {"var": "current"}]})"), nullptr);
}

TEST(JsonLogicTest, All) {
  EXPECT_EQ(apply(R"({"all": [[1, 2], {">": [{"var": ""}, 0]}]})"), true);
  EXPECT_EQ(apply(R"({"all": [[1, -2], {">": [{"var": ""}, 0]}]})"), false);
  EXPECT_EQ(apply(R"({"all": [[], true]})"), false);  // json-logic-js: empty is false
}

TEST(JsonLogicTest, None) {
  EXPECT_EQ(apply(R"({"none": [[1, 2], {">": [{"var": ""}, 5]}]})"), true);
  EXPECT_EQ(apply(R"({"none": [[1, 6], {">": [{"var": ""}, 5]}]})"), false);
  EXPECT_EQ(apply(R"({"none": [[], true]})"), true);
}

TEST(JsonLogicTest, Some) {
  EXPECT_EQ(apply(R"({"some": [[1, 6], {">": [{"var": ""}, 5]}]})"), true);
  EXPECT_EQ(apply(R"({"some": [[1, 2], {">": [{"var": ""}, 5]}]})"), false);
  EXPECT_EQ(apply(R"({"some": [{"var": "missing"}, true]})", "{}"), false);
}

TEST(JsonLogicTest, Merge) {
  EXPECT_EQ(apply(R"({"merge": [[1, 2], [3], 4, [[5]]]})"), Json::parse("[1, 2, 3, 4, [5]]"));
  EXPECT_EQ(apply(R"({"merge": 1})"), Json::parse("[1]"));
  EXPECT_EQ(apply(R"({"merge": []})"), Json::array());
}

TEST(JsonLogicTest, In) {
  EXPECT_EQ(apply(R"({"in": ["b", ["a", "b"]]})"), true);
  EXPECT_EQ(apply(R"({"in": ["1", [1]]})"), false);  // arrays compare strictly
  EXPECT_EQ(apply(R"({"in": ["Spring", "Springfield"]})"), true);
  EXPECT_EQ(apply(R"({"in": [1, "a1"]})"), true);  // the needle becomes a string
  EXPECT_EQ(apply(R"({"in": ["", ""]})"), false);  // an empty haystack is falsy
  EXPECT_EQ(apply(R"({"in": ["a", null]})"), false);
  EXPECT_EQ(apply(R"({"in": ["a", 5]})"), false);
}

TEST(JsonLogicTest, Cat) {
  EXPECT_EQ(apply(R"({"cat": ["a", 1, null, true, [1, 2], 1.5, {}]})"),
            "a1nulltrue1,21.5[object Object]");
  EXPECT_EQ(apply(R"({"cat": "lone"})"), "lone");
  EXPECT_EQ(apply(R"({"cat": []})"), "");
  EXPECT_EQ(apply(R"({"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]})",
                  R"({"$flagd": {"flagKey": "f"}, "user": {"name": "jack"}})"),
            "fjack");
}

TEST(JsonLogicTest, Substr) {
  EXPECT_EQ(apply(R"({"substr": ["jsonlogic", 4]})"), "logic");
  EXPECT_EQ(apply(R"({"substr": ["jsonlogic", -5]})"), "logic");
  EXPECT_EQ(apply(R"({"substr": ["jsonlogic", 1, 3]})"), "son");
  EXPECT_EQ(apply(R"({"substr": ["jsonlogic", 4, -2]})"), "log");
  EXPECT_EQ(apply(R"({"substr": ["jsonlogic", 20]})"), "");
  EXPECT_EQ(apply(R"({"substr": ["jsonlogic", 0, -20]})"), "");
  EXPECT_EQ(apply(R"({"substr": [12345, 1, 2]})"), "23");
  EXPECT_EQ(apply(R"({"substr": ["h\u00e9llo", 1, 3]})"), "\u00e9ll");  // by code point
}

TEST(JsonLogicTest, LogReturnsItsArgument) {
  EXPECT_EQ(apply(R"({"log": "apple"})"), "apple");
  EXPECT_EQ(apply(R"({"log": [[1, 2]]})"), Json::parse("[1, 2]"));
}

TEST(JsonLogicTest, LiteralsAndArrays) {
  EXPECT_EQ(apply("5"), 5);
  EXPECT_EQ(apply(R"("text")"), "text");
  EXPECT_EQ(apply("{}"), Json::object());
  // An object with more than one key is data, not an operation.
  EXPECT_EQ(apply(R"({"a": 1, "b": {"var": "x"}})"), Json::parse(R"({"a": 1, "b": {"var": "x"}})"));
  EXPECT_EQ(apply(R"([1, {"var": "x"}, [{"var": "y"}]])", R"({"x": 2, "y": 3})"),
            Json::parse("[1, 2, [3]]"));
}

TEST(JsonLogicTest, UnknownOperationIsAnError) {
  const auto error = failure(R"({"if": [true, {"frobnicate": [1]}]})");
  EXPECT_EQ(error.kind, JsonLogicError::Kind::unknown_operation);
  EXPECT_THAT(error.message, HasSubstr("\"frobnicate\""));
}

TEST(JsonLogicTest, AddedOperations) {
  JsonLogic logic;
  logic.add_operation("twice", [](std::span<const Json> arguments, const Json&) -> JsonLogicResult {
    return arguments.empty() ? Json() : Json::array({arguments[0], arguments[0]});
  });
  EXPECT_EQ(logic.apply(Json::parse(R"({"twice": {"var": "a"}})"), Json::parse(R"({"a": 1})")),
            Json::parse("[1, 1]"));
}

TEST(JsonLogicTest, DeepNestingIsRefused) {
  std::string rule = "true";
  for (int i = 0; i < 100; ++i)
    rule = R"({"!": )" + rule + "}";
  const auto error = failure(rule);
  EXPECT_EQ(error.kind, JsonLogicError::Kind::limit_exceeded);
  EXPECT_THAT(error.message, HasSubstr("64 levels"));
  EXPECT_EQ(JsonLogic({.max_depth = 500}).apply(Json::parse(rule), Json()).value_or("<error>"),
            true);
}

TEST(JsonLogicTest, DeepInputIsRefusedBeforeItIsTouched) {
  std::string deep = "1";
  for (int i = 0; i < 200; ++i)
    deep = "[" + deep + "]";
  EXPECT_THAT(failure(R"({"var": ""})", deep).message,
              HasSubstr("the data nests deeper than 128 levels"));
  EXPECT_THAT(failure(R"({"a": 1, "b": )" + deep + "}").message,
              HasSubstr("the rule nests deeper than 128 levels"));
  EXPECT_EQ(nesting_depth(Json::parse(R"([[], {"a": [1]}])")), 3);
}

TEST(JsonLogicTest, ExponentialGrowthRunsOutOfWork) {
  // Each step doubles the accumulator: 2^40 elements unless the budget stops it.
  const auto error = failure(
      R"({"reduce": [{"var": "xs"}, {"merge": [{"var": "accumulator"}, {"var": "accumulator"}]}, [1]]})",
      R"({"xs": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]})");
  EXPECT_EQ(error.kind, JsonLogicError::Kind::limit_exceeded);
  const auto nested = failure(
      R"({"reduce": [{"var": "xs"}, [{"var": "accumulator"}, {"var": "accumulator"}], 1]})",
      R"({"xs": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]})");
  EXPECT_EQ(nested.kind, JsonLogicError::Kind::limit_exceeded);
}

TEST(JsonLogicTest, WorkBudgetBoundsLoops) {
  const auto error = failure(R"({"map": [{"var": "xs"}, {"+": [1, 2, 3]}]})",
                             R"({"xs": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})", {.max_work = 40});
  EXPECT_THAT(error.message, HasSubstr("more than 40 units"));
}

}  // namespace
}  // namespace cutover::flags
