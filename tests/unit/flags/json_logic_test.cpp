// JsonLogic's operations, each answering as diegoholiveira/jsonlogic v3.9.1 (the Go library
// flagd evaluates targeting with) does: every expectation below is what that library's
// jsonlogic.Apply writes for the rule and data ("ERROR" where it returns an error, which flagd
// answers with PARSE_ERROR), and each test names the Go function that decides it. Then
// operations added by flagd, and the limits that keep a hostile rule cheap.
#include "flags/json_logic.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "flags/go_jsonlogic_value.hpp"

namespace cutover::flags {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string_view rule;
  std::string_view data;
  std::string_view go_answer;  // encoding/json's text of the result, or ERROR
};

// What flagd sees of `rule` applied to `data`: the result's JSON text, or ERROR.
std::string flagd_view(std::string_view rule, std::string_view data) {
  const auto result = JsonLogic().apply(Json::parse(rule), Json::parse(data));
  if (!result)
    return "ERROR";
  return go::encode_json(*result).value_or("ERROR");
}

void check(std::initializer_list<Case> cases) {
  for (const Case& c : cases)
    EXPECT_EQ(flagd_view(c.rule, c.data), c.go_answer) << c.rule << " on " << c.data;
}

JsonLogicError failure(std::string_view rule, std::string_view data = "null",
                       JsonLogicLimits limits = {}) {
  const auto result = JsonLogic(limits).apply(Json::parse(rule), Json::parse(data));
  EXPECT_FALSE(result.has_value()) << rule << " gave " << (result ? result->dump() : "");
  return result ? JsonLogicError{} : result.error();
}

// strings.go concat: null is "" (typing.ToString), numbers in FormatFloat 'f' form, several values
// joined then strings.TrimSpace, one value untrimmed; booleans and a lone non-string panic.
TEST(JsonLogicTest, Cat) {
  check({
      {R"({"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]})",
       R"({"$flagd": {"flagKey": "f"}})", R"("f")"},
      {R"({"cat": [" a", 1.5, " "]})", R"({})", R"("a1.5")"},
      {R"({"cat": [" a "]})", R"({})", R"(" a ")"},
      {R"({"cat": [1e+21, 0.1]})", R"({})", R"("10000000000000000000000.1")"},
      {R"({"cat": ["x", true]})", R"({})", R"(ERROR)"},
      {R"({"cat": 5})", R"({})", R"(ERROR)"},
  });
}

// comp.go isEqual/equals: two strings by bytes, else javascript.ToNumber of both (" 1" is NaN, [1]
// is NaN); null equals only null; under two arguments false; no array panics.
TEST(JsonLogicTest, LooseEquality) {
  check({
      {R"({"==": [1, "1"]})", R"({})", R"(true)"},
      {R"({"==": [0, false]})", R"({})", R"(true)"},
      {R"({"==": [null, 0]})", R"({})", R"(false)"},
      {R"({"==": [[1], 1]})", R"({})", R"(false)"},
      {R"({"==": [" 1", "1"]})", R"({})", R"(false)"},
      {R"({"==": [1, " 1"]})", R"({})", R"(false)"},
      {R"({"==": [{"var": "x"}]})", R"({})", R"(false)"},
      {R"({"==": "a"})", R"({})", R"(ERROR)"},
  });
}

// comp.go hardEquals: reflect kinds must match (Go's int 0 from {"-": []} is not float64 0), then
// equals (arrays never equal).
TEST(JsonLogicTest, StrictEquality) {
  check({
      {R"({"===": [1, 1.0]})", R"({})", R"(true)"},
      {R"({"===": [0, {"-": []}]})", R"({})", R"(false)"},
      {R"({"===": [[1], [1]]})", R"({})", R"(false)"},
      {R"({"===": ["a"]})", R"({})", R"(false)"},
      {R"({"!==": ["a"]})", R"({})", R"(true)"},
  });
}

// comp.go isLessThan & co and less: strings by bytes, else javascript.ToNumber (null 0, "a" NaN,
// out of range NaN); three arguments: between; a fourth ignored; a non-array panics.
TEST(JsonLogicTest, Ordering) {
  check({
      {R"({"<": [null, 1]})", R"({})", R"(true)"},
      {R"({"<": ["a", 1]})", R"({})", R"(false)"},
      {R"({"<": ["10", "9"]})", R"({})", R"(true)"},
      {R"({"<": [1, "1e400"]})", R"({})", R"(false)"},
      {R"({"<": [1, 2, 3, 0]})", R"({})", R"(true)"},
      {R"({">": [3, 2, 1]})", R"({})", R"(true)"},
      {R"({">=": [3, 3, 1]})", R"({})", R"(true)"},
      {R"({"<=": [1, 1, 1]})", R"({})", R"(true)"},
      {R"({"<": 1})", R"({})", R"(ERROR)"},
  });
}

// typing.IsTrue: [] and {} false, "0" true; logic.go negative reads the first element of a
// non-empty array.
TEST(JsonLogicTest, Truthiness) {
  check({
      {R"({"!": [[]]})", R"({})", R"(true)"},
      {R"({"!": []})", R"({})", R"(true)"},
      {R"({"!!": ["0"]})", R"({})", R"(true)"},
      {R"({"!!": [{}]})", R"({})", R"(false)"},
      {R"({"!!": [{"a": 1, "b": 2}]})", R"({})", R"(true)"},
  });
}

// logic.go _and/_or: the settling value or the last; null with none; a non-array panics.
TEST(JsonLogicTest, AndOr) {
  check({
      {R"({"and": []})", R"({})", R"(null)"},
      {R"({"and": true})", R"({})", R"(ERROR)"},
      {R"({"or": [0, "", []]})", R"({})", R"([])"},
  });
}

// logic.go conditional/evaluateClause: a non-array panics; a lone clause is the else; a branch that
// yields an object is applied again as a rule.
TEST(JsonLogicTest, If) {
  check({
      {R"({"if": "lone"})", R"({})", R"(ERROR)"},
      {R"({"if": ["x"]})", R"({})", R"("x")"},
      {R"({"if": [true, {"var": "o"}]})", R"({"o": {"a": 1}})", R"(ERROR)"},
      {R"({"if": [true, {"var": "o"}]})", R"({"o": {"a": 1, "b": 2}})", R"({"a":1,"b":2})"},
      {R"({"if": [true, {"var": "o"}]})", R"({"o": {"cat": ["x", "y"]}})", R"("xy")"},
  });
}

// lists.go _in: a string haystack needs a string needle (else panic); numbers compare through
// typing.ToNumber (which panics on null); array elements are [low, high] ranges; Go's == panics on
// two arrays or objects.
TEST(JsonLogicTest, In) {
  check({
      {R"({"in": ["a", "abc"]})", R"({})", R"(true)"},
      {R"({"in": ["", "abc"]})", R"({})", R"(true)"},
      {R"({"in": [1, "a1"]})", R"({})", R"(ERROR)"},
      {R"({"in": [1, ["1"]]})", R"({})", R"(true)"},
      {R"({"in": ["1", [1]]})", R"({})", R"(false)"},
      {R"({"in": [5, [[1, 10]]]})", R"({})", R"(true)"},
      {R"({"in": [1, [null]]})", R"({})", R"(ERROR)"},
      {R"({"in": [[1], [[1]]]})", R"({})", R"(ERROR)"},
      {R"({"in": [{"var": "o"}, [{"var": "o"}]]})", R"({"o": {"a": 1, "b": 1}})", R"(ERROR)"},
      {R"({"in": ["a", null]})", R"({})", R"(false)"},
      {R"({"in": []})", R"({})", R"(ERROR)"},
  });
}

// vars.go getVar: array parts read through typing.ToNumber ("x" is 0), empty parts skipped, a null
// value gives the default, [path] must hold a string, {"var": null} is null for object data.
TEST(JsonLogicTest, Var) {
  check({
      {R"({"var": "a"})", R"({"a": 1})", R"(1)"},
      {R"({"var": "a.x"})", R"({"a": ["p", "q"]})", R"("p")"},
      {R"({"var": "a.-1"})", R"({"a": ["p", "q"]})", R"(null)"},
      {R"({"var": "a..1"})", R"({"a": ["p", "q"]})", R"("q")"},
      {R"({"var": ["a", "d"]})", R"({"a": null})", R"("d")"},
      {R"({"var": ["a", "d", "e"]})", R"({})", R"(null)"},
      {R"({"var": [1]})", R"({})", R"(ERROR)"},
      {R"({"var": true})", R"({})", R"(ERROR)"},
      {R"({"var": null})", R"({"a": 1})", R"(null)"},
      {R"({"var": 1.5})", R"({"1": {"5": "x"}})", R"("x")"},
      {R"({"var": "s"})", R"({"s": "q\"x\\"})", R"("q\"x\\")"},
  });
}

// lists.go _map/filter/reduce/extractSubject: an array literal subject is not evaluated; filter's
// logic is solveVars'd against the outer data first; reduce's initial value must be bool, number or
// string, its logic an operation.
TEST(JsonLogicTest, MapFilterReduce) {
  check({
      {R"({"map": [[1, 2], {"var": null}]})", R"({})", R"([1,2])"},
      {R"({"map": [{"var": "a"}, {"*": [{"var": ""}, 2]}]})", R"({"a": [1, 2]})", R"([2,4])"},
      {R"({"map": [{"var": "a"}, {"*": [{"var": ""}, 2]}]})", R"({})", R"([])"},
      {R"({"map": [{"var": "a"}, {"*": [{"var": ""}, 2]}]})", R"({"a": "xy"})", R"(ERROR)"},
      {R"({"map": [[1, {"var": "x"}], {"var": ""}]})", R"({"x": 5})", R"([1,{"var":"x"}])"},
      {R"({"map": [[1]]})", R"({})", R"([])"},
      {R"({"filter": [[1, 2, 3], {">": [{"var": ""}, {"var": "min"}]}]})", R"({"min": 1})",
       R"([2,3])"},
      {R"({"filter": [[{"v": 1}, {"v": 2}], {"==": [{"var": "v"}, 2]}]})", R"({"v": 2})",
       R"([{"v":1},{"v":2}])"},
      {R"({"reduce": [[1, 2, 3], {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]})",
       R"({})", R"(6)"},
      {R"({"reduce": [[1, null, 2], {"cat": [{"var": "accumulator"}, {"var": "current"}]}, "s"]})",
       R"({})", R"("s12")"},
      {R"({"reduce": [[1, 2], {"+": [{"var": "current"}, {"var": "accumulator"}]}, null]})",
       R"({})", R"(ERROR)"},
      {R"({"reduce": [[1, 2], {"var": "valueType"}, true]})", R"({})", R"(true)"},
      {R"({"reduce": [[1, 2], {"+": [1]}]})", R"({})", R"(0)"},
  });
}

// lists.go missing/missingSome: a key is missing only when getVar gives null ("" and false are
// there); [key, default] is getVar's sugar; non-arrays panic.
TEST(JsonLogicTest, Missing) {
  check({
      {R"({"missing": ["a", "b", "c"]})", R"({"a": "", "b": false})", R"(["c"])"},
      {R"({"missing": [["a", "d"]]})", R"({})", R"([])"},
      {R"({"missing": 5})", R"({})", R"(ERROR)"},
      {R"({"missing_some": [1, ["a", "b"]]})", R"({"a": 1})", R"([])"},
      {R"({"missing_some": [null, ["a"]]})", R"({})", R"(ERROR)"},
      {R"({"missing_some": [1, "a"]})", R"({})", R"(ERROR)"},
  });
}

// strings.go substr: runes; a start out of range returns the whole string; a negative length counts
// from the end and panics when it ends before the start.
TEST(JsonLogicTest, Substr) {
  check({
      {R"({"substr": ["abcdef", -2]})", R"({})", R"("ef")"},
      {R"({"substr": ["abcdef", 9]})", R"({})", R"("abcdef")"},
      {R"({"substr": ["abcdef", 1, -2]})", R"({})", R"("bcd")"},
      {R"({"substr": ["abcdef", 4, -3]})", R"({})", R"(ERROR)"},
      {R"({"substr": ["héllo", 1, 2]})", R"({})", R"("él")"},
      {R"({"substr": ["abc"]})", R"({})", R"(ERROR)"},
      {R"({"substr": [5, 0, 1]})", R"({})", R"("5")"},
      {R"({"substr": [null, 0]})", R"({})", R"("")"},
  });
}

// math.go: typing.ToNumber panics on null and booleans and reads bad strings as 0; - and / with no
// argument give Go's int 0; * needs an array; a NaN or infinite result cannot be encoded (an
// error).
TEST(JsonLogicTest, Arithmetic) {
  check({
      {R"({"+": []})", R"({})", R"(0)"},
      {R"({"+": ["1", "2"]})", R"({})", R"(3)"},
      {R"({"+": ["1x", 2]})", R"({})", R"(2)"},
      {R"({"+": [1, null]})", R"({})", R"(ERROR)"},
      {R"({"+": [true]})", R"({})", R"(ERROR)"},
      {R"({"+": "3"})", R"({})", R"(3)"},
      {R"({"-": []})", R"({})", R"(0)"},
      {R"({"-": ["5"]})", R"({})", R"(-5)"},
      {R"({"-": [10, 2, 3]})", R"({})", R"(5)"},
      {R"({"*": []})", R"({})", R"(1)"},
      {R"({"*": ["2", 3]})", R"({})", R"(6)"},
      {R"({"*": 5})", R"({})", R"(ERROR)"},
      {R"({"/": []})", R"({})", R"(0)"},
      {R"({"/": [1, 0]})", R"({})", R"(ERROR)"},
      {R"({"/": [9, 3, 3]})", R"({})", R"(1)"},
      {R"({"%": [-7, 3]})", R"({})", R"(-1)"},
      {R"({"%": [7]})", R"({})", R"(ERROR)"},
      {R"({"max": []})", R"({})", R"(null)"},
      {R"({"max": [1, "5", 3]})", R"({})", R"(5)"},
      {R"({"min": ["x", 2]})", R"({})", R"(0)"},
      {R"({"abs": -3})", R"({})", R"(3)"},
      {R"({"+": [1e+308, 1e+308]})", R"({})", R"(ERROR)"},
  });
}

// lists.go merge: one level flattened; a primitive becomes [it]; null panics.
TEST(JsonLogicTest, Merge) {
  check({
      {R"({"merge": [[1], 2, [[3]]]})", R"({})", R"([1,2,[3]])"},
      {R"({"merge": 5})", R"({})", R"([5])"},
      {R"({"merge": null})", R"({})", R"(ERROR)"},
  });
}

// lists.go all/some/none: no subject or [] is false/false/true; all solves the logic against each
// element and applies it (a non-operation panics); some and none solve it against the outer data
// first.
TEST(JsonLogicTest, AllSomeNone) {
  check({
      {R"({"all": [[], {"var": ""}]})", R"({})", R"(false)"},
      {R"({"all": [[1, 2], {">": [{"var": ""}, 0]}]})", R"({})", R"(true)"},
      {R"({"all": [[{"a": true}], {"var": "a"}]})", R"({})", R"(ERROR)"},
      {R"({"all": ["ab", {"var": ""}]})", R"({})", R"(false)"},
      {R"({"some": [[1, 2], {"==": [{"var": ""}, {"var": "x"}]}]})", R"({"x": 2})", R"(true)"},
      {R"({"some": [[], {"var": ""}]})", R"({})", R"(false)"},
      {R"({"none": [[1, 2], {"==": [{"var": ""}, 3]}]})", R"({})", R"(true)"},
      {R"({"none": [null, {"var": ""}]})", R"({})", R"(true)"},
  });
}

// operation.go init: no log (an unknown operator); set, contains_all/any/none are registered
// (arrays.go isEqualValue panics on two arrays).
TEST(JsonLogicTest, LibraryOperations) {
  check({
      {R"({"log": "x"})", R"({})", R"(ERROR)"},
      {R"({"set": [{"a": 1, "b": 2}, "c", 3]})", R"({})", R"({"a":1,"b":2,"c":3})"},
      {R"({"contains_any": [["a", "b"], ["x", "b"]]})", R"({})", R"(true)"},
      {R"({"contains_all": [[1, 2], [2.0, "2"]]})", R"({})", R"(false)"},
      {R"({"contains_none": [[[1]], [[1]]]})", R"({})", R"(ERROR)"},
  });
}

// jsonlogic.go ApplyInterface/apply: an object with several keys is itself, {} is {}, arrays are
// evaluated; the result is what encoding/json writes (HTML-escaped, NaN/Inf an error).
TEST(JsonLogicTest, Literals) {
  check({
      {R"({"a": 1, "b": 2})", R"({})", R"({"a":1,"b":2})"},
      {R"([1, {"var": "a"}])", R"({"a": 2})", R"([1,2])"},
      {R"({})", R"({})", R"({})"},
      {R"("a<b")", R"({})", R"("a\u003cb")"},
  });
}

TEST(JsonLogicTest, UnknownOperationIsAnError) {
  const auto error = failure(R"({"if": [true, {"frobnicate": [1]}]})");
  EXPECT_EQ(error.kind, JsonLogicError::Kind::unknown_operation);
  EXPECT_THAT(error.message, HasSubstr("\"frobnicate\""));
  // A panic (here typing.ToNumber(nil)) is an invalid_arguments error, never an exception.
  EXPECT_EQ(failure(R"({"+": [1, null]})").kind, JsonLogicError::Kind::invalid_arguments);
}

// operation.go AddOperator: an added operation gets its arguments parsed; a lone argument
// arrives as one.
TEST(JsonLogicTest, AddedOperations) {
  JsonLogic logic;
  logic.add_operation("twice", [](std::span<const Json> arguments, const Json&) -> JsonLogicResult {
    return arguments.empty() ? Json() : Json::array({arguments[0], arguments[0]});
  });
  EXPECT_EQ(logic.apply(Json::parse(R"({"twice": {"var": "a"}})"), Json::parse(R"({"a": 1})")),
            Json::parse("[1.0, 1.0]"));
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
  // Each step doubles the accumulator: 2^40 bytes unless the budget stops it.
  const auto error = failure(
      R"({"reduce": [{"var": "xs"}, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]})",
      R"({"xs": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]})");
  EXPECT_EQ(error.kind, JsonLogicError::Kind::limit_exceeded);
}

TEST(JsonLogicTest, WorkBudgetBoundsLoops) {
  const auto error = failure(R"({"map": [{"var": "xs"}, {"+": [1, 2, 3]}]})",
                             R"({"xs": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})", {.max_work = 40});
  EXPECT_THAT(error.message, HasSubstr("more than 40 units"));
}

}  // namespace
}  // namespace cutover::flags
