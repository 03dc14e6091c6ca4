// Flags bound to a canary (spec.strategy.canary.flags): the flag's variant follows the canary's
// weight, read back before a step counts; promotion sets it by onPromotion; an abort puts it
// back to 0% in the pass that aborts; a flag Cutover cannot write holds the release and nothing
// is written; a flag promoted by one release is left alone by the next.
#include <gtest/gtest.h>

#include "rollout/rollout_json.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

using testing::canary_rollout_json;
using testing::RolloutWorld;

const std::string kFlag = "FeatureFlag shop/checkout flag new-checkout";

Json bound_json(const std::string& on_promotion = "") {
  Json object = canary_rollout_json(4,
                                    Json::array({{{"setWeight", 25}},
                                                 {{"pause", Json::object()}},
                                                 {{"setWeight", 50}},
                                                 {{"pause", Json::object()}}}),
                                    "web:1");
  Json binding = {{"featureFlag", "checkout"},
                  {"flag", "new-checkout"},
                  {"variant", "on"},
                  {"otherVariant", "off"}};
  if (!on_promotion.empty())
    binding["onPromotion"] = on_promotion;
  object["spec"]["strategy"]["canary"]["flags"] = Json::array({binding});
  return object;
}

// v1 stable on slot a; the flag exists with no split.
RolloutWorld bound_world(const std::string& on_promotion = "") {
  RolloutWorld world(bound_json(on_promotion));
  world.observed.flags[kFlag] = {};
  world.settle();
  return world;
}

void promote(RolloutWorld& world) {
  world.status().pause_conditions.clear();
  world.status().promoted_by = "alice via deploy promote";
}

// The weights asked of the flag, each change once (the world applies every pass's actions; the
// reconciler drops those that change nothing).
std::vector<int> changes(const std::vector<int>& weights) {
  std::vector<int> out;
  for (const int w : weights) {
    if (out.empty() || out.back() != w)
      out.push_back(w);
  }
  return out;
}

std::vector<SetFlagWeight> flag_actions(const Plan& plan) {
  std::vector<SetFlagWeight> out;
  for (const auto& action : plan.actions) {
    if (const auto* f = std::get_if<SetFlagWeight>(&action))
      out.push_back(*f);
  }
  return out;
}

TEST(FlagBinding, TheFirstDeploymentLeavesTheFlagAlone) {
  auto world = bound_world();
  EXPECT_EQ(world.status().phase, Phase::healthy);
  EXPECT_TRUE(world.set_flag_weights.empty());
  ASSERT_EQ(world.status().flag_splits.size(), 1U);
  EXPECT_EQ(world.status().flag_splits[0].weight, std::nullopt);
}

TEST(FlagBinding, TheFlagFollowsEachStepAndPromotionSetsTheVariantToAll) {
  auto world = bound_world();
  world.set_image("web:2");
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::paused);
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 25);
  ASSERT_EQ(world.status().flag_splits.size(), 1U);
  const auto revision = world.status().current_revision;
  EXPECT_EQ(world.status().flag_splits[0],
            (FlagSplitStatus{"checkout", "new-checkout", "on", 25, revision, false}));
  promote(world);
  world.settle();
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 50);
  promote(world);
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 100);
  EXPECT_EQ(changes(world.set_flag_weights), (std::vector<int>{25, 50, 100}));
  EXPECT_EQ(world.status().flag_splits[0],
            (FlagSplitStatus{"checkout", "new-checkout", "on", 100, revision, true}));
  EXPECT_EQ(world.status().history.back().flags,
            (std::vector<std::string>{"checkout/new-checkout on 100%"}));
}

TEST(FlagBinding, AStepCountsOnlyOnceTheFlagReadsItBack) {
  auto world = bound_world();
  world.flags_follow = false;  // the write does not take
  world.set_image("web:2");
  world.settle();
  EXPECT_EQ(world.status().current_step_index, 0);
  EXPECT_EQ(world.status().phase, Phase::progressing);
  EXPECT_EQ(world.status().message,
            "step 1/4: weight 25: waiting for the flags to read it (checkout/new-checkout not "
            "split)");
  world.flags_follow = true;
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::paused);
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 25);
}

TEST(FlagBinding, AnAbortSetsTheFlagToZeroInThePassThatAborts) {
  auto world = bound_world();
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.observed.flags.at(kFlag).weight, 25);
  world.status().abort = true;
  const Plan plan = world.step();
  const auto flags = flag_actions(plan);
  ASSERT_EQ(flags.size(), 1U);
  EXPECT_EQ(flags[0].weight, 0);
  // Before the records: the executor carries out every other action before it writes the
  // Events, and the status last (Executor::apply, ReconcilerTest's ...BeforeAnyStatusWrite).
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 0);
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 0);
  EXPECT_EQ(world.status().history.back().flags,
            (std::vector<std::string>{"checkout/new-checkout on 0%"}));
}

TEST(FlagBinding, ARevertMidReleaseSetsTheFlagBackToZero) {
  auto world = bound_world();
  world.set_image("web:2");
  world.settle();
  ASSERT_EQ(world.observed.flags.at(kFlag).weight, 25);
  world.set_image("web:1");
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::healthy);
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 0);
}

TEST(FlagBinding, AProblemHoldsTheReleaseAndWritesNothing) {
  auto world = bound_world();
  world.observed.flags[kFlag].problem =
      "FeatureFlag shop/checkout flag new-checkout has no variant \"on\" "
      "(spec.strategy.canary.flags[0].variant): name one of its variants (a, b)";
  world.set_image("web:2");
  const Plan plan = world.step();
  EXPECT_EQ(world.status().phase, Phase::degraded);
  EXPECT_EQ(world.status().message, world.observed.flags[kFlag].problem);
  EXPECT_TRUE(flag_actions(plan).empty());
  for (const auto& action : plan.actions) {
    const auto* apply = std::get_if<ApplySlot>(&action);
    EXPECT_FALSE(apply != nullptr && apply->slot == Slot::b) << "no candidate before the fix";
  }
  world.observed.flags[kFlag].problem.clear();
  world.settle();
  EXPECT_EQ(world.status().phase, Phase::paused);
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 25);
}

TEST(FlagBinding, OnPromotionResetAndKeep) {
  auto reset = bound_world("reset");
  reset.set_image("web:2");
  reset.settle();
  for (int i = 0; i < 2; ++i) {
    promote(reset);
    reset.settle();
  }
  EXPECT_EQ(reset.status().phase, Phase::healthy);
  EXPECT_EQ(reset.observed.flags.at(kFlag).weight, 0);
  EXPECT_EQ(changes(reset.set_flag_weights), (std::vector<int>{25, 50, 0}));

  auto keep = bound_world("keep");
  keep.set_image("web:2");
  keep.settle();
  for (int i = 0; i < 2; ++i) {
    promote(keep);
    keep.settle();
  }
  EXPECT_EQ(keep.status().phase, Phase::healthy);
  EXPECT_EQ(keep.observed.flags.at(kFlag).weight, 50);
  EXPECT_EQ(changes(keep.set_flag_weights), (std::vector<int>{25, 50}));
  EXPECT_TRUE(keep.status().flag_splits[0].promoted);
}

TEST(FlagBinding, AFlagPromotedByOneReleaseIsLeftAloneByTheNext) {
  auto world = bound_world();
  world.set_image("web:2");
  world.settle();
  for (int i = 0; i < 2; ++i) {
    promote(world);
    world.settle();
  }
  ASSERT_EQ(world.observed.flags.at(kFlag).weight, 100);
  world.set_flag_weights.clear();
  world.set_image("web:3");
  world.settle();
  EXPECT_EQ(world.status().current_weight, 25);
  EXPECT_TRUE(world.set_flag_weights.empty()) << "the feature is everyone's since web:2";
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 100);
  world.status().abort = true;
  world.settle();
  EXPECT_EQ(world.observed.flags.at(kFlag).weight, 100) << "an abort of web:3 keeps it";
}

TEST(FlagBinding, AResetBindingFollowsEveryRelease) {
  auto world = bound_world("reset");
  for (const char* image : {"web:2", "web:3"}) {
    world.set_image(image);
    world.settle();
    EXPECT_EQ(world.observed.flags.at(kFlag).weight, 25) << image;
    for (int i = 0; i < 2; ++i) {
      promote(world);
      world.settle();
    }
    EXPECT_EQ(world.observed.flags.at(kFlag).weight, 0) << image;
  }
}

TEST(FlagBinding, StatusRoundTrips) {
  Json object = bound_json();
  RolloutStatus status;
  status.route_weights.push_back({"HTTPRoute shop/web", 5});
  status.flag_splits.push_back({"checkout", "new-checkout", "on", 25, "abc", true});
  status.flag_splits.push_back({"checkout", "banner", "b", std::nullopt, "", false});
  HistoryEntry entry;
  entry.revision = "abc";
  entry.flags = {"checkout/new-checkout on 100%"};
  status.history.push_back(entry);
  object["status"] = status_to_json(status);
  const auto back = parse_rollout(object);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->status.flag_splits, status.flag_splits);
  EXPECT_EQ(back->status.route_weights, status.route_weights);
  EXPECT_EQ(back->status.history.at(0).flags, entry.flags);
  ASSERT_EQ(back->spec.canary().flags.size(), 1U);
  EXPECT_EQ(back->spec.canary().flags[0].ref,
            (flags::FlagSplitRef{"shop", "checkout", "new-checkout", "on", "off",
                                 "spec.strategy.canary.flags[0]"}));
  EXPECT_EQ(back->spec.canary().flags[0].on_promotion, OnPromotion::promote);
}

}  // namespace
}  // namespace cutover::rollout
