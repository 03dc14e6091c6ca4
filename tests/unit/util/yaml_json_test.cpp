// YAML to JSON: the core schema's scalar typing, multi-document streams, and errors.
#include "util/yaml_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cutover {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

Json one(const std::string& text) {
  auto documents = parse_yaml_documents(text);
  EXPECT_TRUE(documents.has_value()) << text;
  if (!documents || documents->size() != 1)
    return Json("<no single document>");
  return documents->front();
}

Json scalar(const std::string& text) {
  return one("v: " + text)["v"];
}

TEST(YamlJsonTest, NullForms) {
  for (const char* text : {"~", "null", "Null", "NULL", ""}) {
    EXPECT_TRUE(scalar(text).is_null()) << "'" << text << "'";
  }
}

TEST(YamlJsonTest, Booleans) {
  for (const char* text : {"true", "True", "TRUE"})
    EXPECT_EQ(scalar(text), Json(true)) << text;
  for (const char* text : {"false", "False", "FALSE"})
    EXPECT_EQ(scalar(text), Json(false)) << text;
  // YAML 1.1's yes/no/on/off are strings in the core schema.
  for (const char* text : {"yes", "no", "on", "off", "y", "tRUE"})
    EXPECT_EQ(scalar(text), Json(text)) << text;
}

TEST(YamlJsonTest, Integers) {
  EXPECT_EQ(scalar("0"), Json(0));
  EXPECT_EQ(scalar("42"), Json(42));
  EXPECT_EQ(scalar("-7"), Json(-7));
  EXPECT_EQ(scalar("+7"), Json(7));
  EXPECT_TRUE(scalar("42").is_number_integer());
  EXPECT_EQ(scalar("9223372036854775807"), Json(9223372036854775807LL));
}

TEST(YamlJsonTest, HugeIntegersStayStrings) {
  EXPECT_EQ(scalar("9223372036854775808"), Json("9223372036854775808"));
  EXPECT_EQ(scalar("123456789012345678901234567890"), Json("123456789012345678901234567890"));
  EXPECT_EQ(scalar("-99999999999999999999"), Json("-99999999999999999999"));
}

TEST(YamlJsonTest, Floats) {
  EXPECT_EQ(scalar("0.5"), Json(0.5));
  EXPECT_EQ(scalar(".5"), Json(0.5));
  EXPECT_EQ(scalar("5."), Json(5.0));
  EXPECT_EQ(scalar("-1.5e3"), Json(-1500.0));
  EXPECT_EQ(scalar("+2E-2"), Json(0.02));
  EXPECT_TRUE(scalar("1.0").is_number_float());
  // Out of range floats and the non-numbers stay text rather than become inf.
  EXPECT_EQ(scalar("1e999"), Json("1e999"));
  EXPECT_EQ(scalar(".inf"), Json(".inf"));
  EXPECT_EQ(scalar(".nan"), Json(".nan"));
}

TEST(YamlJsonTest, NumberLikeTextStaysText) {
  for (const char* text : {"1.2.3", "0x1F", "1_000", "30s", "1e", "e5", "+", ".", "v1"})
    EXPECT_EQ(scalar(text), Json(text)) << text;
}

TEST(YamlJsonTest, QuotedScalarsAreAlwaysStrings) {
  EXPECT_EQ(scalar("\"42\""), Json("42"));
  EXPECT_EQ(scalar("'true'"), Json("true"));
  EXPECT_EQ(scalar("\"null\""), Json("null"));
  EXPECT_EQ(scalar("''"), Json(""));
  EXPECT_EQ(scalar("!!str 7"), Json("7"));
}

TEST(YamlJsonTest, BlockScalarsKeepNewlines) {
  EXPECT_EQ(one("q: |\n  a\n  b\n")["q"], Json("a\nb\n"));
  EXPECT_EQ(one("q: >\n  a\n  b\n")["q"], Json("a b\n"));
}

TEST(YamlJsonTest, MapsAndSequences) {
  const Json doc = one("a: [1, x, {b: null}]\nc:\n  d: true\n");
  EXPECT_EQ(doc, Json::parse(R"({"a":[1,"x",{"b":null}],"c":{"d":true}})"));
}

TEST(YamlJsonTest, MultipleDocumentsSkipEmptyOnes) {
  const auto documents = parse_yaml_documents("a: 1\n---\n---\n# only a comment\n---\nb: 2\n");
  ASSERT_TRUE(documents.has_value());
  ASSERT_EQ(documents->size(), 2U);
  EXPECT_EQ((*documents)[0], Json::parse(R"({"a":1})"));
  EXPECT_EQ((*documents)[1], Json::parse(R"({"b":2})"));
}

TEST(YamlJsonTest, EmptyTextHasNoDocuments) {
  const auto documents = parse_yaml_documents("");
  ASSERT_TRUE(documents.has_value());
  EXPECT_TRUE(documents->empty());
}

TEST(YamlJsonTest, TopLevelScalarDocument) {
  EXPECT_EQ(one("5"), Json(5));
  EXPECT_EQ(one("hello"), Json("hello"));
}

TEST(YamlJsonTest, SyntaxErrorsCarryLineAndColumn) {
  const auto documents = parse_yaml_documents("a: 1\nb: [1, 2\nc: 3\n");
  ASSERT_FALSE(documents.has_value());
  EXPECT_GE(documents.error().line, 2);
  EXPECT_GE(documents.error().column, 1);
  EXPECT_FALSE(documents.error().message.empty());
  const auto tab = parse_yaml_documents("a:\n  b: 1\n c: 2\n");
  ASSERT_FALSE(tab.has_value());
  EXPECT_GE(tab.error().line, 2);
}

TEST(YamlJsonTest, ComplexKeyIsRefusedWithPosition) {
  const auto documents = parse_yaml_documents("x: 1\n? [a, b]\n: 1\n");
  ASSERT_FALSE(documents.has_value());
  EXPECT_THAT(documents.error().message, HasSubstr("mapping key must be a plain value"));
  EXPECT_EQ(documents.error().line, 2);
}

TEST(YamlJsonTest, DeepNestingIsRefused) {
  std::string text;
  for (int i = 0; i < 300; ++i)
    text += "[";
  for (int i = 0; i < 300; ++i)
    text += "]";
  const auto documents = parse_yaml_documents(text);
  ASSERT_FALSE(documents.has_value());
  EXPECT_THAT(documents.error().message, HasSubstr("nested too deeply"));
}

TEST(YamlJsonTest, ModerateNestingIsFine) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "{a: ";
  text += "1";
  for (int i = 0; i < 100; ++i)
    text += "}";
  EXPECT_TRUE(parse_yaml_documents(text).has_value());
}

TEST(YamlJsonTest, AliasesAreExpanded) {
  EXPECT_EQ(one("a: &x {b: 1}\nc: *x\n"), Json::parse(R"({"a":{"b":1},"c":{"b":1}})"));
}

TEST(YamlJsonTest, DuplicateKeysKeepTheLast) {
  EXPECT_EQ(one("a: 1\na: 2\n"), Json::parse(R"({"a":2})"));
}

// The rule itself, as `deploy -o yaml` uses it to decide what to quote.
TEST(YamlJsonTest, PlainScalarRuleMatchesTheReader) {
  for (const char* text : {"",
                           "~",
                           "null",
                           "NULL",
                           "true",
                           "False",
                           "42",
                           "+7",
                           "-0",
                           "0.5",
                           ".5",
                           "5.",
                           "-1.5e3",
                           "9223372036854775807",
                           "9223372036854775808",
                           "1e999",
                           ".inf",
                           "yes",
                           "on",
                           "1.2.3",
                           "0x1F",
                           "30s",
                           "v1",
                           "tRUE",
                           "nULL"}) {
    EXPECT_EQ(yaml_plain_scalar(text), scalar(text)) << "'" << text << "'";
  }
}

TEST(YamlJsonTest, PlainScalarTypes) {
  EXPECT_TRUE(yaml_plain_scalar("").is_null());
  EXPECT_EQ(yaml_plain_scalar("TRUE"), Json(true));
  EXPECT_TRUE(yaml_plain_scalar("42").is_number_integer());
  EXPECT_TRUE(yaml_plain_scalar("1.0").is_number_float());
  EXPECT_EQ(yaml_plain_scalar("-99999999999999999999"), Json("-99999999999999999999"));
  EXPECT_EQ(yaml_plain_scalar("1e-99999"), Json("1e-99999")) << "underflow stays text";
  EXPECT_EQ(yaml_plain_scalar("web:1.0"), Json("web:1.0"));
  EXPECT_EQ(yaml_plain_scalar(" 42"), Json(" 42")) << "the caller passes the scalar as read";
}

TEST(YamlJsonTest, MalformedInputIsAnErrorWithAPosition) {
  for (const char* text : {
           "a: 'x' y\n",            // text after a quoted scalar
           "key: \"a\" b\n",        // likewise, double-quoted
           "a: *nowhere\n",         // an alias to no anchor
           "a: [1, 2\n",            // a flow sequence that never closes
           "a: {b: 1\n",            // a flow mapping that never closes
           "- a\n- b\n,\n",         // a stray ',' (yaml-cpp 0.7 would loop for ever)
           "a: 1\n b: 2\n  - c\n",  // a sequence where a mapping value is
           "a: b: c\n",             // a mapping value where none may start
           "a: &x\n  b: *x\n  c: !!binary [\n",
       }) {
    const auto documents = parse_yaml_documents(text);
    ASSERT_FALSE(documents.has_value()) << text;
    EXPECT_GE(documents.error().line, 1) << text;
    EXPECT_GE(documents.error().column, 1) << text;
    EXPECT_FALSE(documents.error().message.empty()) << text;
  }
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

TEST(YamlJsonTest, AliasBombIsRefused) {
  // Found by fuzz_slo_policy: nine levels of nine aliases are 9^9 values once expanded.
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (int level = 0; level < 8; ++level) {
    const std::string name = "n" + std::to_string(level);
    text += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i)
      text += (i == 0 ? "*" : ", *") + previous;
    text += "]\n";
    previous = name;
  }
  const auto documents = parse_yaml_documents(text);
  ASSERT_FALSE(documents.has_value());
  EXPECT_THAT(documents.error().message, HasSubstr("more than 100,000 values"));
  EXPECT_GE(documents.error().line, 1);
}

}  // namespace
}  // namespace cutover
