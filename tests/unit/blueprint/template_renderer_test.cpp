#include "blueprint/template_renderer.hpp"

#include <gtest/gtest.h>

namespace cutover::blueprint {
namespace {

const Answers kAnswers = {{"name", std::string("payment-service")},
                          {"port", 8080LL},
                          {"ingress", true},
                          {"metrics", false},
                          {"owner", std::string("")},
                          {"query", std::string("a < b && c > d")}};

std::string render(const char* text) {
  auto rendered = render_template(text, kAnswers);
  EXPECT_TRUE(rendered) << text << ": " << rendered.error();
  return rendered.value_or("<error>");
}

TEST(BlueprintTemplate, RendersVariablesAndFilters) {
  EXPECT_EQ(render("{{name}}:{{port}}"), "payment-service:8080");
  EXPECT_EQ(render("{{name | pascal}}"), "PaymentService");
  EXPECT_EQ(render("{{ name|snake }}"), "payment_service");
  EXPECT_EQ(render("{{name|camel}} {{name | upper}} {{name|kebab}}"),
            "paymentService PAYMENT_SERVICE payment-service");
  EXPECT_EQ(render("{{{name | pascal}}}"), "PaymentService");
  EXPECT_EQ(render("{{& name}}"), "payment-service");
  EXPECT_EQ(render("no tags at all"), "no tags at all");
  EXPECT_EQ(render("{{! a comment }}x"), "x");
}

TEST(BlueprintTemplate, NeverEscapes) {
  EXPECT_EQ(render("{{query}}"), "a < b && c > d");
  EXPECT_EQ(render("if (a && b) {}"), "if (a && b) {}");
}

TEST(BlueprintTemplate, Sections) {
  EXPECT_EQ(render("{{#ingress}}on{{/ingress}}{{^ingress}}off{{/ingress}}"), "on");
  EXPECT_EQ(render("{{#metrics}}on{{/metrics}}{{^metrics}}off{{/metrics}}"), "off");
  EXPECT_EQ(render("{{#owner}}x{{/owner}}{{^owner}}nobody{{/owner}}"), "nobody");
  EXPECT_EQ(render("{{#name}}[{{name}}]{{/name}}"), "[payment-service]");
  EXPECT_EQ(render("a\n{{#ingress}}\nb\n{{/ingress}}\nc\n"), "a\nb\nc\n");
}

TEST(BlueprintTemplate, DelimiterChangeKeepsGithubExpressions) {
  EXPECT_EQ(render("{{=<% %>=}}image: ${{ github.sha }} <% name | kebab %>"),
            "image: ${{ github.sha }} payment-service");
}

TEST(BlueprintTemplate, RefusesUnknownNamesFiltersAndPartials) {
  auto unknown = render_template("{{nmae}}", kAnswers);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("unknown parameter 'nmae'"), std::string::npos);
  EXPECT_NE(unknown.error().find("the parameters are: ingress, metrics, name"), std::string::npos);
  auto filter = render_template("{{name | lower}}", kAnswers);
  ASSERT_FALSE(filter);
  EXPECT_NE(filter.error().find("unknown filter 'lower'"), std::string::npos);
  EXPECT_FALSE(render_template("{{> partial}}", kAnswers));
  EXPECT_FALSE(render_template("{{name", kAnswers));
  EXPECT_FALSE(render_template("{{#ingress}}x", kAnswers));  // kainjow: unclosed section
  EXPECT_FALSE(render_template("{{=<%=}}", kAnswers));
}

}  // namespace
}  // namespace cutover::blueprint
