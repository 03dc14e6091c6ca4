// A bound flag's split: what it reads, what is refused (naming the object, the field and the
// fix), and the server-side apply body that names one field only.
#include "flags/flag_split.hpp"

#include <gtest/gtest.h>

namespace cutover::flags {
namespace {

const FlagSplitRef kRef{"shop", "checkout", "new-checkout",
                        "on",   "off",      "spec.strategy.canary.flags[0]"};

Json feature_flag(const Json& targeting) {
  Json flag = {{"state", "ENABLED"},
               {"variants", {{"on", true}, {"off", false}}},
               {"defaultVariant", "off"}};
  if (!targeting.is_null())
    flag["targeting"] = targeting;
  return {{"apiVersion", "core.openfeature.dev/v1beta1"},
          {"kind", "FeatureFlag"},
          {"metadata", {{"name", "checkout"}, {"namespace", "shop"}}},
          {"spec",
           {{"flagSpec",
             {{"flags",
               {{"new-checkout", flag},
                {"banner",
                 {{"state", "ENABLED"},
                  {"variants", {{"a", "A"}, {"b", "B"}}},
                  {"defaultVariant", "a"},
                  {"targeting", {{"if", {true, "b", "a"}}}}}}}}}}}}};
}

TEST(FlagSplit, NoTargetingIsNoSplitYet) {
  for (const Json& targeting : {Json(), Json::object()}) {
    const auto reading = read_flag_split(feature_flag(targeting), kRef);
    EXPECT_EQ(reading.problem, "");
    EXPECT_EQ(reading.weight, std::nullopt);
  }
}

TEST(FlagSplit, ReadsTheVariantsShareInEitherOrder) {
  auto reading =
      read_flag_split(feature_flag({{"fractional", Json::array({{"on", 25}, {"off", 75}})}}), kRef);
  EXPECT_EQ(reading.problem, "");
  EXPECT_EQ(reading.weight, 25);
  reading =
      read_flag_split(feature_flag({{"fractional", Json::array({{"off", 3}, {"on", 1}})}}), kRef);
  EXPECT_EQ(reading.weight, 25) << "1 of 4";
}

TEST(FlagSplit, KeepsTheUsersBucketingExpression) {
  const Json by_email = {{"var", "email"}};
  const auto reading = read_flag_split(
      feature_flag({{"fractional", Json::array({by_email, {"on", 5}, {"off", 95}})}}), kRef);
  EXPECT_EQ(reading.weight, 5);
  EXPECT_EQ(reading.bucket_by, by_email);
  const Json body = flag_split_apply(kRef, reading, 50);
  EXPECT_EQ(body["spec"]["flagSpec"]["flags"]["new-checkout"]["targeting"]["fractional"],
            Json::array({by_email, {"on", 50}, {"off", 50}}));
}

TEST(FlagSplit, TheApplyBodyNamesOnlyTheSplitAndPutsTheVariantFirst) {
  const Json body = flag_split_apply(kRef, {}, 5);
  const Json expected = {
      {"apiVersion", "core.openfeature.dev/v1beta1"},
      {"kind", "FeatureFlag"},
      {"metadata", {{"name", "checkout"}, {"namespace", "shop"}}},
      {"spec",
       {{"flagSpec",
         {{"flags",
           {{"new-checkout",
             {{"targeting", {{"fractional", Json::array({{"on", 5}, {"off", 95}})}}}}}}}}}}}};
  EXPECT_EQ(body, expected);
}

TEST(FlagSplit, AMissingFeatureFlagNamesTheFieldAndTheFix) {
  const auto reading = read_flag_split(Json(), kRef);
  EXPECT_EQ(reading.problem,
            "FeatureFlag shop/checkout does not exist (spec.strategy.canary.flags[0].featureFlag): "
            "create it, or name an existing FeatureFlag");
}

TEST(FlagSplit, AMissingFlagOrVariantIsRefused) {
  FlagSplitRef ref = kRef;
  ref.flag = "nope";
  EXPECT_EQ(read_flag_split(feature_flag(Json()), ref).problem,
            "FeatureFlag shop/checkout has no flag \"nope\" (spec.strategy.canary.flags[0].flag): "
            "add it to spec.flagSpec.flags, or name one of its flags");
  ref = kRef;
  ref.other_variant = "blue";
  EXPECT_EQ(read_flag_split(feature_flag(Json()), ref).problem,
            "FeatureFlag shop/checkout flag new-checkout has no variant \"blue\" "
            "(spec.strategy.canary.flags[0].otherVariant): name one of its variants (off, on)");
}

TEST(FlagSplit, ARuleCutoverDoesNotOwnIsRefusedNotOverwritten) {
  const auto reading = read_flag_split(
      feature_flag({{"if", Json::array({{{"==", {{{"var", "plan"}}, "pro"}}}, "on", "off"})}}),
      kRef);
  EXPECT_NE(reading.problem.find("spec.flagSpec.flags.new-checkout.targeting of FeatureFlag "
                                 "shop/checkout holds a rule Cutover does not own"),
            std::string::npos)
      << reading.problem;
  EXPECT_NE(reading.problem.find("remove the rule, or bind another flag"), std::string::npos);
}

TEST(FlagSplit, AForeignOrZeroSplitIsRefused) {
  for (const Json& fractional :
       {Json::array({{"on", 10}, {"off", 80}, {"other", 10}}), Json::array({{"on", 0}, {"off", 0}}),
        Json::array({{"on", 50}, {"blue", 50}}), Json::array({{"on", "50"}, {"off", 50}}),
        Json::array({{"on", 50}, {"on", 50}}), Json("on")}) {
    const auto reading = read_flag_split(feature_flag({{"fractional", fractional}}), kRef);
    EXPECT_NE(reading.problem, "") << fractional.dump();
    EXPECT_EQ(reading.weight, std::nullopt);
  }
}

TEST(FlagSplit, AnInvalidDefinitionIsRefusedWithItsField) {
  Json object = feature_flag(Json());
  object["spec"]["flagSpec"]["flags"]["new-checkout"]["defaultVariant"] = "blue";
  const auto reading = read_flag_split(object, kRef);
  EXPECT_NE(reading.problem.find("FeatureFlag shop/checkout is not a valid flag definition"),
            std::string::npos)
      << reading.problem;
  EXPECT_NE(reading.problem.find("defaultVariant"), std::string::npos) << reading.problem;
}

TEST(FlagSplit, OneFieldManagerPerRolloutWithinTheApisLimit) {
  EXPECT_EQ(flag_field_manager("shop", "web"), "cutover-rollout/shop/web");
  const std::string long_name(253, 'x');
  const std::string manager = flag_field_manager("shop", long_name);
  EXPECT_EQ(manager.size(), 128U);
  EXPECT_NE(manager, flag_field_manager("shop", long_name + "y"));
  EXPECT_TRUE(conflicts_with_rollout(
      "Apply failed with 1 conflict: conflict with \"cutover-rollout/shop/api\": "
      ".spec.flagSpec.flags.new-checkout.targeting.fractional"));
  EXPECT_FALSE(conflicts_with_rollout(
      "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using "
      "core.openfeature.dev/v1beta1: .spec.flagSpec.flags.new-checkout.targeting.fractional"));
}

}  // namespace
}  // namespace cutover::flags
