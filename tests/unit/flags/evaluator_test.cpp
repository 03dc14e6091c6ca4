// Evaluating flags as flagd does: reasons, error codes and values, after flagd-testbed's
// evaluator suite (evaluation, targeting, disabled, no-default-variant, errors, string and
// semver features) and flagd's core/pkg/evaluator/json.go.
#include "flags/evaluator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace cutover::flags {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t now = 1'700'000'000;

constexpr std::string_view definitions = R"({
  "flags": {
    "boolean-flag": {"state": "ENABLED", "variants": {"on": true, "off": false},
                     "defaultVariant": "on"},
    "string-flag": {"state": "ENABLED", "variants": {"greeting": "hi", "parting": "bye"},
                    "defaultVariant": "greeting"},
    "integer-flag": {"state": "ENABLED", "variants": {"one": 1, "ten": 10},
                     "defaultVariant": "ten"},
    "float-flag": {"state": "ENABLED", "variants": {"tenth": 0.1, "half": 0.5},
                   "defaultVariant": "half"},
    "object-flag": {"state": "ENABLED",
                    "variants": {"empty": {}, "template": {"showImages": true, "imagesPerPage": 100}},
                    "defaultVariant": "template"},
    "disabled-flag": {"state": "DISABLED", "variants": {"on": true, "off": false},
                      "defaultVariant": "on", "targeting": {"if": [true, "off"]}},
    "null-default-flag": {"state": "ENABLED", "variants": {"on": true, "off": false},
                          "defaultVariant": null},
    "undefined-default-flag": {"state": "ENABLED", "variants": {"small": 10, "big": 1000}},
    "no-default-flag-null-targeting-variant": {
      "state": "ENABLED", "variants": {"normal": "CFO", "special": "CEO"},
      "targeting": {"if": [{"==": ["jobs@orange.com", {"var": ["email"]}]}, "special", null]}},
    "targeting-key-flag": {
      "state": "ENABLED", "variants": {"miss": "miss", "hit": "hit"}, "defaultVariant": "miss",
      "targeting": {"if": [{"==": [{"var": "targetingKey"},
                                   "5c3d8535-f81a-4478-a6d3-afaa4d51199e"]}, "hit", null]}},
    "targeting-null-variant-flag": {"state": "ENABLED", "variants": {"one": 1, "two": 2},
                                    "defaultVariant": "two", "targeting": {"if": [true, null, "one"]}},
    "error-targeting-flag": {"state": "ENABLED", "variants": {"one": 1, "two": 2},
                             "defaultVariant": "two",
                             "targeting": {"invalid": ["this is not valid targeting"]}},
    "missing-variant-targeting-flag": {"state": "ENABLED", "variants": {"one": 1, "two": 2},
                                       "defaultVariant": "two",
                                       "targeting": {"if": [true, "three", "one"]}},
    "non-string-variant-targeting-flag": {"state": "ENABLED", "variants": {"false": 1, "true": 2},
                                          "defaultVariant": "false",
                                          "targeting": {"if": [true, true, false]}},
    "empty-targeting-flag": {"state": "ENABLED", "variants": {"false": 1, "true": 2},
                             "defaultVariant": "false", "targeting": {}},
    "number-name-flag": {"state": "ENABLED", "variants": {"1": "one", "2.5": "two and a half"},
                         "defaultVariant": "1", "targeting": {"+": [{"var": "x"}, 1]}},
    "encoded-name-flag": {"state": "ENABLED",
                          "variants": {"[a,1]": "array", "a\\u003cb": "escaped", "a<b": "plain"},
                          "defaultVariant": "a<b",
                          "targeting": {"if": [{"var": "array"}, ["a", 1], "a<b"]}},
    "cat-name-flag": {"state": "ENABLED", "variants": {"cat-name-flag": "no name"},
                      "defaultVariant": "cat-name-flag",
                      "targeting": {"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]}},
    "email-flag": {"state": "ENABLED", "variants": {"hi": "hi", "bye": "bye", "none": "none"},
                   "defaultVariant": "none", "targeting": {"if": [{"$ref": "is_ballmer"}, "hi", "bye"]},
                   "metadata": {"team": "web", "version": 3}},
    "starts-ends-flag": {
      "state": "ENABLED", "variants": {"prefix": "prefix", "postfix": "postfix", "none": "none"},
      "defaultVariant": "none",
      "targeting": {"if": [{"starts_with": [{"var": "id"}, "abc"]}, "prefix",
                           {"if": [{"ends_with": [{"var": "id"}, "xyz"]}, "postfix", "none"]}]}},
    "starts-with-non-string-flag": {
      "state": "ENABLED", "variants": {"true": "true", "false": "false", "fallback": "fallback"},
      "defaultVariant": "fallback", "targeting": {"starts_with": [{"var": "num"}, "abc"]}},
    "semver-invalid-version-flag": {
      "state": "ENABLED", "variants": {"match": "match", "no-match": "no-match",
                                       "fallback": "fallback"},
      "defaultVariant": "fallback", "targeting": {"sem_ver": [{"var": "version"}, "=", "1.0.0"]}},
    "equal-greater-lesser-version-flag": {
      "state": "ENABLED",
      "variants": {"equal": "equal", "greater": "greater", "lesser": "lesser", "none": "none"},
      "defaultVariant": "none",
      "targeting": {"if": [{"sem_ver": [{"var": "version"}, "=", "2.0.0"]}, "equal",
                           {"if": [{"sem_ver": [{"var": "version"}, ">", "2.0.0"]}, "greater",
                                   {"if": [{"sem_ver": [{"var": "version"}, "<", "2.0.0"]},
                                           "lesser", "none"]}]}]}},
    "timestamp-flag": {
      "state": "ENABLED", "variants": {"past": -1, "future": 1, "none": 0}, "defaultVariant": "none",
      "targeting": {"if": [{">": [{"var": "$flagd.timestamp"}, {"var": "time"}]}, "past",
                           {"<": [{"var": "$flagd.timestamp"}, {"var": "time"}]}, "future",
                           "none"]}},
    "flag-key-flag": {"state": "ENABLED", "variants": {"flag-key-flag": "self", "other": "other"},
                      "defaultVariant": "other", "targeting": {"var": "$flagd.flagKey"}},
    "runaway-flag": {
      "state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on",
      "targeting": {"reduce": [{"var": "xs"},
                               {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]}}
  },
  "$evaluators": {"is_ballmer": {"==": ["ballmer@macrosoft.com", {"var": ["email"]}]}},
  "metadata": {"flagSetId": "testkit", "version": 1}
})";

const FlagSet& flags() {
  static const FlagSet parsed = [] {
    auto result = parse_flag_definition(definitions);
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().describe());
    return result.value_or(FlagSet{});
  }();
  return parsed;
}

EvaluationResult evaluate(std::string_view key, const Json& context = Json::object(),
                          ValueType expected = ValueType::any) {
  return evaluate_flag(flags(), key, context, now, expected);
}

TEST(FlagEvaluatorTest, StaticFlagsServeTheirDefaultVariant) {
  const EvaluationResult result = evaluate("boolean-flag", Json::object(), ValueType::boolean);
  EXPECT_EQ(result.value, Json(true));
  EXPECT_EQ(result.variant, "on");
  EXPECT_EQ(result.reason, Reason::static_value);
  EXPECT_EQ(result.error_code, ErrorCode::none);
  EXPECT_TRUE(result.error_message.empty());
  EXPECT_EQ(evaluate("string-flag").value, Json("hi"));
  EXPECT_EQ(evaluate("integer-flag", {}, ValueType::integer).value, Json(10));
  EXPECT_EQ(evaluate("float-flag", {}, ValueType::number).value, Json(0.5));
  EXPECT_EQ(evaluate("object-flag", {}, ValueType::object).value,
            Json::parse(R"({"showImages": true, "imagesPerPage": 100})"));
}

TEST(FlagEvaluatorTest, EmptyTargetingIsStatic) {
  const EvaluationResult result = evaluate("empty-targeting-flag");
  EXPECT_EQ(result.value, Json(1));
  EXPECT_EQ(result.reason, Reason::static_value);
}

TEST(FlagEvaluatorTest, DisabledFlagLeavesTheValueToTheCaller) {
  const EvaluationResult result = evaluate("disabled-flag", Json::object(), ValueType::boolean);
  EXPECT_EQ(result.reason, Reason::disabled);
  EXPECT_EQ(result.error_code, ErrorCode::none);
  EXPECT_FALSE(result.value.has_value());
  EXPECT_FALSE(result.variant.has_value());
}

TEST(FlagEvaluatorTest, NullOrAbsentDefaultVariantMeansTheCodeDefault) {
  for (const char* key : {"null-default-flag", "undefined-default-flag"}) {
    const EvaluationResult result = evaluate(key);
    EXPECT_EQ(result.reason, Reason::default_value) << key;
    EXPECT_EQ(result.error_code, ErrorCode::none) << key;
    EXPECT_FALSE(result.value.has_value()) << key;
    EXPECT_FALSE(result.variant.has_value()) << key;
  }
  const EvaluationResult missed =
      evaluate("no-default-flag-null-targeting-variant", {{"email", "wozniak@orange.com"}});
  EXPECT_EQ(missed.reason, Reason::default_value);
  EXPECT_FALSE(missed.value.has_value());
  const EvaluationResult matched =
      evaluate("no-default-flag-null-targeting-variant", {{"email", "jobs@orange.com"}});
  EXPECT_EQ(matched.reason, Reason::targeting_match);
  EXPECT_EQ(matched.value, Json("CEO"));
}

TEST(FlagEvaluatorTest, FlagNotFound) {
  const EvaluationResult result = evaluate("missing-flag");
  EXPECT_EQ(result.reason, Reason::error);
  EXPECT_EQ(result.error_code, ErrorCode::flag_not_found);
  EXPECT_EQ(result.error_message, "flag \"missing-flag\" is not defined");
  EXPECT_FALSE(result.value.has_value());
}

TEST(FlagEvaluatorTest, TargetingByTargetingKey) {
  const EvaluationResult hit =
      evaluate("targeting-key-flag", {{"targetingKey", "5c3d8535-f81a-4478-a6d3-afaa4d51199e"}});
  EXPECT_EQ(hit.value, Json("hit"));
  EXPECT_EQ(hit.reason, Reason::targeting_match);
  const EvaluationResult miss =
      evaluate("targeting-key-flag", {{"targetingKey", "f20bd32d-703b-48b6-bc8e-79d53c85134a"}});
  EXPECT_EQ(miss.value, Json("miss"));
  EXPECT_EQ(miss.reason, Reason::default_value);
}

TEST(FlagEvaluatorTest, TargetingNullServesTheDefaultVariant) {
  const EvaluationResult result = evaluate("targeting-null-variant-flag");
  EXPECT_EQ(result.value, Json(2));
  EXPECT_EQ(result.variant, "two");
  EXPECT_EQ(result.reason, Reason::default_value);
}

TEST(FlagEvaluatorTest, TargetingNamingNoVariantIsAGeneralError) {
  const EvaluationResult result = evaluate("missing-variant-targeting-flag");
  EXPECT_EQ(result.reason, Reason::error);
  EXPECT_EQ(result.error_code, ErrorCode::general);
  EXPECT_FALSE(result.value.has_value());
  EXPECT_EQ(result.error_message,
            "flag \"missing-variant-targeting-flag\": targeting returned \"three\", which is not "
            "one of its variants (one, two)");
}

TEST(FlagEvaluatorTest, UnknownOperationIsAParseError) {
  const EvaluationResult result = evaluate("error-targeting-flag");
  EXPECT_EQ(result.reason, Reason::error);
  EXPECT_EQ(result.error_code, ErrorCode::parse_error);
  EXPECT_THAT(result.error_message, HasSubstr("unknown JsonLogic operation \"invalid\""));
}

TEST(FlagEvaluatorTest, BooleanAndNumberResultsNameVariantsByTheirText) {
  const EvaluationResult boolean = evaluate("non-string-variant-targeting-flag");
  EXPECT_EQ(boolean.value, Json(2));
  EXPECT_EQ(boolean.variant, "true");
  EXPECT_EQ(boolean.reason, Reason::targeting_match);
  EXPECT_EQ(evaluate("number-name-flag", {{"x", 1.5}}).value, Json("two and a half"));
  EXPECT_EQ(evaluate("number-name-flag", {{"x", 0}}).value, Json("one"));
  EXPECT_EQ(evaluate("number-name-flag", {{"x", 5}}).error_code, ErrorCode::general);
}

// flagd's evaluateVariant: the variant is the result's encoding/json text with every '"'
// removed, so an array names "[a,1]" and "a<b" names "a\u003cb" (the Encoder escapes HTML).
TEST(FlagEvaluatorTest, NonStringResultsNameVariantsByTheirGoJson) {
  EXPECT_EQ(evaluate("encoded-name-flag", {{"array", true}}).value, Json("array"));
  EXPECT_EQ(evaluate("encoded-name-flag", {{"array", false}}).value, Json("escaped"));
}

// jsonlogic.Apply fails when encoding/json cannot write the result (NaN): PARSE_ERROR.
TEST(FlagEvaluatorTest, UnencodableResultIsAParseError) {
  EXPECT_EQ(evaluate("number-name-flag", {{"x", "nan"}}).error_code, ErrorCode::parse_error);
}

// strings.go concat: a missing value is "" (typing.ToString(nil)), not "null".
TEST(FlagEvaluatorTest, CatOfAMissingValueIsEmpty) {
  EXPECT_EQ(evaluate("cat-name-flag").value, Json("no name"));
}

TEST(FlagEvaluatorTest, EvaluatorRefs) {
  EXPECT_EQ(evaluate("email-flag", {{"email", "ballmer@macrosoft.com"}}).value, Json("hi"));
  EXPECT_EQ(evaluate("email-flag", {{"email", "gates@macrosoft.com"}}).value, Json("bye"));
}

TEST(FlagEvaluatorTest, StartsWithAndEndsWith) {
  for (const auto& [id, value] : {std::pair{"abcdef", "prefix"}, std::pair{"uvwxyz", "postfix"},
                                  std::pair{"abcxyz", "prefix"}, std::pair{"lmnopq", "none"}}) {
    EXPECT_EQ(evaluate("starts-ends-flag", {{"id", id}}).value, Json(value)) << id;
  }
  const EvaluationResult result = evaluate("starts-with-non-string-flag", {{"num", 123}});
  EXPECT_EQ(result.value, Json("fallback"));
  EXPECT_EQ(result.reason, Reason::default_value);
}

TEST(FlagEvaluatorTest, SemVer) {
  for (const auto& [version, value] :
       {std::pair{"2.0.0", "equal"}, std::pair{"2.1.0", "greater"}, std::pair{"1.9.0", "lesser"},
        std::pair{"2.0.0-alpha", "lesser"}, std::pair{"2.0.0.0", "none"}}) {
    EXPECT_EQ(evaluate("equal-greater-lesser-version-flag", {{"version", version}}).value,
              Json(value))
        << version;
  }
  const EvaluationResult invalid =
      evaluate("semver-invalid-version-flag", {{"version", "not-a-version"}});
  EXPECT_EQ(invalid.value, Json("fallback"));
  EXPECT_EQ(invalid.reason, Reason::default_value);
}

TEST(FlagEvaluatorTest, FlagdPropertiesAreInjected) {
  EXPECT_EQ(evaluate("timestamp-flag", {{"time", 1}}).value, Json(-1));
  EXPECT_EQ(evaluate("timestamp-flag", {{"time", 4133980802}}).value, Json(1));
  EXPECT_EQ(evaluate("timestamp-flag", {{"time", now}}).value, Json(0));
  EXPECT_EQ(evaluate("flag-key-flag").value, Json("self"));
  // The caller's own $flagd is overwritten.
  EXPECT_EQ(evaluate("flag-key-flag", {{"$flagd", {{"flagKey", "other"}}}}).value, Json("self"));
}

TEST(FlagEvaluatorTest, TypeMismatch) {
  for (const auto& [key, type] :
       {std::pair{"boolean-flag", ValueType::string}, std::pair{"boolean-flag", ValueType::integer},
        std::pair{"boolean-flag", ValueType::number}, std::pair{"string-flag", ValueType::boolean},
        std::pair{"string-flag", ValueType::integer}, std::pair{"integer-flag", ValueType::boolean},
        std::pair{"integer-flag", ValueType::string}, std::pair{"float-flag", ValueType::string},
        std::pair{"object-flag", ValueType::string}}) {
    const EvaluationResult result = evaluate(key, Json::object(), type);
    EXPECT_EQ(result.reason, Reason::error) << key;
    EXPECT_EQ(result.error_code, ErrorCode::type_mismatch) << key;
    EXPECT_FALSE(result.value.has_value()) << key;
  }
  EXPECT_EQ(evaluate("boolean-flag", {}, ValueType::string).error_message,
            "flag \"boolean-flag\": variant \"on\" is not a string");
  // Numbers serve integer and number requests alike; no value, no mismatch.
  EXPECT_EQ(evaluate("float-flag", {}, ValueType::integer).error_code, ErrorCode::none);
  EXPECT_EQ(evaluate("null-default-flag", {}, ValueType::string).error_code, ErrorCode::none);
}

TEST(FlagEvaluatorTest, MetadataMergesFlagSetAndFlag) {
  EXPECT_EQ(evaluate("email-flag").metadata,
            Json::parse(R"({"flagSetId": "testkit", "version": 3, "team": "web"})"));
  EXPECT_EQ(evaluate("boolean-flag").metadata,
            Json::parse(R"({"flagSetId": "testkit", "version": 1})"));
  EXPECT_EQ(evaluate("disabled-flag").metadata, evaluate("boolean-flag").metadata);
}

TEST(FlagEvaluatorTest, ContextMustBeAnObject) {
  EXPECT_EQ(evaluate("targeting-key-flag", Json()).value, Json("miss"));  // null: no context
  const EvaluationResult result = evaluate("targeting-key-flag", Json::array());
  EXPECT_EQ(result.error_code, ErrorCode::general);
  EXPECT_THAT(result.error_message, HasSubstr("context is not a JSON object"));
  std::string deep = "1";
  for (int i = 0; i < 70; ++i)
    deep = "[" + deep + "]";
  EXPECT_EQ(evaluate("targeting-key-flag", {{"deep", Json::parse(deep)}}).error_code,
            ErrorCode::general);
}

TEST(FlagEvaluatorTest, RunawayTargetingIsAGeneralError) {
  Json xs = Json::array();
  for (int i = 0; i < 40; ++i)
    xs.push_back(i);
  const EvaluationResult result = evaluate("runaway-flag", {{"xs", xs}});
  EXPECT_EQ(result.reason, Reason::error);
  EXPECT_EQ(result.error_code, ErrorCode::general);
  EXPECT_THAT(result.error_message, HasSubstr("units of work"));
}

TEST(FlagEvaluatorTest, OpenFeatureSpellings) {
  EXPECT_EQ(to_string(Reason::static_value), "STATIC");
  EXPECT_EQ(to_string(Reason::default_value), "DEFAULT");
  EXPECT_EQ(to_string(Reason::targeting_match), "TARGETING_MATCH");
  EXPECT_EQ(to_string(Reason::disabled), "DISABLED");
  EXPECT_EQ(to_string(Reason::error), "ERROR");
  EXPECT_EQ(to_string(ErrorCode::none), "");
  EXPECT_EQ(to_string(ErrorCode::flag_not_found), "FLAG_NOT_FOUND");
  EXPECT_EQ(to_string(ErrorCode::parse_error), "PARSE_ERROR");
  EXPECT_EQ(to_string(ErrorCode::type_mismatch), "TYPE_MISMATCH");
  EXPECT_EQ(to_string(ErrorCode::targeting_key_missing), "TARGETING_KEY_MISSING");
  EXPECT_EQ(to_string(ErrorCode::general), "GENERAL");
}

TEST(FlagEvaluatorTest, HandBuiltFlagWithAnUnknownDefaultDoesNotCrash) {
  FlagSet set;
  Flag flag;
  flag.key = "f";
  flag.variants = {{"on", true}};
  flag.default_variant = "off";
  set.flags.emplace("f", flag);
  EXPECT_EQ(evaluate_flag(set, "f", Json::object(), now).error_code, ErrorCode::general);
}

}  // namespace
}  // namespace cutover::flags
