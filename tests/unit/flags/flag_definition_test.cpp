// Parsing flagd flag definitions: what is kept, and every refusal naming the flag, the field
// and the fix.
#include "flags/flag_definition.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace cutover::flags {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

FlagSet parsed(std::string_view text) {
  auto flags = parse_flag_definition(text);
  EXPECT_TRUE(flags.has_value()) << (flags ? "" : flags.error().describe());
  return flags.value_or(FlagSet{});
}

// The description of the error `text` must produce.
std::string refusal(std::string_view text) {
  const auto flags = parse_flag_definition(text);
  EXPECT_FALSE(flags.has_value()) << text;
  return flags ? std::string("<parsed>") : flags.error().describe();
}

// A document with one flag "f" whose members are `members`.
std::string one_flag(std::string_view members) {
  return R"({"flags": {"f": {)" + std::string(members) + "}}}";
}

TEST(FlagDefinitionTest, ParsesFlagsOfEveryType) {
  const FlagSet flags = parsed(R"({
    "$schema": "https://flagd.dev/schema/v0/flags.json",
    "flags": {
      "bool": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
      "text": {"state": "DISABLED", "variants": {"hi": "hi"}, "defaultVariant": "hi",
               "metadata": {"team": "web", "tier": 2, "beta": true}},
      "number": {"state": "ENABLED", "variants": {"one": 1, "half": 0.5}},
      "object": {"state": "ENABLED", "variants": {"empty": {}, "full": {"a": [1]}},
                 "defaultVariant": null, "targeting": {}}
    },
    "metadata": {"flagSetId": "shop"}
  })");
  ASSERT_EQ(flags.flags.size(), 4u);
  const Flag& boolean = flags.flags.at("bool");
  EXPECT_EQ(boolean.key, "bool");
  EXPECT_EQ(boolean.state, FlagState::enabled);
  EXPECT_EQ(boolean.type, VariantType::boolean);
  EXPECT_EQ(boolean.default_variant, "on");
  EXPECT_TRUE(boolean.targeting.is_null());
  const Flag& text = flags.flags.at("text");
  EXPECT_EQ(text.state, FlagState::disabled);
  EXPECT_EQ(text.type, VariantType::string);
  EXPECT_EQ(text.metadata, Json::parse(R"({"team": "web", "tier": 2, "beta": true})"));
  EXPECT_EQ(flags.flags.at("number").type, VariantType::number);
  EXPECT_EQ(flags.flags.at("number").default_variant, std::nullopt);  // absent
  const Flag& object = flags.flags.at("object");
  EXPECT_EQ(object.type, VariantType::object);
  EXPECT_EQ(object.default_variant, std::nullopt);  // null
  EXPECT_EQ(object.targeting, Json::object());
  EXPECT_EQ(object.variants["full"], Json::parse(R"({"a": [1]})"));
  EXPECT_EQ(flags.metadata, Json::parse(R"({"flagSetId": "shop"})"));
}

TEST(FlagDefinitionTest, NoFlagsIsAnEmptySet) {
  EXPECT_TRUE(parsed(R"({"flags": {}})").flags.empty());
}

TEST(FlagDefinitionTest, MalformedJson) {
  const std::string error = refusal(R"({"flags": {"f": {"state": "ENABLED",}}})");
  EXPECT_THAT(error, StartsWith("flag definition: is not valid JSON (parse error at line 1"));
  EXPECT_THAT(error, HasSubstr(": correct the JSON syntax"));
  EXPECT_THAT(refusal(""), HasSubstr("is not valid JSON"));
  EXPECT_THAT(refusal("{\"flags\": \"\xff\"}"), HasSubstr("is not valid JSON"));
}

TEST(FlagDefinitionTest, DocumentShape) {
  EXPECT_EQ(refusal("[]"), "flag definition: is an array, not an object: write {\"flags\": {...}}");
  EXPECT_EQ(
      refusal("{}"),
      "flag definition: flags is missing: put the flags under \"flags\": {\"my-flag\": {...}}");
  EXPECT_THAT(refusal(R"({"flags": []})"), HasSubstr("flags is an array, not an object"));
  EXPECT_THAT(refusal(R"({"flags": {"f": "on"}})"),
              StartsWith("flag \"f\": definition is a string, not an object"));
  EXPECT_EQ(refusal(R"({"flags": {"": {}}})"),
            "flag definition: flags has a flag with an empty key: give the flag a name");
}

TEST(FlagDefinitionTest, UnknownState) {
  EXPECT_EQ(refusal(one_flag(R"("state": "ON", "variants": {"on": true})")),
            "flag \"f\": state is \"ON\", not ENABLED or DISABLED: set state to ENABLED or "
            "DISABLED");
  EXPECT_EQ(refusal(one_flag(R"("variants": {"on": true})")),
            "flag \"f\": state is missing: set state to ENABLED or DISABLED");
  EXPECT_THAT(refusal(one_flag(R"("state": true, "variants": {"on": true})")),
              HasSubstr("state is a boolean, not ENABLED or DISABLED"));
}

TEST(FlagDefinitionTest, Variants) {
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED")")),
              StartsWith("flag \"f\": variants is missing: list its variants"));
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": {})")),
              StartsWith("flag \"f\": variants is empty"));
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": [true])")),
              HasSubstr("variants is an array, not an object"));
  EXPECT_EQ(refusal(one_flag(R"("state": "ENABLED", "variants": {"on": true, "off": "no"})")),
            "flag \"f\": variants.on is a boolean, but variants.off is a string: give every "
            "variant of a flag the same type (boolean, string, number or object)");
  EXPECT_EQ(refusal(one_flag(R"("state": "ENABLED", "variants": {"on": null})")),
            "flag \"f\": variants.on is null: give it a boolean, string, number or object value");
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": {"list": [1]})")),
              HasSubstr("variants.list is an array"));
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": {"": 1})")),
              HasSubstr("variants has a variant with an empty name"));
}

TEST(FlagDefinitionTest, DefaultVariantNotAVariant) {
  EXPECT_EQ(refusal(R"({"flags": {"new-checkout": {"state": "ENABLED",
                "variants": {"on": true, "off": false}, "defaultVariant": "blue"}}})"),
            "flag \"new-checkout\": defaultVariant \"blue\" is not one of its variants (off, on): "
            "name one of them or remove defaultVariant");
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": {"on": true},
                                  "defaultVariant": 1)")),
              HasSubstr("defaultVariant is a number, not a name: name one of its variants (on)"));
}

TEST(FlagDefinitionTest, EmptyDefaultVariantIsTheCodeDefault) {
  // The FeatureFlag CRD requires defaultVariant as a string: "" is how it says "none".
  const auto flags = parse_flag_definition(std::string_view(
      R"({"flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": ""}}})"));
  ASSERT_TRUE(flags) << flags.error().describe();
  EXPECT_FALSE(flags->flags.at("f").default_variant);
}

TEST(FlagDefinitionTest, TargetingMustBeAnObject) {
  EXPECT_EQ(refusal(one_flag(R"("state": "ENABLED", "variants": {"on": true},
                                "targeting": "on")")),
            "flag \"f\": targeting is a string, not a JsonLogic object: write a rule such as "
            "{\"if\": [...]} or remove targeting");
}

TEST(FlagDefinitionTest, Metadata) {
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": {"on": true},
                                  "metadata": {"owners": ["a"]})")),
              StartsWith("flag \"f\": metadata.owners is an array: give metadata values as "
                         "strings, numbers or booleans"));
  EXPECT_THAT(refusal(R"({"flags": {}, "metadata": "shop"})"),
              StartsWith("flag definition: metadata is a string, not an object"));
}

TEST(FlagDefinitionTest, RefsAreInlined) {
  const FlagSet flags = parsed(R"({
    "flags": {
      "f": {"state": "ENABLED", "variants": {"hi": "hi", "bye": "bye"}, "defaultVariant": "bye",
            "targeting": {"if": [{"$ref": "is_ballmer"}, "hi", "bye"]}},
      "g": {"state": "ENABLED", "variants": {"hi": "hi"}, "defaultVariant": "hi",
            "targeting": {"$ref": "ballmer_or_gates"}}
    },
    "$evaluators": {
      "is_ballmer": {"==": ["ballmer@macrosoft.com", {"var": ["email"]}]},
      "ballmer_or_gates": {"or": [{"$ref": "is_ballmer"}, {"==": [{"var": "email"}, "gates"]}]}
    }
  })");
  EXPECT_EQ(flags.flags.at("f").targeting,
            Json::parse(R"({"if": [{"==": ["ballmer@macrosoft.com", {"var": ["email"]}]},
                                   "hi", "bye"]})"));
  EXPECT_EQ(flags.flags.at("g").targeting,
            Json::parse(R"({"or": [{"==": ["ballmer@macrosoft.com", {"var": ["email"]}]},
                                   {"==": [{"var": "email"}, "gates"]}]})"));
}

TEST(FlagDefinitionTest, RefMergesWithTheOtherMembersOfItsObject) {
  // flagd substitutes text: {"$ref": "x", "b": 1} becomes {<x's members>, "b": 1}.
  const FlagSet flags = parsed(R"({
    "flags": {"f": {"state": "ENABLED", "variants": {"on": true},
                    "targeting": {"if": [{"$ref": "x", "note": 1}, "on"]}}},
    "$evaluators": {"x": {"var": "a"}}
  })");
  EXPECT_EQ(flags.flags.at("f").targeting,
            Json::parse(R"({"if": [{"var": "a", "note": 1}, "on"]})"));
  EXPECT_THAT(refusal(R"({
    "flags": {"f": {"state": "ENABLED", "variants": {"on": true},
                    "targeting": {"$ref": "x", "var": "b"}}},
    "$evaluators": {"x": {"var": "a"}}
  })"),
              HasSubstr("targeting $ref \"x\" brings key \"var\" that its object already has"));
}

TEST(FlagDefinitionTest, UnknownRef) {
  EXPECT_EQ(refusal(R"({
    "flags": {"f": {"state": "ENABLED", "variants": {"hit": "hit", "miss": "miss"},
                    "targeting": {"if": [{"$ref": "nonexistent_evaluator"}, "hit", "miss"]}}},
    "$evaluators": {"is_ballmer": {"==": ["ballmer@macrosoft.com", {"var": "email"}]}}
  })"),
            "flag \"f\": targeting $ref \"nonexistent_evaluator\" names no $evaluators entry "
            "(is_ballmer): define the evaluator under $evaluators or correct the $ref");
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": {"on": true},
                                  "targeting": {"$ref": "x"})")),
              HasSubstr("$ref \"x\" names no $evaluators entry (there is none)"));
  EXPECT_THAT(refusal(one_flag(R"("state": "ENABLED", "variants": {"on": true},
                                  "targeting": {"$ref": 5})")),
              HasSubstr("targeting has a $ref that is not the name of an $evaluators entry"));
}

TEST(FlagDefinitionTest, RefCycle) {
  EXPECT_THAT(refusal(R"({
    "flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "targeting": {"$ref": "a"}}},
    "$evaluators": {"a": {"!": {"$ref": "b"}}, "b": {"!": {"$ref": "a"}}}
  })"),
              HasSubstr("targeting $ref \"a\" refers back to itself (\"a\" -> \"b\" -> \"a\")"));
}

TEST(FlagDefinitionTest, RefExpansionIsBounded) {
  // Each evaluator uses the previous one ten times: 10^8 copies of "e0" unless bounded.
  std::string evaluators = R"("e0": {"var": "x"})";
  for (int i = 1; i <= 8; ++i) {
    std::string uses;
    for (int j = 0; j < 10; ++j)
      uses += std::string(j ? ", " : "") + R"({"$ref": "e)" + std::to_string(i - 1) + R"("})";
    evaluators += R"(, "e)" + std::to_string(i) + R"(": {"and": [)" + uses + "]}";
  }
  EXPECT_THAT(refusal(R"({"flags": {"f": {"state": "ENABLED", "variants": {"on": true},
                                          "targeting": {"$ref": "e8"}}},
                          "$evaluators": {)" +
                      evaluators + "}}"),
              HasSubstr("expands past 1000000 JSON nodes"));
}

TEST(FlagDefinitionTest, EvaluatorsMustBeRules) {
  EXPECT_EQ(refusal(R"({"flags": {}, "$evaluators": {"empty": {}}})"),
            "flag definition: $evaluators.empty is an empty object, not a JsonLogic rule: give it "
            "a rule such as {\"==\": [...]}, or remove it");
  EXPECT_THAT(refusal(R"({"flags": {}, "$evaluators": {"s": "x"}})"),
              HasSubstr("$evaluators.s is a string, not a JsonLogic rule"));
  EXPECT_THAT(refusal(R"({"flags": {}, "$evaluators": []})"),
              HasSubstr("$evaluators is an array, not an object"));
}

TEST(FlagDefinitionTest, DeepNestingIsRefused) {
  std::string deep(70, '[');
  deep += std::string(70, ']');
  EXPECT_EQ(refusal(R"({"flags": {}, "x": )" + deep + "}"),
            "flag definition: nests deeper than 64 levels: flatten the rules");
}

TEST(FlagDefinitionTest, ParsesADocumentAlreadyParsed) {
  const auto flags = parse_flag_definition(
      Json::parse(R"({"flags": {"f": {"state": "ENABLED", "variants": {"on": true}}}})"));
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->flags.count("f"), 1u);
}

}  // namespace
}  // namespace cutover::flags
