// OFREP answers, as flagd v0.16's OFREP service gives them, plus the bulk ETag flagd lacks.
#include "flags/ofrep.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

namespace cutover::flags {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t now = 1'700'000'000;

FlagSnapshot snapshot() {
  auto parsed =
      parse_flag_definition(std::string_view(R"({"metadata": {"team": "payments"}, "flags": {
    "new-checkout": {"state": "ENABLED", "variants": {"on": true, "off": false},
                     "defaultVariant": "off",
                     "targeting": {"if": [{"==": [{"var": "plan"}, "gold"]}, "on", null]}},
    "color": {"state": "ENABLED", "variants": {"red": "red"}, "defaultVariant": "red"},
    "code-default": {"state": "ENABLED", "variants": {"a": 1, "b": 2}, "defaultVariant": null},
    "dark": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"},
    "broken": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on",
               "targeting": {"nope": [1]}},
    "stray": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on",
              "targeting": {"if": [true, "purple", null]}}}})"));
  EXPECT_TRUE(parsed);
  std::vector<std::shared_ptr<const FlagSource>> sources{std::make_shared<const FlagSource>(
      FlagSource{"core.openfeature.dev/shop/flags", std::move(*parsed)})};
  return FlagSnapshot(std::move(sources));
}

Json body_of(const OfrepResponse& response) {
  return Json::parse(response.body);
}

OfrepResponse one(std::string_view key, std::string_view body = "",
                  std::string_view selector = "") {
  return ofrep_evaluate_flag(snapshot(), key, {body, selector, "", now});
}

TEST(Ofrep, TargetingMatch) {
  const auto response =
      one("new-checkout", R"({"context": {"targetingKey": "u1", "plan": "gold"}})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(body_of(response), (Json{{"key", "new-checkout"},
                                     {"reason", "TARGETING_MATCH"},
                                     {"variant", "on"},
                                     {"value", true},
                                     {"metadata", {{"team", "payments"}}}}));
  EXPECT_TRUE(response.etag.empty());
}

TEST(Ofrep, NullTargetingServesTheDefaultVariant) {
  const auto body = body_of(one("new-checkout", R"({"context": {"plan": "free"}})"));
  EXPECT_EQ(body["reason"], "DEFAULT");
  EXPECT_EQ(body["variant"], "off");
  EXPECT_EQ(body["value"], false);
}

TEST(Ofrep, StaticWithAnEmptyBody) {
  const auto body = body_of(one("color"));
  EXPECT_EQ(body["reason"], "STATIC");
  EXPECT_EQ(body["value"], "red");
}

TEST(Ofrep, NoDefaultVariantMeansNoValue) {
  const auto response = one("code-default", R"({"context": {}})");
  EXPECT_EQ(response.status, 200);
  const auto body = body_of(response);
  EXPECT_EQ(body["reason"], "DEFAULT");
  EXPECT_FALSE(body.contains("value"));
  EXPECT_FALSE(body.contains("variant"));
}

TEST(Ofrep, DisabledIsASuccessWithNoValue) {
  const auto response = one("dark");
  EXPECT_EQ(response.status, 200);
  const auto body = body_of(response);
  EXPECT_EQ(body["reason"], "DISABLED");
  EXPECT_FALSE(body.contains("value"));
}

TEST(Ofrep, UnknownFlagIs404FlagNotFound) {
  const auto response = one("nope");
  EXPECT_EQ(response.status, 404);
  const auto body = body_of(response);
  EXPECT_EQ(body["key"], "nope");
  EXPECT_EQ(body["errorCode"], "FLAG_NOT_FOUND");
  EXPECT_THAT(body["errorDetails"].get<std::string>(), HasSubstr("\"nope\""));
}

TEST(Ofrep, BadTargetingIs400NamingTheFlag) {
  const auto broken = one("broken");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(body_of(broken)["errorCode"], "PARSE_ERROR");
  EXPECT_THAT(body_of(broken)["errorDetails"].get<std::string>(), HasSubstr("\"broken\""));
  const auto stray = one("stray");
  EXPECT_EQ(stray.status, 400);
  EXPECT_EQ(body_of(stray)["errorCode"], "GENERAL");
}

TEST(Ofrep, MalformedBodiesAreInvalidContext) {
  for (const std::string_view body :
       {"{", "[1]", "\"x\"", R"({"context": "user-7"})", R"({"context": [1, 2]})"}) {
    const auto response = one("color", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(body_of(response)["errorCode"], "INVALID_CONTEXT") << body;
    EXPECT_EQ(body_of(response)["key"], "color") << body;
  }
  EXPECT_EQ(one("color", R"({"context": null})").status, 200);
  EXPECT_EQ(one("color", " \n").status, 200);
}

TEST(Ofrep, SelectorNarrowsAndIsEchoedInMetadata) {
  const auto response = one("color", "", "core.openfeature.dev/shop/flags");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(body_of(response)["metadata"]["source"], "core.openfeature.dev/shop/flags");
  EXPECT_EQ(one("color", "", "core.openfeature.dev/other/flags").status, 404);
  const auto bad = one("color", "", "team=x");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body_of(bad)["errorCode"], "GENERAL");
}

TEST(OfrepBulk, EveryFlagInKeyOrderWithErrorsInline) {
  const auto response =
      ofrep_evaluate_flags(snapshot(), {R"({"context": {"plan": "gold"}})", "", "", now});
  EXPECT_EQ(response.status, 200);
  const auto body = body_of(response);
  ASSERT_EQ(body["flags"].size(), 6U);
  EXPECT_EQ(body["flags"][0]["key"], "broken");
  EXPECT_EQ(body["flags"][0]["errorCode"], "PARSE_ERROR");
  EXPECT_EQ(body["flags"][3]["key"], "dark");
  EXPECT_EQ(body["flags"][3]["reason"], "DISABLED");
  EXPECT_EQ(body["flags"][4]["value"], true);
  EXPECT_EQ(body["metadata"], Json::object());
}

TEST(OfrepBulk, EtagIsTheBodysAndAMatchingIfNoneMatchIs304) {
  const auto first = ofrep_evaluate_flags(snapshot(), {"", "", "", now});
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(first.etag.size(), 18U);  // "<16 hex>"
  EXPECT_EQ(first.etag, ofrep_evaluate_flags(snapshot(), {"", "", "", now}).etag);
  const auto again = ofrep_evaluate_flags(snapshot(), {"", "", first.etag, now});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.etag, first.etag);
  // Another context answers differently, so its tag differs and the stale one gets a body.
  const auto other =
      ofrep_evaluate_flags(snapshot(), {R"({"context": {"plan": "gold"}})", "", first.etag, now});
  EXPECT_EQ(other.status, 200);
  EXPECT_NE(other.etag, first.etag);
}

TEST(OfrepBulk, MalformedBodyIs400) {
  const auto response = ofrep_evaluate_flags(snapshot(), {"{\"context\": 7}", "", "", now});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(body_of(response)["errorCode"], "INVALID_CONTEXT");
  EXPECT_FALSE(body_of(response).contains("key"));
}

TEST(EtagMatches, ListsWildcardAndWeakTags) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches(" , ,", "\"abc\""));
}

}  // namespace
}  // namespace cutover::flags
