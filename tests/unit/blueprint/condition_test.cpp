#include "blueprint/condition.hpp"

#include <gtest/gtest.h>

namespace cutover::blueprint {
namespace {

const Answers kAnswers = {{"ingress", true},
                          {"metrics", false},
                          {"tier", std::string("critical")},
                          {"port", 8080LL},
                          {"empty", std::string("")}};

bool eval(const char* source) {
  auto condition = Condition::parse(source);
  EXPECT_TRUE(condition) << source << ": " << condition.error().message;
  return condition && condition->evaluate(kAnswers);
}

TEST(BlueprintCondition, Evaluates) {
  EXPECT_TRUE(eval("ingress"));
  EXPECT_FALSE(eval("metrics"));
  EXPECT_TRUE(eval("!metrics"));
  EXPECT_FALSE(eval("!!metrics"));
  EXPECT_TRUE(eval("tier == 'critical'"));
  EXPECT_TRUE(eval("tier == \"critical\""));
  EXPECT_FALSE(eval("tier != 'critical'"));
  EXPECT_TRUE(eval("port == '8080'"));
  EXPECT_TRUE(eval("ingress == 'true'"));
  EXPECT_FALSE(eval("empty"));
  EXPECT_TRUE(eval("ingress && tier == 'critical'"));
  EXPECT_TRUE(eval("metrics || ingress"));
  EXPECT_FALSE(eval("metrics || !ingress"));
  EXPECT_TRUE(eval("  ( metrics || ingress ) && !(tier == 'standard')"));
  // && binds tighter than ||.
  EXPECT_TRUE(eval("ingress || metrics && metrics"));
  EXPECT_FALSE(eval("(ingress || metrics) && metrics"));
}

TEST(BlueprintCondition, ReportsIdentifiersInOrder) {
  auto condition = Condition::parse("b && (a || !b) && c == 'x'");
  ASSERT_TRUE(condition);
  EXPECT_EQ(condition->identifiers(), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(BlueprintCondition, RefusesMalformed) {
  for (const char* bad : {"", "(", "a &&", "a ==", "a == b", "a == 'x", "a b", "&& a", "a & b",
                          "a | b", "()", "'x' == a", "a == 'x' == 'y'", "1a"}) {
    auto condition = Condition::parse(bad);
    EXPECT_FALSE(condition) << bad;
    if (!condition) {
      EXPECT_FALSE(condition.error().message.empty());
    }
  }
  EXPECT_FALSE(Condition::parse(std::string(Condition::max_nesting + 1, '!') + "a"));
  EXPECT_FALSE(Condition::parse(std::string(2000, 'a')));
}

TEST(BlueprintCondition, ErrorNamesThePosition) {
  auto condition = Condition::parse("ingress && (tier == 'x'");
  ASSERT_FALSE(condition);
  EXPECT_EQ(condition.error().message, "expected ')' at 23, found end of condition");
}

}  // namespace
}  // namespace cutover::blueprint
