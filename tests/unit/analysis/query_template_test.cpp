// Placeholders in PromQL templates, and values that try to change the query's structure.
#include "analysis/query_template.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cutover::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TemplateValues values_with(const std::string& value) {
  return {{"args.x", value}, {"rollout.name", "web"}, {"window", "5m"}};
}

std::expected<std::string, std::string> render_x(const std::string& text,
                                                 const std::string& value) {
  return render_template(text, values_with(value));
}

TEST(QueryTemplateTest, PlaceholdersInOrder) {
  const auto names = template_placeholders(
      R"(rate(x{a="{{args.a}}",b="{{ rollout.name }}"}[{{window}}]) > {{args.b_2-c}})");
  ASSERT_TRUE(names.has_value()) << names.error();
  EXPECT_THAT(*names, ElementsAre("args.a", "rollout.name", "window", "args.b_2-c"));
}

TEST(QueryTemplateTest, EveryRolloutFieldIsKnown) {
  for (const char* field :
       {"name", "namespace", "stableRevision", "currentRevision", "stableSlot", "canarySlot"}) {
    const auto names = template_placeholders(fmt::format("{{{{rollout.{}}}}}", field));
    ASSERT_TRUE(names.has_value()) << field;
  }
}

TEST(QueryTemplateTest, UnknownPlaceholdersAreRefused) {
  for (const char* text : {"{{rollout.colour}}", "{{args.}}", "{{args.1x}}", "{{windows}}", "{{}}",
                           "{{ }}", "{{args.a b}}", "{{ARGS.x}}"}) {
    const auto names = template_placeholders(text);
    ASSERT_FALSE(names.has_value()) << text;
    EXPECT_THAT(names.error(), HasSubstr("unknown placeholder")) << text;
  }
}

TEST(QueryTemplateTest, UnclosedPlaceholderNamesTheOffset) {
  const auto names = template_placeholders("up{a=\"x\"} > {{args.x}");
  ASSERT_FALSE(names.has_value());
  EXPECT_THAT(names.error(), HasSubstr("unclosed \"{{\" at offset 12"));
}

TEST(QueryTemplateTest, SpacesInsideBracesAreTrimmed) {
  const auto rendered = render_x("up > {{  args.x  }}", "3");
  ASSERT_TRUE(rendered.has_value()) << rendered.error();
  EXPECT_EQ(*rendered, "up > 3");
}

TEST(QueryTemplateTest, PlainTextIsUnchanged) {
  const std::string text =
      R"(sum(rate(x{code=~"5..",path!="/a{b}"}[1m])) / 2 # {not a placeholder})";
  EXPECT_EQ(*render_template(text, {}), text);
}

TEST(QueryTemplateTest, RendersInsideEveryQuoteKind) {
  EXPECT_EQ(*render_x(R"(up{a="{{args.x}}"})", "v-1"), R"(up{a="v-1"})");
  EXPECT_EQ(*render_x(R"(up{a='{{args.x}}'})", "v-1"), R"(up{a='v-1'})");
  EXPECT_EQ(*render_x(R"(up{a=~`{{args.x}}.*`})", "v-1"), R"(up{a=~`v-1.*`})");
}

TEST(QueryTemplateTest, QuotesEscapedInTheTemplateDoNotEndTheString) {
  // After \" the literal is still open, so the value is still escaped.
  const auto rendered = render_x(R"(up{a="x\"{{args.x}}"})", R"(b"c)");
  ASSERT_TRUE(rendered.has_value());
  EXPECT_EQ(*rendered, R"(up{a="x\"b\"c"})");
}

TEST(QueryTemplateTest, BareNumbersDurationsAndNamesAreAccepted) {
  for (const char* value : {"0", "0.01", "-3", ".5", "1e-3", "2.5E+10", "5m", "1h30m", "500ms",
                            "2d", "http_requests_total", "job:rate5m", "_x"}) {
    const auto rendered = render_x("x > {{args.x}}", value);
    ASSERT_TRUE(rendered.has_value()) << value << ": " << rendered.error();
    EXPECT_EQ(*rendered, std::string("x > ") + value);
  }
}

TEST(QueryTemplateTest, BareValuesThatAreNotOneTokenAreRefused) {
  for (const char* value : {"", "1 or vector(1)", "5m]) or up[5m", "x\"} or vector(1) #", "a b",
                            "1+1", "up{a=\"b\"}", "5m\n", "-", "1.2.3", "a-b", "x)", "#"}) {
    const auto rendered = render_x("rate(x[{{args.x}}])", value);
    ASSERT_FALSE(rendered.has_value()) << value << " gave " << *rendered;
    EXPECT_THAT(rendered.error(), HasSubstr("{{args.x}} is outside quotes")) << value;
  }
}

TEST(QueryTemplateTest, InjectionInDoubleQuotesIsEscaped) {
  const auto rendered = render_x(R"(up{job="{{args.x}}"})", R"(x"} or vector(1) #)");
  ASSERT_TRUE(rendered.has_value());
  EXPECT_EQ(*rendered, R"(up{job="x\"} or vector(1) #"})");
}

TEST(QueryTemplateTest, BackslashAtTheEndCannotEscapeTheClosingQuote) {
  const auto rendered = render_x(R"(up{job="{{args.x}}"} or on() vector(0))", R"(a\")");
  ASSERT_TRUE(rendered.has_value());
  EXPECT_EQ(*rendered, R"(up{job="a\\\""} or on() vector(0))");
}

TEST(QueryTemplateTest, NewlinesAndTabsAreEscapedInStrings) {
  EXPECT_EQ(*render_x(R"(up{job="{{args.x}}"})", "a\nb\r\tc"), R"(up{job="a\nb\r\tc"})");
  EXPECT_EQ(*render_x("up{job='{{args.x}}'}", "a\nb"), R"(up{job='a\nb'})");
}

TEST(QueryTemplateTest, SingleQuotesEscapedOnlyInSingleQuotedStrings) {
  EXPECT_EQ(*render_x("up{job='{{args.x}}'}", R"(it's "x")"), R"(up{job='it\'s "x"'})");
  EXPECT_EQ(*render_x(R"(up{job="{{args.x}}"})", "it's"), R"(up{job="it's"})");
}

TEST(QueryTemplateTest, BacktickInRawStringIsRefused) {
  const auto rendered = render_x("up{job=~`{{args.x}}`}", "a`} or vector(1) #");
  ASSERT_FALSE(rendered.has_value());
  EXPECT_THAT(rendered.error(), HasSubstr("contains a backtick"));
}

TEST(QueryTemplateTest, RawStringsKeepBackslashes) {
  EXPECT_EQ(*render_x(R"(up{a=~`{{args.x}}`})", R"(\d+)"), R"(up{a=~`\d+`})");
}

TEST(QueryTemplateTest, MissingValueNamesThePlaceholderAndWhereToGiveIt) {
  const auto rendered = render_template("up > {{args.limit}}", {});
  ASSERT_FALSE(rendered.has_value());
  EXPECT_THAT(rendered.error(), HasSubstr("{{args.limit}} has no value"));
  EXPECT_THAT(rendered.error(), HasSubstr("Rollout's analysis args"));
  const auto rollout = render_template("{{rollout.name}}", {});
  ASSERT_FALSE(rollout.has_value());
  EXPECT_THAT(rollout.error(), HasSubstr("{{rollout.name}} has no value"));
}

TEST(QueryTemplateTest, KeepLeavesWindowForLater) {
  const auto first =
      render_template(R"(rate(x{a="{{args.x}}"}[{{ window }}]))", {{"args.x", "v"}}, {"window"});
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_EQ(*first, R"(rate(x{a="v"}[{{window}}]))");
  const auto second = render_template(*first, {{"window", "30s"}});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, R"(rate(x{a="v"}[30s]))");
}

TEST(QueryTemplateTest, ValuesAreNotRenderedTwice) {
  // A value that looks like a placeholder stays text, even when the result is rendered again
  // for {{window}} at measurement time.
  const auto first = render_template(R"(rate(x{a="{{args.x}}"}[{{window}}]))",
                                     {{"args.x", "{{rollout.name}}"}}, {"window"});
  ASSERT_TRUE(first.has_value()) << first.error();
  const auto second = render_template(*first, {{"window", "30s"}});
  ASSERT_TRUE(second.has_value()) << second.error();
  EXPECT_THAT(*second, HasSubstr("[30s]"));
  EXPECT_THAT(*second, ::testing::Not(HasSubstr("web")));
}

TEST(QueryTemplateTest, ValueEndingInABraceCannotFormAPlaceholderLater) {
  const auto first =
      render_template(R"(x{a="{{args.x}}{{window}}"})", {{"args.x", "p{"}}, {"window"});
  ASSERT_TRUE(first.has_value()) << first.error();
  const auto second = render_template(*first, {{"window", "1m"}});
  ASSERT_TRUE(second.has_value()) << second.error();
}

TEST(QueryTemplateTest, QuoteInACommentDoesNotOpenAString) {
  // PromQL comments run to the end of the line; an apostrophe there ("don't") must not make the
  // next line's placeholder look quoted, or its value would go in unchecked.
  const std::string text = "sum(rate(x[5m])) # don't page on this\n > {{args.x}}";
  const auto rendered = render_x(text, "1) or vector(1");
  ASSERT_FALSE(rendered.has_value()) << *rendered;
  EXPECT_THAT(rendered.error(), HasSubstr("outside quotes"));
  EXPECT_EQ(*render_x(text, "0.5"), "sum(rate(x[5m])) # don't page on this\n > 0.5");
}

TEST(QueryTemplateTest, HashInsideAStringIsNotAComment) {
  EXPECT_EQ(*render_x(R"(up{a="#{{args.x}}"})", R"(b"c)"), R"(up{a="#b\"c"})");
}

}  // namespace
}  // namespace cutover::analysis

namespace cutover::analysis {
namespace {

TEST(QueryTemplateTest, OpeningBracesInStringsAreHexEscaped) {
  EXPECT_EQ(*render_x(R"(up{a=~"{{args.x}}"})", "a{2}"), R"(up{a=~"a\x7b2}"})");
  EXPECT_EQ(*render_x("up{a=~'{{args.x}}'}", "{{window}}"), R"(up{a=~'\x7b\x7bwindow}}'})");
}

TEST(QueryTemplateTest, DoubleBracesInRawStringsAreRefused) {
  EXPECT_EQ(*render_x("up{a=~`{{args.x}}`}", R"(\d{3})"), R"(up{a=~`\d{3}`})");
  for (const char* value : {"a{{b", "{{window}}", "a{"}) {
    const auto rendered = render_x("up{a=~`{{args.x}}`}", value);
    ASSERT_FALSE(rendered.has_value()) << value;
    EXPECT_THAT(rendered.error(), HasSubstr("contains \"{{\"")) << value;
  }
}

}  // namespace
}  // namespace cutover::analysis
