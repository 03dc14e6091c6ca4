// The FeatureFlags a server holds, from informer events: parse once, publish snapshots, list
// the invalid ones with errors that name the object and field.
#include "flags/flag_catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cutover::flags {
namespace {

using ::testing::HasSubstr;

Json feature_flag(std::string ns, std::string name, std::string version, Json flags) {
  return {{"apiVersion", kFeatureFlagApiVersion},
          {"kind", kFeatureFlagKind},
          {"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", version}}},
          {"spec", {{"flagSpec", {{"flags", std::move(flags)}}}}}};
}

Json color(std::string variant) {
  return {
      {"color",
       {{"state", "ENABLED"}, {"variants", {{variant, variant}}}, {"defaultVariant", variant}}}};
}

TEST(FlagCatalog, StartsEmptyAndServesWhatIsUpserted) {
  FlagCatalog catalog;
  EXPECT_EQ(catalog.snapshot()->flag_count(), 0U);
  EXPECT_TRUE(catalog.upsert(feature_flag("shop", "flags", "1", color("red"))));
  const auto found = catalog.snapshot()->find("color");
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->flag->variants.contains("red"));
  EXPECT_EQ(catalog.snapshot()->sources()[0]->name, "core.openfeature.dev/shop/flags");
}

TEST(FlagCatalog, OrderedByNamespaceThenNameSoTheLaterWins) {
  FlagCatalog catalog;
  catalog.upsert(feature_flag("zeta", "a", "1", color("late")));
  catalog.upsert(feature_flag("alpha", "z", "1", color("early")));
  EXPECT_TRUE(catalog.snapshot()->find("color")->flag->variants.contains("late"));
}

TEST(FlagCatalog, OldSnapshotsStayValidAfterAChange) {
  FlagCatalog catalog;
  catalog.upsert(feature_flag("shop", "flags", "1", color("red")));
  const auto before = catalog.snapshot();
  catalog.upsert(feature_flag("shop", "flags", "2", color("blue")));
  EXPECT_TRUE(before->find("color")->flag->variants.contains("red"));
  EXPECT_TRUE(catalog.snapshot()->find("color")->flag->variants.contains("blue"));
}

TEST(FlagCatalog, InvalidFlagSpecServesNothingAndSaysWhy) {
  FlagCatalog catalog;
  catalog.upsert(feature_flag("shop", "flags", "1", color("red")));
  Json bad = color("red");
  bad["color"]["defaultVariant"] = "blue";
  EXPECT_FALSE(catalog.upsert(feature_flag("shop", "flags", "2", bad)));
  EXPECT_FALSE(catalog.snapshot()->find("color"));
  const auto invalid = catalog.invalid();
  ASSERT_EQ(invalid.size(), 1U);
  EXPECT_EQ(invalid[0].object, "shop/flags");
  EXPECT_THAT(invalid[0].describe(), HasSubstr("FeatureFlag shop/flags: spec.flagSpec: flag "
                                               "\"color\": defaultVariant"));
  // Fixed: served again, no longer listed.
  EXPECT_TRUE(catalog.upsert(feature_flag("shop", "flags", "3", color("red"))));
  EXPECT_TRUE(catalog.snapshot()->find("color"));
  EXPECT_TRUE(catalog.invalid().empty());
}

TEST(FlagCatalog, MissingFlagSpecIsAnError) {
  FlagCatalog catalog;
  Json object = feature_flag("shop", "empty", "1", color("red"));
  object["spec"] = Json::object();
  EXPECT_FALSE(catalog.upsert(object));
  ASSERT_EQ(catalog.invalid().size(), 1U);
  EXPECT_EQ(catalog.invalid()[0].describe(),
            "FeatureFlag shop/empty: spec.flagSpec: flag definition: is missing: give the "
            "FeatureFlag a spec.flagSpec with its flags");
}

TEST(FlagCatalog, EraseForgetsAndAnUnchangedVersionPublishesTheSameSource) {
  FlagCatalog catalog;
  const Json object = feature_flag("shop", "flags", "1", color("red"));
  catalog.upsert(object);
  const auto source = catalog.snapshot()->sources()[0];
  catalog.upsert(object);  // a resync: same resourceVersion, not parsed again
  EXPECT_EQ(catalog.snapshot()->sources()[0], source);
  const auto generation = catalog.generation();
  catalog.erase(object);
  EXPECT_EQ(catalog.generation(), generation + 1);
  EXPECT_FALSE(catalog.snapshot()->find("color"));
  catalog.erase(object);  // nothing held: nothing published
  EXPECT_EQ(catalog.generation(), generation + 1);
}

}  // namespace
}  // namespace cutover::flags
