// load_yaml_stream: yaml-cpp 0.7's endless loop on a stray ',' becomes an error with a position.
#include "util/yaml_stream.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cutover {
namespace {

using ::testing::HasSubstr;

TEST(YamlStreamTest, LoadsEveryDocumentIncludingEmptyOnes) {
  const auto documents = load_yaml_stream("a: 1\n---\n---\nb: [1, 2]\n");
  ASSERT_TRUE(documents.has_value()) << documents.error().message;
  ASSERT_EQ(documents->size(), 3u);
  EXPECT_EQ((*documents)[0]["a"].as<int>(), 1);
  EXPECT_TRUE((*documents)[1].IsNull());
  EXPECT_EQ((*documents)[2]["b"].size(), 2u);
}

TEST(YamlStreamTest, StrayCommaIsAnErrorNotAHang) {
  // Each of these made YAML::LoadAll loop forever (found by fuzz_slo_policy in CI).
  for (const std::string text : {",", " ,", "- a\n,", "[a], ", "# c\n,", "---\n,", "&a ,", "!t ,",
                                 ", thresholx: &t {query: up}\nspec:\n  metrics: []\n"}) {
    const auto documents = load_yaml_stream(text);
    ASSERT_FALSE(documents.has_value()) << text;
    EXPECT_THAT(documents.error().message, HasSubstr("','")) << text;
    EXPECT_GE(documents.error().line, 1) << text;
    EXPECT_GE(documents.error().column, 1) << text;
  }
}

TEST(YamlStreamTest, StrayCommaPositionIsReported) {
  const auto documents = load_yaml_stream("- a\n- b\n,\n");
  ASSERT_FALSE(documents.has_value());
  EXPECT_EQ(documents.error().line, 3);
  EXPECT_EQ(documents.error().column, 1);
}

TEST(YamlStreamTest, SyntaxErrorsKeepYamlCppsPosition) {
  const auto documents = load_yaml_stream("a: [1, 2\n");
  ASSERT_FALSE(documents.has_value());
  EXPECT_GE(documents.error().line, 1);
  EXPECT_FALSE(documents.error().message.empty());
}

}  // namespace
}  // namespace cutover
