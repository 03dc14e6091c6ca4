// sem_ver and its version grammar (Go's golang.org/x/mod/semver after flagd strips a "v"),
// with flagd-testbed's evaluator/gherkin/semver.feature cases.
#include "flags/semantic_version.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "flags/flagd_operations.hpp"

namespace cutover::flags {
namespace {

Json sem_ver_of(const Json& version, std::string_view op, const Json& target) {
  const auto result = flagd_json_logic().apply(
      Json{{"sem_ver", Json::array({version, std::string(op), target})}}, Json::object());
  EXPECT_TRUE(result.has_value());
  return result.value_or(Json("<error>"));
}

TEST(SemVerTest, ParsesFullAndPrefixedVersions) {
  const auto version = SemanticVersion::parse("v1.22.333-alpha.1+build.007");
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(version->major, "1");
  EXPECT_EQ(version->minor, "22");
  EXPECT_EQ(version->patch, "333");
  EXPECT_EQ(version->prerelease, (std::vector<std::string>{"alpha", "1"}));
  EXPECT_EQ(version->build, "build.007");  // build identifiers may have leading zeros
  EXPECT_TRUE(SemanticVersion::parse("V1.0.0").has_value());
  EXPECT_TRUE(SemanticVersion::parse("0.0.0").has_value());
}

TEST(SemVerTest, PartialVersionsMeanZeros) {
  const auto major_only = SemanticVersion::parse("1");
  ASSERT_TRUE(major_only.has_value());
  EXPECT_EQ(major_only->minor, "0");
  EXPECT_EQ(major_only->patch, "0");
  const auto major_minor = SemanticVersion::parse("v1.2");
  ASSERT_TRUE(major_minor.has_value());
  EXPECT_EQ(major_minor->patch, "0");
}

TEST(SemVerTest, RefusesWhatIsNoVersion) {
  for (const std::string_view text :
       {"",           "v",          "x1.0.0",    "vv1.0.0",  "1.2.3.4",      "2.0.0.0",
        "01.2.3",     "1.02.3",     "1.2.03",    "1.2.3-",   "1.2.3+",       "1.2.3-01",
        "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a_b", "1.2-beta", "1.2+build",    " 1.2.3",
        "1.2.3 ",     "1.2.",       "1..2",      "-1.2.3",   "not-a-version"}) {
    EXPECT_FALSE(SemanticVersion::parse(text).has_value()) << text;
  }
}

TEST(SemVerTest, PrecedenceFollowsSemVer) {
  // SemVer 2.0.0, section 11: each version precedes the next.
  const std::vector<std::string_view> ordered = {"1.0.0-alpha",
                                                 "1.0.0-alpha.1",
                                                 "1.0.0-alpha.beta",
                                                 "1.0.0-beta",
                                                 "1.0.0-beta.2",
                                                 "1.0.0-beta.11",
                                                 "1.0.0-rc.1",
                                                 "1.0.0",
                                                 "1.0.1",
                                                 "1.9.0",
                                                 "1.10.0",
                                                 "2.0.0",
                                                 "99999999999999999999.0.0"};
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
    const auto a = SemanticVersion::parse(ordered[i]);
    const auto b = SemanticVersion::parse(ordered[i + 1]);
    ASSERT_TRUE(a && b) << ordered[i] << " " << ordered[i + 1];
    EXPECT_LT(compare(*a, *b), 0) << ordered[i] << " < " << ordered[i + 1];
    EXPECT_GT(compare(*b, *a), 0) << ordered[i + 1] << " > " << ordered[i];
  }
}

TEST(SemVerTest, BuildMetadataIsIgnored) {
  EXPECT_EQ(compare(*SemanticVersion::parse("1.0.0+a"), *SemanticVersion::parse("1.0.0+b")), 0);
  EXPECT_EQ(sem_ver_of("1.0.0+other", "=", "1.0.0+build"), true);
}

TEST(SemVerTest, ComparisonOperators) {
  EXPECT_EQ(sem_ver_of("2.0.0", "=", "2.0.0"), true);
  EXPECT_EQ(sem_ver_of("2.0.0", "!=", "2.0.0"), false);
  EXPECT_EQ(sem_ver_of("2.1.0", ">", "2.0.0"), true);
  EXPECT_EQ(sem_ver_of("2.0.0", ">=", "2.0.0"), true);
  EXPECT_EQ(sem_ver_of("1.9.0", "<", "2.0.0"), true);
  EXPECT_EQ(sem_ver_of("2.0.0-alpha", "<", "2.0.0"), true);
  EXPECT_EQ(sem_ver_of("2.0.0", "<=", "1.9.9"), false);
}

TEST(SemVerTest, CaretMatchesMajorTildeMatchesMinor) {
  EXPECT_EQ(sem_ver_of("3.0.1", "~", "3.0.0"), true);
  EXPECT_EQ(sem_ver_of("3.1.0", "~", "3.0.0"), false);
  EXPECT_EQ(sem_ver_of("3.1.0", "^", "3.0.0"), true);
  EXPECT_EQ(sem_ver_of("4.0.0", "^", "3.0.0"), false);
  EXPECT_EQ(sem_ver_of("0.9.0", "^", "0.1.0"), true);  // Go's semver.Major: no 0.x special case
  EXPECT_EQ(sem_ver_of("3.0.1-rc.1", "~", "3.0.0"), true);
}

TEST(SemVerTest, VPrefixPartialAndNumericVersions) {
  EXPECT_EQ(sem_ver_of("v1.0.0", "=", "1.0.0"), true);
  EXPECT_EQ(sem_ver_of("V1.0.0", "=", "v1.0.0"), true);
  EXPECT_EQ(sem_ver_of("1.5.0", "^", "1"), true);
  EXPECT_EQ(sem_ver_of("1.0", "^", "1"), true);
  EXPECT_EQ(sem_ver_of(1, "^", "1"), true);
  EXPECT_EQ(sem_ver_of(1.2, "=", "1.2.0"), true);
  EXPECT_EQ(sem_ver_of(2, ">", "1.9.9"), true);
  EXPECT_EQ(sem_ver_of("2.0.0", "^", "1"), false);
}

TEST(SemVerTest, BadInputIsNullNotFalse) {
  EXPECT_EQ(sem_ver_of("not-a-version", "=", "1.0.0"), nullptr);
  EXPECT_EQ(sem_ver_of("2.0.0.0", "=", "2.0.0"), nullptr);
  EXPECT_EQ(sem_ver_of("1.0.0", "===", "1.0.0"), nullptr);
  EXPECT_EQ(sem_ver_of("1.0.0", "=", Json()), nullptr);
  EXPECT_EQ(sem_ver_of(true, "=", "1.0.0"), nullptr);
  const auto two_arguments =
      flagd_json_logic().apply(Json::parse(R"({"sem_ver": ["1.0.0", "="]})"), Json::object());
  EXPECT_EQ(two_arguments.value_or("<error>"), Json());
}

TEST(FlagdOperationsTest, StartsWithAndEndsWith) {
  const auto run = [](std::string_view rule, std::string_view data) {
    return flagd_json_logic().apply(Json::parse(rule), Json::parse(data)).value_or("<error>");
  };
  EXPECT_EQ(run(R"({"starts_with": [{"var": "id"}, "abc"]})", R"({"id": "abcdef"})"), true);
  EXPECT_EQ(run(R"({"starts_with": [{"var": "id"}, "abc"]})", R"({"id": "xabc"})"), false);
  EXPECT_EQ(run(R"({"ends_with": [{"var": "id"}, "xyz"]})", R"({"id": "uvwxyz"})"), true);
  EXPECT_EQ(run(R"({"ends_with": [{"var": "id"}, "xyz"]})", R"({"id": "xyzu"})"), false);
  // Errors are null, so that an `if` never takes a branch a malformed rule chose.
  EXPECT_EQ(run(R"({"starts_with": [{"var": "num"}, "abc"]})", R"({"num": 123})"), nullptr);
  EXPECT_EQ(run(R"({"ends_with": [{"var": "num"}, "xyz"]})", R"({"num": 123})"), nullptr);
  EXPECT_EQ(run(R"({"starts_with": ["abc"]})", "{}"), nullptr);
  EXPECT_EQ(run(R"({"ends_with": ["a", "b", "c"]})", "{}"), nullptr);
}

}  // namespace
}  // namespace cutover::flags
