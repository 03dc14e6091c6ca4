#include "yaml_json.hpp"

#include <gtest/gtest.h>

namespace cutover::cli {
namespace {

using Json = nlohmann::json;

TEST(YamlJson, ReadsEveryDocumentWithCoreSchemaTypes) {
  const auto docs = parse_yaml_documents(R"(
a: 1
b: "1"
c: true
d: 'yes'
e: ~
f: 2.5
g: [x, {h: null}]
---
---
kind: Service
)",
                                         "in.yaml");
  ASSERT_TRUE(docs) << docs.error();
  ASSERT_EQ(docs->size(), 2U);
  EXPECT_EQ((*docs)[0], Json::parse(R"({"a":1,"b":"1","c":true,"d":"yes","e":null,"f":2.5,
                                        "g":["x",{"h":null}]})"));
  EXPECT_EQ((*docs)[1]["kind"], "Service");
}

TEST(YamlJson, ErrorsNameTheFileLineAndColumn) {
  const auto docs = parse_yaml_documents("a: [1, 2\nb: 3\n", "bad.yaml");
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().rfind("bad.yaml:", 0), 0U) << docs.error();
}

TEST(YamlJson, RoundTripsThroughYaml) {
  const Json value = Json::parse(
      R"({"name":"web","replicas":3,"version":"1.0","on":"true","empty":{},"list":[],"n":null})");
  const auto back = parse_yaml_documents(to_yaml(value), "out");
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->size(), 1U);
  EXPECT_EQ((*back)[0], value) << to_yaml(value);
}

// Every string the reader would take for another type comes back quoted, so `-o yaml` output
// applied again (kubectl, deploy apply) keeps a "1.0" version a string.
TEST(YamlJson, StringsThatLookLikeOtherTypesRoundTrip) {
  Json value = Json::object();
  int i = 0;
  for (const char* text : {"",
                           "~",
                           "null",
                           "Null",
                           "NULL",
                           "true",
                           "False",
                           "TRUE",
                           "false",
                           "0",
                           "+7",
                           "-7",
                           "1.0",
                           ".5",
                           "5.",
                           "-1.5e3",
                           "+2E-2",
                           "9223372036854775807",
                           "9223372036854775808",
                           "1e999",
                           ".inf",
                           "yes",
                           "off",
                           "30s",
                           "1.2.3",
                           "0x1F",
                           "web:1.0",
                           "a: b",
                           "- x",
                           "#"}) {
    value["k" + std::to_string(i++)] = text;
  }
  value["numbers"] = Json::parse(R"([0, -7, 1.5, true, null])");
  const std::string yaml = to_yaml(value);
  const auto back = parse_yaml_documents(yaml, "out");
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->size(), 1U);
  EXPECT_EQ((*back)[0], value) << yaml;
  // Plain where plain reads back the same: no needless quotes.
  EXPECT_NE(yaml.find("k23: 30s\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("k9: \"0\"\n"), std::string::npos) << yaml;
}

TEST(YamlJson, MalformedInputNamesTheFile) {
  for (const char* text :
       {"a: 'x' y\n", "a: *nowhere\n", "- a\n- b\n,\n", "a: b: c\n", "a: {b: 1\n"}) {
    const auto docs = parse_yaml_documents(text, "rollout.yaml");
    ASSERT_FALSE(docs) << text;
    EXPECT_EQ(docs.error().rfind("rollout.yaml:", 0), 0U) << docs.error();
    // file:line:column: message
    const auto colon = docs.error().find(':', sizeof("rollout.yaml"));
    ASSERT_NE(colon, std::string::npos) << docs.error();
    EXPECT_NE(docs.error().find(": ", colon + 1), std::string::npos) << docs.error();
  }
}

}  // namespace
}  // namespace cutover::cli
