// flagd's `fractional`: the published vectors of flagd-testbed (evaluator/gherkin/
// fractional.feature, the fractional-v2 examples, with the flags of
// evaluator/flags/testkit-flags.json) through whole flag evaluations, then the operation's
// own rules: bucket keys, weights and what makes it null.
#include "flags/fractional.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "flags/evaluator.hpp"
#include "flags/flagd_operations.hpp"

namespace cutover::flags {
namespace {

constexpr std::int64_t now = 1'700'000'000;

// The fractional flags of flagd-testbed's testkit-flags.json.
constexpr std::string_view testkit = R"({
  "flags": {
    "fractional-flag": {
      "state": "ENABLED",
      "variants": {"clubs": "clubs", "diamonds": "diamonds", "hearts": "hearts",
                   "spades": "spades", "wild": "wild"},
      "defaultVariant": "wild",
      "targeting": {"fractional": [
        {"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]},
        ["clubs", 25], ["diamonds", 25], ["hearts", 25], ["spades", 25]]}
    },
    "fractional-flag-shorthand": {
      "state": "ENABLED",
      "variants": {"heads": "heads", "tails": "tails", "draw": "draw"},
      "defaultVariant": "draw",
      "targeting": {"fractional": [["heads"], ["tails", 1]]}
    },
    "fractional-flag-A-shared-seed": {
      "state": "ENABLED",
      "variants": {"clubs": "clubs", "diamonds": "diamonds", "hearts": "hearts",
                   "spades": "spades", "wild": "wild"},
      "defaultVariant": "wild",
      "targeting": {"fractional": [{"cat": ["shared-seed", {"var": "user.name"}]},
        ["clubs", 25], ["diamonds", 25], ["hearts", 25], ["spades", 25]]}
    },
    "fractional-flag-B-shared-seed": {
      "state": "ENABLED",
      "variants": {"clubs": "ace-of-clubs", "diamonds": "ace-of-diamonds",
                   "hearts": "ace-of-hearts", "spades": "ace-of-spades", "wild": "wild"},
      "defaultVariant": "wild",
      "targeting": {"fractional": [{"cat": ["shared-seed", {"var": "user.name"}]},
        ["clubs", 25], ["diamonds", 25], ["hearts", 25], ["spades", 25]]}
    },
    "fractional-hash-edge-flag": {
      "state": "ENABLED",
      "variants": {"lower": "lower", "upper": "upper"},
      "defaultVariant": "lower",
      "targeting": {"fractional": [{"var": "targetingKey"}, ["lower", 50], ["upper", 50]]}
    },
    "fractional-nested-if-flag": {
      "state": "ENABLED",
      "variants": {"premium": "premium", "standard": "standard", "fallback": "fallback"},
      "defaultVariant": "fallback",
      "targeting": {"fractional": [{"var": "targetingKey"},
        [{"if": [{"==": [{"var": "tier"}, "premium"]}, "premium", "standard"]}, 50],
        ["standard", 50]]}
    },
    "fractional-nested-var-flag": {
      "state": "ENABLED",
      "variants": {"red": "red", "green": "green", "blue": "blue", "fallback": "fallback"},
      "defaultVariant": "fallback",
      "targeting": {"fractional": [{"var": "targetingKey"}, [{"var": "color"}, 50],
                                   ["blue", 50]]}
    },
    "fractional-nested-weight-flag": {
      "state": "ENABLED",
      "variants": {"red": "red", "blue": "blue", "fallback": "fallback"},
      "defaultVariant": "fallback",
      "targeting": {"fractional": [{"var": "targetingKey"},
        ["red", {"if": [{"==": [{"var": "tier"}, "premium"]}, 100, 0]}], ["blue", 10]]}
    },
    "fractional-as-condition-flag": {
      "state": "ENABLED",
      "variants": {"big": "hundreds", "small": "ones", "fallback": "zero"},
      "defaultVariant": "fallback",
      "targeting": {"if": [{"fractional": [[false, 0], [true, 100]]}, "big", "small"]}
    },
    "fractional-as-condition-false-flag": {
      "state": "ENABLED",
      "variants": {"big": "hundreds", "small": "ones", "fallback": "zero"},
      "defaultVariant": "fallback",
      "targeting": {"if": [{"fractional": [[false, 100], [true, 0]]}, "big", "small"]}
    },
    "fractional-single-entry-flag": {
      "state": "ENABLED",
      "variants": {"single": "single", "fallback": "fallback"},
      "defaultVariant": "fallback",
      "targeting": {"fractional": [["single", 1]]}
    },
    "fractional-null-bucket-key-flag": {
      "state": "ENABLED",
      "variants": {"one": "one", "two": "two", "fallback": "fallback"},
      "defaultVariant": "fallback",
      "targeting": {"fractional": [{"var": "missing_key"}, ["one", 50], ["two", 50]]}
    },
    "fractional-zero-weights-flag": {
      "state": "ENABLED",
      "variants": {"one": "one", "two": "two", "fallback": "fallback"},
      "defaultVariant": "fallback",
      "targeting": {"fractional": [{"var": "targetingKey"}, ["one", 0], ["two", 0]]}
    },
    "fractional-negative-weight-flag": {
      "state": "ENABLED",
      "variants": {"one": "one", "two": "two", "fallback": "fallback"},
      "defaultVariant": "fallback",
      "targeting": {"fractional": [{"var": "targetingKey"}, ["one", -50], ["two", 100]]}
    }
  }
})";

const FlagSet& testkit_flags() {
  static const FlagSet flags = [] {
    auto parsed = parse_flag_definition(testkit);
    EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().describe());
    return parsed.value_or(FlagSet{});
  }();
  return flags;
}

EvaluationResult evaluate(std::string_view flag, const Json& context) {
  return evaluate_flag(testkit_flags(), flag, context, now, ValueType::string);
}

// The value served, or "<code default>" / "<error CODE>" when there is none.
std::string served(std::string_view flag, const Json& context) {
  const EvaluationResult result = evaluate(flag, context);
  if (result.error_code != ErrorCode::none)
    return "<error " + std::string(to_string(result.error_code)) + ">";
  return result.value ? result.value->get<std::string>() : "<code default>";
}

Json user_named(std::string_view name) {
  return {{"user", {{"name", name}}}};
}

Json with_targeting_key(std::string_view key, Json context = Json::object()) {
  context["targetingKey"] = key;
  return context;
}

TEST(FractionalTest, PublishedVectors) {
  EXPECT_EQ(served("fractional-flag", user_named("jack")), "hearts");
  EXPECT_EQ(served("fractional-flag", user_named("queen")), "spades");
  EXPECT_EQ(served("fractional-flag", user_named("ten")), "clubs");
  EXPECT_EQ(served("fractional-flag", user_named("nine")), "diamonds");
  EXPECT_EQ(served("fractional-flag", user_named("3")), "clubs");
  EXPECT_EQ(evaluate("fractional-flag", user_named("jack")).reason, Reason::targeting_match);
  EXPECT_EQ(evaluate("fractional-flag", user_named("jack")).variant, "hearts");
}

TEST(FractionalTest, ShorthandBucketsOnFlagKeyAndTargetingKey) {
  EXPECT_EQ(served("fractional-flag-shorthand", with_targeting_key("jon@company.com")), "heads");
  EXPECT_EQ(served("fractional-flag-shorthand", with_targeting_key("jane@company.com")), "tails");
}

TEST(FractionalTest, SharedSeedAssignsAlikeAcrossFlags) {
  for (const auto& [name, suit] : {std::pair{"seven", "hearts"}, std::pair{"eight", "diamonds"},
                                   std::pair{"nine", "clubs"}, std::pair{"two", "spades"}}) {
    EXPECT_EQ(served("fractional-flag-A-shared-seed", user_named(name)), suit) << name;
    EXPECT_EQ(served("fractional-flag-B-shared-seed", user_named(name)),
              "ace-of-" + std::string(suit))
        << name;
  }
}

TEST(FractionalTest, HashEdgeCases) {
  // Keys whose hashes are 0, 1, 2^31-1 (lower half) and 2^31, 2^32-1 (upper half).
  for (const char* key : {"ejOoVL", "bY9fO-", "SI7p-"})
    EXPECT_EQ(served("fractional-hash-edge-flag", with_targeting_key(key)), "lower") << key;
  for (const char* key : {"6LvT0", "ceQdGm"})
    EXPECT_EQ(served("fractional-hash-edge-flag", with_targeting_key(key)), "upper") << key;
}

TEST(FractionalTest, NestedRuleAsVariant) {
  const auto tier = [](const char* key, const char* value) {
    return with_targeting_key(key, {{"tier", value}});
  };
  EXPECT_EQ(served("fractional-nested-if-flag", tier("jon@company.com", "premium")), "premium");
  EXPECT_EQ(served("fractional-nested-if-flag", tier("jon@company.com", "basic")), "standard");
  EXPECT_EQ(served("fractional-nested-if-flag", tier("user1", "premium")), "standard");
  EXPECT_EQ(served("fractional-nested-if-flag", tier("user1", "basic")), "standard");

  const auto color = [](const char* key, const char* value) {
    return with_targeting_key(key, {{"color", value}});
  };
  EXPECT_EQ(served("fractional-nested-var-flag", color("jon@company.com", "red")), "red");
  EXPECT_EQ(served("fractional-nested-var-flag", color("jon@company.com", "green")), "green");
  EXPECT_EQ(served("fractional-nested-var-flag", color("user1", "red")), "blue");
  // A computed name that is no variant is an error; the caller serves its default.
  EXPECT_EQ(served("fractional-nested-var-flag", color("jon@company.com", "yellow")),
            "<error GENERAL>");
  EXPECT_EQ(served("fractional-nested-var-flag", color("jon@company.com", "")), "<error GENERAL>");
  // No color at all: the bucket's variant is null, so the default variant.
  EXPECT_EQ(served("fractional-nested-var-flag", with_targeting_key("jon@company.com")),
            "fallback");
}

TEST(FractionalTest, NestedRuleAsWeight) {
  for (const char* key : {"jon@company.com", "user1"}) {
    EXPECT_EQ(
        served("fractional-nested-weight-flag", with_targeting_key(key, {{"tier", "premium"}})),
        "red")
        << key;
    EXPECT_EQ(served("fractional-nested-weight-flag", with_targeting_key(key, {{"tier", "basic"}})),
              "blue")
        << key;
  }
}

TEST(FractionalTest, BooleanVariantsAsACondition) {
  const Json context = with_targeting_key("some-targeting-key");
  EXPECT_EQ(served("fractional-as-condition-flag", context), "hundreds");
  EXPECT_EQ(served("fractional-as-condition-false-flag", context), "ones");
}

TEST(FractionalTest, SingleEntryAlwaysWins) {
  EXPECT_EQ(served("fractional-single-entry-flag", with_targeting_key("some-targeting-key")),
            "single");
}

TEST(FractionalTest, NoBucketKeyFallsBackToTheDefaultVariant) {
  const EvaluationResult result = evaluate("fractional-null-bucket-key-flag", Json::object());
  EXPECT_EQ(result.value, Json("fallback"));
  EXPECT_EQ(result.reason, Reason::default_value);
  EXPECT_EQ(result.error_code, ErrorCode::none);
  // With a targetingKey the default key ($flagd.flagKey + targetingKey) is used.
  EXPECT_EQ(evaluate("fractional-null-bucket-key-flag", with_targeting_key("u")).reason,
            Reason::targeting_match);
}

TEST(FractionalTest, ZeroTotalWeightFallsBackToTheDefaultVariant) {
  const EvaluationResult result =
      evaluate("fractional-zero-weights-flag", with_targeting_key("any-user"));
  EXPECT_EQ(result.value, Json("fallback"));
  EXPECT_EQ(result.reason, Reason::default_value);
}

TEST(FractionalTest, NegativeWeightCountsAsZero) {
  EXPECT_EQ(served("fractional-negative-weight-flag", with_targeting_key("any-user")), "two");
}

Json fractional_of(std::string_view arguments, const Json& data = Json::object()) {
  const auto result = flagd_json_logic().apply(Json{{"fractional", Json::parse(arguments)}}, data);
  EXPECT_TRUE(result.has_value());
  return result.value_or(Json("<error>"));
}

TEST(FractionalTest, BucketArithmeticIsIntegerAndUnsigned) {
  // hash("6LvT0") = 2^31: with weights 1 and 1 it is the first key of the upper half.
  EXPECT_EQ(fractional_of(R"(["6LvT0", ["a", 1], ["b", 1]])"), "b");
  // hash("ceQdGm") = 2^32-1 lands in the last bucket however large the total.
  EXPECT_EQ(fractional_of(R"(["ceQdGm", ["a", 2147483646], ["b", 1]])"), "b");
  EXPECT_EQ(fractional_of(R"(["ejOoVL", ["a", 1], ["b", 2147483646]])"), "a");
  // Weights need not add up to 100.
  EXPECT_EQ(fractional_of(R"(["SI7p-", ["a", 3], ["b", 3]])"), "a");
}

TEST(FractionalTest, DefaultBucketKeyIsFlagKeyThenTargetingKey) {
  for (const std::string user : {"jon@company.com", "jane@company.com", "a", "b", "c", "d"}) {
    const Json data = {{"$flagd", {{"flagKey", "f"}}}, {"targetingKey", user}};
    EXPECT_EQ(fractional_of(R"([["x", 1], ["y", 1], ["z", 1]])", data),
              fractional_of(R"(["f)" + user + R"(", ["x", 1], ["y", 1], ["z", 1]])"))
        << user;
  }
  // A bucket key that evaluated to null is dropped, and the default key used.
  const Json data = {{"$flagd", {{"flagKey", "f"}}}, {"targetingKey", "a"}};
  EXPECT_EQ(fractional_of(R"([null, ["x", 1], ["y", 1], ["z", 1]])", data),
            fractional_of(R"(["fa", ["x", 1], ["y", 1], ["z", 1]])"));
  // A non-string targetingKey is no key.
  EXPECT_EQ(fractional_of(R"([["heads"], ["tails", 1]])", {{"targetingKey", 5}}), nullptr);
}

TEST(FractionalTest, VariantsMayBeStringsBooleansNumbersOrNull) {
  EXPECT_EQ(fractional_of(R"(["k", [true, 1]])"), true);
  EXPECT_EQ(fractional_of(R"(["k", [7, 1]])"), 7);
  EXPECT_EQ(fractional_of(R"(["k", [null, 1]])"), nullptr);
  EXPECT_EQ(fractional_of(R"(["k", ["a", null]])"), "a");  // a null weight is 1
  EXPECT_EQ(fractional_of(R"(["k", ["a", 2.0]])"), "a");   // integral floats are integers
}

TEST(FractionalTest, MalformedArgumentsAreNull) {
  EXPECT_EQ(fractional_of(R"([])"), nullptr);
  EXPECT_EQ(fractional_of(R"(["k"])"), nullptr);                               // no bucket
  EXPECT_EQ(fractional_of(R"(["k", ["a", 1.5]])"), nullptr);                   // fractional weight
  EXPECT_EQ(fractional_of(R"(["k", ["a", "1"]])"), nullptr);                   // string weight
  EXPECT_EQ(fractional_of(R"(["k", ["a", 2147483648]])"), nullptr);            // above 2^31-1
  EXPECT_EQ(fractional_of(R"(["k", ["a", 2147483647], ["b", 1]])"), nullptr);  // total above
  EXPECT_EQ(fractional_of(R"(["k", [{"a": 1, "b": 2}, 1]])"), nullptr);        // object variant
  EXPECT_EQ(fractional_of(R"(["k", []])"), nullptr);                           // empty bucket
  EXPECT_EQ(fractional_of(R"(["k", "a"])"), nullptr);                          // not a bucket
  EXPECT_EQ(fractional_of(R"([5, ["a", 1]])", {{"targetingKey", "u"}}), nullptr);
  EXPECT_EQ(fractional_of(R"(["k", ["a", 0]])"), nullptr);       // total 0
  EXPECT_EQ(fractional_of(R"(["k", ["a", 2147483647]])"), "a");  // the maximum
}

}  // namespace
}  // namespace cutover::flags
