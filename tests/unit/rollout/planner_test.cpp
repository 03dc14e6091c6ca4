// The Events of one pass told once: fold_event joins the StepCompleted Events of consecutive
// rounds, and hands the last steps to the Promoted Event, as the planner does within one plan.
#include <gtest/gtest.h>

#include "rollout/plan.hpp"

namespace cutover::rollout {
namespace {

RecordEvent step(std::size_t first, std::size_t last, const std::string& what,
                 const std::string& transition) {
  const StepsTold steps{first, last, 5, what};
  RecordEvent e{"Normal", "StepCompleted", describe(steps), {}, transition};
  e.steps = steps;
  return e;
}

RecordEvent promoted(std::optional<StepsTold> steps) {
  const std::string summary = "revision r2 promoted to stable on slot b";
  RecordEvent e{"Normal",
                "Promoted",
                steps ? summary + " (" + describe(*steps) + ")" : summary,
                {},
                "promoted"};
  e.steps = std::move(steps);
  e.summary = summary;
  return e;
}

std::vector<std::string> messages(const std::vector<RecordEvent>& told) {
  std::vector<std::string> out;
  for (const auto& e : told)
    out.push_back(e.reason + ": " + e.message);
  return out;
}

TEST(FoldEvent, ConsecutiveStepsOfSeveralRoundsAreToldOnce) {
  std::vector<RecordEvent> told;
  fold_event(told, step(0, 0, "weight 33%", "t0"));
  fold_event(told, step(1, 1, "weight 66%", "t1"));
  fold_event(told, step(2, 2, "weight 100%", "t2"));
  EXPECT_EQ(messages(told),
            std::vector<std::string>{
                "StepCompleted: steps 1-3/5 done: weight 33%, weight 66%, weight 100%"});
  EXPECT_EQ(told[0].transition, "t0") << "named as the first, so a replayed pass names it alike";
}

TEST(FoldEvent, TheLastStepsGoIntoPromoted) {
  std::vector<RecordEvent> told;
  fold_event(told, step(0, 1, "weight 33%, weight 66%", "t0"));
  fold_event(told, promoted(StepsTold{2, 2, 5, "weight 100%"}));
  EXPECT_EQ(messages(told),
            std::vector<std::string>{"Promoted: revision r2 promoted to stable on slot b (steps "
                                     "1-3/5 done: weight 33%, weight 66%, weight 100%)"});
  told.clear();
  fold_event(told, step(0, 2, "weight 33%, weight 66%, weight 100%", "t0"));
  fold_event(told, promoted(std::nullopt));
  EXPECT_EQ(messages(told),
            std::vector<std::string>{"Promoted: revision r2 promoted to stable on slot b (steps "
                                     "1-3/5 done: weight 33%, weight 66%, weight 100%)"});
}

TEST(FoldEvent, OtherEventsAndGapsAreKeptApart) {
  std::vector<RecordEvent> told;
  fold_event(told, step(0, 0, "weight 33%", "t0"));
  fold_event(told, RecordEvent{"Normal", "ScaledDown", "scaled slot a down to 0", {}, "s"});
  fold_event(told, step(1, 1, "weight 66%", "t1"));
  fold_event(told, step(3, 3, "pause elapsed", "t3"));  // not the next step: told apart
  EXPECT_EQ(messages(told),
            (std::vector<std::string>{"StepCompleted: step 1/5 done: weight 33%",
                                      "ScaledDown: scaled slot a down to 0",
                                      "StepCompleted: step 2/5 done: weight 66%",
                                      "StepCompleted: step 4/5 done: pause elapsed"}));
}

}  // namespace
}  // namespace cutover::rollout
