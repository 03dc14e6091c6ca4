// Flags of several sources, as flagd's store resolves them: priorities, flag sets, selectors.
#include "flags/flag_snapshot.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace cutover::flags {
namespace {

std::shared_ptr<const FlagSource> source(std::string name, std::string_view definition) {
  auto parsed = parse_flag_definition(definition);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().describe());
  return std::make_shared<const FlagSource>(FlagSource{std::move(name), std::move(*parsed)});
}

// Two sources define "shared"; the second (higher priority) says "b".
FlagSnapshot two_sources() {
  return FlagSnapshot(std::vector{
      source("core.openfeature.dev/a/first", R"({"flags": {
        "shared": {"state": "ENABLED", "variants": {"a": "a"}, "defaultVariant": "a"},
        "only-first": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"}}})"),
      source("core.openfeature.dev/b/second", R"({"flags": {
        "shared": {"state": "ENABLED", "variants": {"b": "b"}, "defaultVariant": "b"}}})"),
  });
}

TEST(FlagSnapshot, LaterSourceWinsAKeyDefinedTwice) {
  const auto snapshot = two_sources();
  const auto found = snapshot.find("shared");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->priority, 1U);
  EXPECT_TRUE(found->flag->variants.contains("b"));
  EXPECT_EQ(snapshot.flag_count(), 3U);
}

TEST(FlagSnapshot, UnknownKeyIsNotFound) {
  EXPECT_FALSE(two_sources().find("nope"));
  EXPECT_FALSE(FlagSnapshot{}.find("nope"));
}

TEST(FlagSnapshot, SourceSelectorPicksThatSourceOnly) {
  const auto snapshot = two_sources();
  const auto first = snapshot.find("shared", {.source = "core.openfeature.dev/a/first"});
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->flag->variants.contains("a"));
  EXPECT_FALSE(snapshot.find("only-first", {.source = "core.openfeature.dev/b/second"}));
}

TEST(FlagSnapshot, BulkKeepsOneFlagPerKeyOrderedByKey) {
  const auto snapshot = two_sources();  // entries point into it: keep it alive
  const auto all = snapshot.all();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].flag->key, "only-first");
  EXPECT_EQ(all[1].flag->key, "shared");
  EXPECT_EQ(all[1].priority, 1U);
}

TEST(FlagSnapshot, FlagSetsKeepTheirOwnCopyOfAKey) {
  const FlagSnapshot snapshot(std::vector{
      source("s1", R"({"metadata": {"flagSetId": "web"}, "flags": {
        "color": {"state": "ENABLED", "variants": {"red": "red"}, "defaultVariant": "red"}}})"),
      source("s2", R"({"flags": {
        "color": {"state": "ENABLED", "variants": {"blue": "blue"}, "defaultVariant": "blue",
                  "metadata": {"flagSetId": "mobile"}},
        "size": {"state": "ENABLED", "variants": {"s": "s"}, "defaultVariant": "s"}}})"),
  });
  const auto all = snapshot.all();
  ASSERT_EQ(all.size(), 3U);  // ("", size), (mobile, color), (web, color)
  EXPECT_EQ(all[0].flag_set_id, "");
  EXPECT_EQ(all[1].flag_set_id, "mobile");
  EXPECT_EQ(all[2].flag_set_id, "web");
  const auto web = snapshot.find("color", {.flag_set_id = "web"});
  ASSERT_TRUE(web);
  EXPECT_TRUE(web->flag->variants.contains("red"));
  // "flagSetId=" selects the flags of no flag set.
  EXPECT_FALSE(snapshot.find("color", {.flag_set_id = ""}));
  EXPECT_TRUE(snapshot.find("size", {.flag_set_id = ""}));
  // No selector: the highest priority of every flag set.
  EXPECT_TRUE(snapshot.find("color")->flag->variants.contains("blue"));
}

TEST(FlagSelector, ParsesFlagdsForms) {
  EXPECT_TRUE(parse_flag_selector("")->empty());
  EXPECT_EQ(parse_flag_selector("core.openfeature.dev/ns/ff")->source,
            "core.openfeature.dev/ns/ff");
  EXPECT_EQ(parse_flag_selector("source=core.openfeature.dev/ns/ff")->source,
            "core.openfeature.dev/ns/ff");
  EXPECT_EQ(parse_flag_selector("flagSetId=web")->flag_set_id, "web");
  EXPECT_EQ(parse_flag_selector("flagSetId=")->flag_set_id, "");
  EXPECT_EQ(parse_flag_selector("flagSetId=web")->metadata(), (Json{{"flagSetId", "web"}}));
}

TEST(FlagSelector, RefusesAnUnknownKeyNamingHeaderAndFix) {
  const auto parsed = parse_flag_selector("team=payments");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(),
            "Flagd-Selector \"team=payments\": unknown key \"team\"; use "
            "source=core.openfeature.dev/NAMESPACE/NAME or flagSetId=ID");
}

}  // namespace
}  // namespace cutover::flags
