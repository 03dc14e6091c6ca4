// FlagRollouts: one flag's variant through the steps, each weight read back before it counts;
// a failed gate sets it to 0% in the pass that decides it; promotion sets 100% and then leaves
// the flag alone; a flag Cutover cannot write holds it and nothing is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "rollout/analysis_driver.hpp"
#include "rollout/flag_rollout_json.hpp"
#include "rollout/plan.hpp"

namespace cutover::rollout {
namespace {

const std::string kFlag = "FeatureFlag shop/checkout flag new-checkout";

Json flag_rollout_json(Json steps) {
  return {{"apiVersion", "cutover.dev/v1alpha1"},
          {"kind", "FlagRollout"},
          {"metadata", {{"name", "checkout-on"}, {"namespace", "shop"}, {"uid", "u1"}}},
          {"spec",
           {{"featureFlag", "checkout"},
            {"flag", "new-checkout"},
            {"variant", "on"},
            {"otherVariant", "off"},
            {"steps", std::move(steps)}}}};
}

// A FlagRollout and its world: the flag follows every SetFlagWeight (unless `follow` is off),
// and a started gate's run appears as Running.
struct FlagWorld {
  explicit FlagWorld(Json steps) : fr(*parse_flag_rollout(flag_rollout_json(std::move(steps)))) {
    observed.flags[kFlag] = {};
  }
  Plan step() {
    Plan plan = plan_flag_rollout(fr, observed, now);
    for (const auto& action : plan.actions) {
      if (const auto* f = std::get_if<SetFlagWeight>(&action)) {
        weights.push_back(f->weight);
        if (follow && observed.flags[kFlag].problem.empty())
          observed.flags[kFlag].weight = f->weight;
      } else if (const auto* start = std::get_if<StartAnalysis>(&action)) {
        observed.analysis_runs.try_emplace(start->name, RunObservation{"Running", "measuring"});
      } else if (const auto* e = std::get_if<RecordEvent>(&action)) {
        events.push_back(e->reason);
      }
    }
    fr.status = plan.status;
    now += std::chrono::seconds{1};
    return plan;
  }
  void settle() {
    for (int i = 0; i < 20; ++i)
      step();
  }
  Rollout fr;
  Observed observed;
  WallTime now{std::chrono::sys_days{std::chrono::year{2026} / 12 / 3}};
  bool follow = true;
  std::vector<int> weights;
  std::vector<std::string> events;
};

Json gate() {
  return {{"analysis", {{"policies", Json::array({{{"name", "flag-variant-error-rate"}}})}}}};
}

std::vector<int> changes(const std::vector<int>& weights) {
  std::vector<int> out;
  for (const int w : weights) {
    if (out.empty() || out.back() != w)
      out.push_back(w);
  }
  return out;
}

TEST(FlagRollout, EachStepThenPromotionToAllOfTheVariant) {
  FlagWorld world(
      Json::array({{{"setWeight", 20}}, {{"pause", Json::object()}}, {{"setWeight", 50}}}));
  world.settle();
  EXPECT_EQ(world.fr.status.phase, Phase::paused);
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 20);
  EXPECT_EQ(world.fr.status.current_step_index, 1);
  world.fr.status.pause_conditions.clear();  // deploy flag-rollouts promote
  world.settle();
  EXPECT_EQ(world.fr.status.phase, Phase::healthy);
  EXPECT_EQ(changes(world.weights), (std::vector<int>{20, 50, 100}));
  ASSERT_EQ(world.fr.status.flag_splits.size(), 1U);
  EXPECT_TRUE(world.fr.status.flag_splits[0].promoted);
  EXPECT_EQ(world.fr.status.history.back().result, "Promoted");
  EXPECT_EQ(world.fr.status.history.back().flags,
            (std::vector<std::string>{"checkout/new-checkout on 100%"}));
  EXPECT_EQ(world.fr.status.strategy, "Flag");
  EXPECT_EQ(world.events.front(), "FlagRolloutStarted");
  EXPECT_EQ(world.events.back(), "Promoted");
}

TEST(FlagRollout, OncePromotedTheFlagIsItsOwnersAgain) {
  FlagWorld world(Json::array({{{"setWeight", 50}}}));
  world.settle();
  ASSERT_EQ(world.fr.status.phase, Phase::healthy);
  world.observed.flags[kFlag].weight = 30;  // someone moved it by hand
  const Plan plan = world.step();
  EXPECT_TRUE(plan.actions.empty());
  EXPECT_EQ(plan.status.phase, Phase::healthy);
}

TEST(FlagRollout, AStepCountsOnlyOnceTheFlagReadsItBack) {
  FlagWorld world(Json::array({{{"setWeight", 20}}, {{"pause", Json::object()}}}));
  world.follow = false;
  world.settle();
  EXPECT_EQ(world.fr.status.current_step_index, 0);
  EXPECT_EQ(world.fr.status.phase, Phase::progressing);
  EXPECT_EQ(world.fr.status.message,
            "step 1/2: weight 20: waiting for the flag to read it (checkout/new-checkout not "
            "split)");
  world.follow = true;
  world.settle();
  EXPECT_EQ(world.fr.status.phase, Phase::paused);
}

TEST(FlagRollout, AFailedGateSetsTheVariantToZeroInThePassThatDecides) {
  FlagWorld world(Json::array({{{"setWeight", 20}}, gate(), {{"setWeight", 50}}}));
  world.settle();
  ASSERT_EQ(world.observed.flags.at(kFlag).weight, 20);
  ASSERT_TRUE(world.fr.status.current_step_analysis);
  const std::string run = world.fr.status.current_step_analysis->name;
  world.observed.analysis_runs[run] = {"Failed", "Failed: variant-error-rate 0.2 >= 0.01"};
  const Plan plan = world.step();
  // The executor writes every other action before the Events: the flag goes first.
  std::vector<Action> writes;
  std::ranges::copy_if(plan.actions, std::back_inserter(writes),
                       [](const Action& a) { return !std::holds_alternative<RecordEvent>(a); });
  EXPECT_EQ(writes, (std::vector<Action>{SetFlagWeight{world.fr.spec.canary().flags[0], 0}}));
  EXPECT_EQ(plan.status.phase, Phase::degraded);
  EXPECT_TRUE(plan.status.abort);
  EXPECT_EQ(plan.abort_cause, "analysis");
  EXPECT_EQ(plan.status.history.back().result, "Aborted");
  EXPECT_EQ(plan.status.history.back().flags,
            (std::vector<std::string>{"checkout/new-checkout on 0%"}));
  world.settle();
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 0);
  EXPECT_EQ(changes(world.weights), (std::vector<int>{20, 0}));
}

TEST(FlagRollout, RetryStartsAgainFromStepOneWithNewRuns) {
  FlagWorld world(Json::array({{{"setWeight", 20}}, gate()}));
  world.settle();
  const std::string first = world.fr.status.current_step_analysis->name;
  world.observed.analysis_runs[first] = {"Failed", "Failed"};
  world.settle();
  ASSERT_EQ(world.fr.status.phase, Phase::degraded);
  world.fr.status.abort = false;  // deploy flag-rollouts retry
  world.settle();
  ASSERT_TRUE(world.fr.status.current_step_analysis);
  const std::string second = world.fr.status.current_step_analysis->name;
  EXPECT_NE(second, first);
  world.observed.analysis_runs[second] = {"Successful", "Successful"};
  world.settle();
  EXPECT_EQ(world.fr.status.phase, Phase::healthy);
  EXPECT_EQ(changes(world.weights), (std::vector<int>{20, 0, 20, 100}));
  EXPECT_TRUE(world.observed.analysis_runs.contains(first));  // the failed run is kept
}

TEST(FlagRollout, AFlagProblemHoldsItAndNothingIsWritten) {
  FlagWorld world(Json::array({{{"setWeight", 20}}}));
  world.observed.flags[kFlag].problem =
      "FeatureFlag shop/checkout flag new-checkout has no variant";
  const Plan plan = world.step();
  EXPECT_EQ(plan.status.phase, Phase::degraded);
  EXPECT_EQ(plan.status.message, "FeatureFlag shop/checkout flag new-checkout has no variant");
  for (const auto& action : plan.actions)
    EXPECT_FALSE(std::holds_alternative<SetFlagWeight>(action));
}

TEST(FlagRollout, ItsRunsCarryItsOwnLabelAndKnowTheFlag) {
  FlagWorld world(Json::array({gate()}));
  const Json policy = {
      {"apiVersion", "cutover.dev/v1alpha1"},
      {"kind", "SLOPolicy"},
      {"metadata", {{"name", "flag-variant-error-rate"}, {"namespace", "shop"}}},
      {"spec",
       {{"metrics",
         Json::array(
             {{{"name", "errors"},
               {"threshold",
                {{"query", R"(sum(x{flag_variant="{{flag.variant}}",flag="{{flag.key}}"}))"},
                 {"successCondition", "result < 1"}}}}})}}}};
  const StartAnalysis start{"checkout-on-r-1-step-0", "step-0",
                            world.fr.spec.canary().steps[0].analysis};
  const Json run = AnalysisDriver::build_run(world.fr, start, {policy});
  EXPECT_EQ(run["metadata"]["labels"].value(kFlagRolloutLabel, ""), "checkout-on");
  EXPECT_FALSE(run["metadata"]["labels"].contains(kRolloutLabel));
  EXPECT_EQ(run["metadata"]["ownerReferences"][0]["kind"], "FlagRollout");
  EXPECT_EQ(run["spec"]["metrics"][0]["threshold"]["query"],
            R"(sum(x{flag_variant="on",flag="new-checkout"}))");
}

TEST(FlagRolloutJson, AnOtherVariantComesFromTheFlagsDefault) {
  Json object = flag_rollout_json(Json::array());
  object["spec"].erase("otherVariant");
  auto fr = parse_flag_rollout(object);
  ASSERT_TRUE(fr) << fr.error().describe();
  const Json feature_flag = {
      {"spec",
       {{"flagSpec",
         {{"flags",
           {{"new-checkout",
             {{"variants", {{"on", true}, {"off", false}}}, {"defaultVariant", "off"}}}}}}}}}};
  EXPECT_EQ(resolve_other_variant(*fr, feature_flag), "");
  EXPECT_EQ(flag_rollout_binding(*fr).ref.other_variant, "off");
  Json own_default = feature_flag;
  own_default["spec"]["flagSpec"]["flags"]["new-checkout"]["defaultVariant"] = "on";
  auto again = parse_flag_rollout(object);
  EXPECT_EQ(resolve_other_variant(*again, own_default),
            "FlagRollout shop/checkout-on: spec.otherVariant: is not set, and flag "
            "\"new-checkout\" has the variant itself, \"on\", as its defaultVariant (set "
            "spec.otherVariant to the variant the rest of the keys get)");
  EXPECT_NE(resolve_other_variant(*again, Json()).find("does not exist"), std::string::npos);
}

struct BadFlagRollout {
  const char* name;
  Json spec_patch;  // merged into spec (null erases)
  const char* field;
};

class FlagRolloutJsonMalformed : public ::testing::TestWithParam<BadFlagRollout> {};

TEST_P(FlagRolloutJsonMalformed, NamesTheObjectAndTheField) {
  Json object = flag_rollout_json(Json::array({{{"setWeight", 10}}}));
  object["spec"].merge_patch(GetParam().spec_patch);
  const auto parsed = parse_flag_rollout(object);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, "FlagRollout");
  EXPECT_EQ(parsed.error().object, "shop/checkout-on");
  EXPECT_EQ(parsed.error().field, GetParam().field);
}

INSTANTIATE_TEST_SUITE_P(
    All, FlagRolloutJsonMalformed,
    ::testing::Values(
        BadFlagRollout{"no_variant", {{"variant", nullptr}}, "spec.variant"},
        BadFlagRollout{"no_feature_flag", {{"featureFlag", ""}}, "spec.featureFlag"},
        BadFlagRollout{"variant_not_a_string", {{"variant", 3}}, "spec.variant"},
        BadFlagRollout{"same_variants", {{"otherVariant", "on"}}, "spec.otherVariant"},
        BadFlagRollout{"steps_not_a_list", {{"steps", "fast"}}, "spec.steps"},
        BadFlagRollout{"canary_scale",
                       {{"steps", Json::array({{{"setCanaryScale", {{"replicas", 1}}}}})}},
                       "spec.steps[0].setCanaryScale"},
        BadFlagRollout{"weight_too_high",
                       {{"steps", Json::array({{{"setWeight", 120}}})}},
                       "spec.steps[0].setWeight"},
        BadFlagRollout{"paused_not_bool", {{"paused", "yes"}}, "spec.paused"}),
    [](const ::testing::TestParamInfo<BadFlagRollout>& param) {
      return std::string(param.param.name);
    });

}  // namespace
}  // namespace cutover::rollout
