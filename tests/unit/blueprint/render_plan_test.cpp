#include "blueprint/render_plan.hpp"

#include <gtest/gtest.h>

namespace cutover::blueprint {
namespace {

Blueprint blueprint_with(std::vector<TemplateFile> files) {
  auto manifest = parse_manifest_text(R"(apiVersion: cutover.dev/v1alpha1
kind: Blueprint
name: demo
version: 1.0.0
parameters:
  - {name: name, required: true}
  - {name: ingress, type: bool, default: false}
  - {name: tier, type: enum, values: [critical, standard], default: standard}
files:
  - {path: deploy/ingress.yaml, when: ingress}
  - {path: 'docs/**', when: "tier == 'critical'"}
copyWithoutRender: ['**/*.raw']
)",
                                      "demo/blueprint.yaml");
  EXPECT_TRUE(manifest) << manifest.error().describe();
  return {*manifest, std::move(files)};
}

const Answers kAnswers = {
    {"name", std::string("pay-svc")}, {"ingress", false}, {"tier", std::string("standard")}};

TEST(BlueprintRenderPlan, RendersPathsContentsAndSkips) {
  const Blueprint blueprint = blueprint_with({
      {"README.md", "# {{name | pascal}}\n", false},
      {"src/{{name | snake}}.cpp", "int {{name|camel}}();\n", false},
      {"deploy/ingress.yaml", "host: {{name}}\n", false},
      {"docs/runbook.md", "x", false},
      {"{{#ingress}}ingress{{/ingress}}/extra.yaml", "x", false},
      {"assets/logo.raw", "{{not rendered}}", false},
      {"bin/run.sh", "#!/bin/sh\n", true},
  });
  auto plan = plan_render(blueprint, kAnswers);
  ASSERT_TRUE(plan) << plan.error().describe();
  ASSERT_EQ(plan->files.size(), 4u);
  EXPECT_EQ(plan->files[0].path, "README.md");
  EXPECT_EQ(plan->files[0].content, "# PaySvc\n");
  EXPECT_EQ(plan->files[1].path, "assets/logo.raw");
  EXPECT_EQ(plan->files[1].content, "{{not rendered}}");
  EXPECT_EQ(plan->files[2].path, "bin/run.sh");
  EXPECT_TRUE(plan->files[2].executable);
  EXPECT_EQ(plan->files[3].path, "src/pay_svc.cpp");
  EXPECT_EQ(plan->files[3].content, "int paySvc();\n");
  ASSERT_EQ(plan->skipped.size(), 3u);
  EXPECT_EQ(plan->skipped[0].template_path, "deploy/ingress.yaml");
  EXPECT_EQ(plan->skipped[0].reason, "when: ingress");
  EXPECT_EQ(plan->skipped[1].reason, "when: tier == 'critical'");
  EXPECT_EQ(plan->skipped[2].reason, "empty path segment");
}

TEST(BlueprintRenderPlan, BinaryFilesAreCopied) {
  const std::string binary("\x89PNG\0{{name}}", 11);
  auto plan = plan_render(blueprint_with({{"logo.png", binary, false}}), kAnswers);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->files[0].content, binary);
}

TEST(BlueprintPathSafety, RefusesEscapes) {
  EXPECT_TRUE(check_relative_path("a/b.txt"));
  EXPECT_TRUE(check_relative_path(".github/workflows/deploy.yml"));
  EXPECT_TRUE(check_relative_path("a..b/c"));
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a/..", "./a", "a//b", "a/",
                          "a\\..\\b", ".git/config", "sub/.git/hooks/x", ".cutover/answers.yaml"}) {
    EXPECT_FALSE(check_relative_path(bad)) << bad;
  }
}

TEST(BlueprintPathSafety, ARenderedEscapeFailsTheWholeRenderNamingTheTemplate) {
  const Answers evil = {
      {"name", std::string("../../etc")}, {"ingress", false}, {"tier", std::string("standard")}};
  auto plan =
      plan_render(blueprint_with({{"ok.txt", "x", false}, {"{{name}}/x", "x", false}}), evil);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().template_path, "{{name}}/x");
  EXPECT_NE(plan.error().describe().find("template file {{name}}/x: renders to an unsafe path: "
                                         "'../../etc/x' contains '..'"),
            std::string::npos)
      << plan.error().describe();

  const Answers absolute = {
      {"name", std::string("/tmp/x")}, {"ingress", false}, {"tier", std::string("standard")}};
  plan = plan_render(blueprint_with({{"{{name}}", "x", false}}), absolute);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("'/tmp/x' is absolute"), std::string::npos);
}

TEST(BlueprintRenderPlan, RefusesCollisionsAndBadTemplates) {
  auto plan = plan_render(blueprint_with({{"a-{{name}}", "x", false}, {"a-pay-svc", "y", false}}),
                          kAnswers);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("renders to a-pay-svc, as"), std::string::npos);

  plan = plan_render(
      blueprint_with({{"a", "x", false},
                      {"{{#ingress}}x{{/ingress}}{{^ingress}}a{{/ingress}}/b", "y", false}}),
      kAnswers);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("which a renders as a file"), std::string::npos);

  plan = plan_render(blueprint_with({{"x.txt", "{{nmae}}", false}}), kAnswers);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().template_path, "x.txt");
  EXPECT_NE(plan.error().fix.find("copyWithoutRender"), std::string::npos);
}

TEST(BlueprintReplaceable, AllowsAFolderBesideOrBelowTheCurrentOne) {
  EXPECT_TRUE(check_replaceable("/work/svc", "/work", "/home/me"));
  EXPECT_TRUE(check_replaceable("/work/a/b/svc", "/work", "/home/me"));
  EXPECT_TRUE(check_replaceable("/home/me/svc", "/home/me", "/home/me"));
  // Whole segments: /work/svc-old is not below /work/svc.
  EXPECT_TRUE(check_replaceable("/work/svc", "/work/svc-old", "/home/me"));
  EXPECT_TRUE(check_replaceable("/work/svc", "/work", ""));
}

TEST(BlueprintReplaceable, RefusesTheCurrentFolderItsParentsRootAndHome) {
  auto current = check_replaceable("/work/svc", "/work/svc", "/home/me");
  ASSERT_FALSE(current);
  EXPECT_NE(current.error().find("holds the current folder /work/svc"), std::string::npos)
      << current.error();
  auto parent = check_replaceable("/work", "/work/svc/src", "/home/me");
  ASSERT_FALSE(parent);
  EXPECT_NE(parent.error().find("holds the current folder"), std::string::npos);
  auto trailing = check_replaceable("/work/svc/", "/work/svc", "/home/me");
  EXPECT_FALSE(trailing);

  auto root = check_replaceable("/", "/work", "/home/me");
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().find("the root folder"), std::string::npos) << root.error();

  auto home = check_replaceable("/home/me", "/work", "/home/me/");
  ASSERT_FALSE(home);
  EXPECT_NE(home.error().find("your home folder ($HOME)"), std::string::npos) << home.error();
  EXPECT_NE(home.error().find("fix: choose another --output"), std::string::npos);
}

}  // namespace
}  // namespace cutover::blueprint
