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

}  // namespace
}  // namespace cutover::cli
