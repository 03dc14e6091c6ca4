// `deploy flags list|get|set-weight|evaluate` through a CommandContext over a fake client:
// what each prints, and that bad input gets a clear error, exit 2 and no write.
#include "flag_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_fixture.hpp"
#include "exit_code.hpp"

namespace cutover::cli {
namespace {

using kube::Json;
using ::testing::HasSubstr;

const kube::ResourceRef kFeatureFlags{"core.openfeature.dev/v1beta1", "FeatureFlag", "shop"};
const kube::ResourceRef kRollouts{"cutover.dev/v1alpha1", "Rollout", "shop"};

Json feature_flag(const std::string& name, const Json& flags) {
  return {{"apiVersion", "core.openfeature.dev/v1beta1"},
          {"kind", "FeatureFlag"},
          {"metadata", {{"name", name}, {"namespace", "shop"}}},
          {"spec", {{"flagSpec", {{"flags", flags}}}}}};
}

const Json kCheckout = {
    {"new-checkout",
     {{"state", "ENABLED"},
      {"variants", {{"on", true}, {"off", false}}},
      {"defaultVariant", "off"},
      {"targeting", {{"fractional", Json::array({{"on", 25}, {"off", 75}})}}}}},
    {"banner",
     {{"state", "DISABLED"}, {"variants", {{"a", "A"}, {"b", "B"}}}, {"defaultVariant", ""}}}};

// Rollout shop/web, which binds flag new-checkout of FeatureFlag checkout.
Json web_binding_checkout() {
  return {{"metadata", {{"name", "web"}, {"namespace", "shop"}}},
          {"spec",
           {{"strategy",
             {{"canary",
               {{"flags",
                 Json::array({{{"featureFlag", "checkout"}, {"flag", "new-checkout"}}})}}}}}}}};
}

class FlagCommands : public ::testing::Test {
 protected:
  void SetUp() override { fixture.client.seed(kFeatureFlags, feature_flag("checkout", kCheckout)); }
  CommandFixture fixture;
};

TEST_F(FlagCommands, ListShowsEachFlagsSplitAndTheRolloutThatBindsIt) {
  fixture.client.seed(kRollouts, web_binding_checkout());
  const auto run = fixture.run({"flags", "list", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out,
            "FEATUREFLAG   FLAG           STATE      DEFAULT          SPLIT              BOUND-BY\n"
            "checkout      banner         DISABLED   (code default)   -                  -\n"
            "checkout      new-checkout   ENABLED    off              on 25% / off 75%   web\n");
}

TEST_F(FlagCommands, SetWeightAppliesOnlyTheSplit) {
  const auto run =
      fixture.run({"flags", "set-weight", "new-checkout", "on=1", "off=3", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(fixture.client.calls["apply"], 1);
  EXPECT_THAT(run.err, HasSubstr("FeatureFlag shop/checkout flag new-checkout: on 25% / off 75%"));
  auto stored = fixture.client.get(kFeatureFlags, "checkout");
  ASSERT_TRUE(stored);
  EXPECT_EQ((*stored)["spec"]["flagSpec"]["flags"],
            (Json{{"new-checkout",
                   {{"targeting", {{"fractional", Json::array({{"on", 1}, {"off", 3}})}}}}}}))
      << "the apply body names the one field";
}

TEST_F(FlagCommands, SetWeightRefusesBadInputAndWritesNothing) {
  fixture.client.seed(kFeatureFlags,
                      feature_flag("rules", {{"gated",
                                              {{"state", "ENABLED"},
                                               {"variants", {{"on", true}, {"off", false}}},
                                               {"defaultVariant", "off"},
                                               {"targeting", {{"if", {true, "on", "off"}}}}}}}));
  fixture.client.seed(kRollouts, web_binding_checkout());
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  for (const auto& c : std::vector<Case>{
           {{"new-checkout", "on=0", "off=0"}, "sum to 0"},
           {{"new-checkout", "on=-1", "off=3"}, "is not VARIANT=N"},
           {{"new-checkout", "on=25", "on=75"}, "two different variants"},
           {{"new-checkout", "on=25", "off=75"}, "is bound by Rollout web"},
           {{"banner", "a=25", "blue=75"}, "has no variant \"blue\""},
           {{"gated", "on=25", "off=75"}, "holds a rule Cutover does not own"},
           {{"nope", "on=25", "off=75"}, "no FeatureFlag in namespace shop defines flag \"nope\""},
       }) {
    std::vector<std::string> args = {"flags", "set-weight"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"-n", "shop"});
    const auto run = fixture.run(args);
    EXPECT_EQ(run.exit_code, kUsage) << c.message;
    EXPECT_THAT(run.err, HasSubstr(c.message));
  }
  EXPECT_EQ(fixture.client.calls["apply"], 0);
}

TEST_F(FlagCommands, EvaluateAnswersAsFlagdDoes) {
  auto run = fixture.run({"flags", "evaluate", "new-checkout", "-n", "shop", "--context",
                          R"({"targetingKey": "user-7"})", "-o", "json"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  const Json answer = Json::parse(run.out);
  EXPECT_EQ(answer["reason"], "TARGETING_MATCH");
  EXPECT_TRUE(answer["variant"] == "on" || answer["variant"] == "off");
  run = fixture.run({"flags", "evaluate", "banner", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_EQ(run.out, "banner: (the code default) (variant -, reason DISABLED)\n");
  run = fixture.run({"flags", "evaluate", "banner", "-n", "shop", "--context", "[1]"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("--context must be a JSON object"));
}

TEST_F(FlagCommands, AKeyThatTwoFeatureFlagsDefineNeedsOne) {
  fixture.client.seed(kFeatureFlags, feature_flag("other", kCheckout));
  auto run = fixture.run({"flags", "get", "banner", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("defined by 2 FeatureFlags in namespace shop (checkout, other)"));
  run = fixture.run({"flags", "get", "banner", "-n", "shop", "--feature-flag", "other"});
  EXPECT_EQ(run.exit_code, kOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("featureFlag: other"));
}

}  // namespace
}  // namespace cutover::cli
