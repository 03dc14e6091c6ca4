#include "blueprint/manifest.hpp"

#include <gtest/gtest.h>

namespace cutover::blueprint {
namespace {

constexpr const char* kValid = R"(apiVersion: cutover.dev/v1alpha1
kind: Blueprint
name: cpp-service
description: A C++ HTTP service
version: 1.0.0
parameters:
  - name: name
    type: string
    required: true
    pattern: '^[a-z][a-z0-9-]{1,40}$'
    help: Service name
  - name: namespace
    default: '{{name | kebab}}'
  - name: port
    type: int
    min: 1024
    max: 65535
    default: 8080
  - name: tier
    type: enum
    values: [critical, standard]
    default: standard
  - name: ingress
    type: bool
    default: false
files:
  - path: 'deploy/ingress.yaml'
    when: 'ingress'
  - path: 'docs/**'
    when: "tier == 'critical'"
copyWithoutRender:
  - '**/*.png'
hooks:
  - name: format
    run: ['npm', 'install']
)";

TEST(BlueprintManifest, ParsesTheFormat) {
  auto manifest = parse_manifest_text(kValid, "blueprints/cpp-service/blueprint.yaml");
  ASSERT_TRUE(manifest) << manifest.error().describe();
  EXPECT_EQ(manifest->name, "cpp-service");
  EXPECT_EQ(manifest->version, "1.0.0");
  ASSERT_EQ(manifest->parameters.size(), 5u);
  EXPECT_TRUE(manifest->parameters[0].required);
  EXPECT_EQ(manifest->parameters[1].type, ParameterType::string);
  EXPECT_EQ(manifest->parameters[1].default_value, "{{name | kebab}}");
  EXPECT_EQ(manifest->parameters[2].type, ParameterType::integer);
  EXPECT_EQ(manifest->parameters[2].min, 1024);
  EXPECT_EQ(manifest->parameters[2].max, 65535);
  EXPECT_EQ(manifest->parameters[3].values, (std::vector<std::string>{"critical", "standard"}));
  EXPECT_EQ(manifest->parameters[4].type, ParameterType::boolean);
  ASSERT_EQ(manifest->files.size(), 2u);
  EXPECT_EQ(manifest->files[1].path, "docs/**");
  EXPECT_EQ(manifest->files[1].when.source(), "tier == 'critical'");
  EXPECT_EQ(manifest->copy_without_render, (std::vector<std::string>{"**/*.png"}));
  ASSERT_EQ(manifest->hooks.size(), 1u);
  EXPECT_EQ(manifest->hooks[0].run, (std::vector<std::string>{"npm", "install"}));
}

// Replaces the first occurrence of `from` in the valid manifest.
std::string with(const std::string& from, const std::string& to) {
  std::string text = kValid;
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

struct BadCase {
  std::string text;
  std::string field;
  std::string message_part;
  std::string fix_part;
};

TEST(BlueprintManifest, ErrorsNameObjectFieldAndFix) {
  const BadCase cases[] = {
      {with("apiVersion: cutover.dev/v1alpha1", "apiVersion: v1"), "apiVersion", "is 'v1'",
       "apiVersion: cutover.dev/v1alpha1"},
      {with("kind: Blueprint", "kind: Rollout"), "kind", "Rollout", "kind: Blueprint"},
      {with("name: cpp-service", "name: Cpp Service"), "name", "not a valid blueprint name",
       "lowercase"},
      {with("version: 1.0.0", "version: 1.0"), "version", "must be a string", "quote"},
      {with("version: 1.0.0", "version: one"), "version", "not a semantic version",
       "version: 1.0.0"},
      {with("    required: true", "    requried: true"), "parameters[0].requried",
       "not a known field", "required"},
      {with("    type: int", "    type: integer"), "parameters[2].type", "is 'integer'",
       "string, int, bool, enum"},
      {with("    min: 1024", "    min: 70000"), "parameters[2].min", "above max", "swap"},
      {with("    default: 8080", "    default: 80"), "parameters[2].default", "outside", "limits"},
      {with("    default: standard", "    default: gold"), "parameters[3].default",
       "'gold' is not one of", "values"},
      {with("    values: [critical, standard]", "    values: []"), "parameters[3].values",
       "at least one value", "values:"},
      {with("    default: false", "    default: maybe"), "parameters[4].default",
       "must be true or false", "default: false"},
      {with("'{{name | kebab}}'", "'{{port | kebab}}'"), "parameters[1].default",
       "unknown parameter 'port'", "declared before"},
      {with("'^[a-z][a-z0-9-]{1,40}$'", "'^[a-z'"), "parameters[0].pattern", "not a valid regex",
       "ECMAScript"},
      {with("  - name: port\n", "  - name: name\n"), "parameters[2].name", "declared twice",
       "rename"},
      {with("when: 'ingress'", "when: 'ingres'"), "files[0].when", "unknown parameter 'ingres'",
       "declare it under parameters"},
      {with("when: \"tier == 'critical'\"", "when: \"tier = 'critical'\""), "files[1].when",
       "unexpected '='", "tier == 'critical'"},
      {with("    run: ['npm', 'install']", "    run: 'npm install'"), "hooks[0].run",
       "non-empty list", "run: ['npm', 'install']"},
      {"apiVersion: cutover.dev/v1alpha1\nkind: Blueprint\nname: x\nversion: 1.0.0\n"
       "parameters: [{name: id}]\n",
       "parameters", "no parameter called 'name'", "add - {name: name"},
      {with("copyWithoutRender:", "copyWithoutRendr:"), "copyWithoutRendr", "not a known field",
       "copyWithoutRender"},
      {"a: [", "(line", "", "YAML syntax"},
      {"- 1\n- 2\n", "(document)", "must be a mapping", ""},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.text);
    auto manifest = parse_manifest_text(bad.text, "bp/blueprint.yaml");
    ASSERT_FALSE(manifest);
    const FieldError& error = manifest.error();
    EXPECT_EQ(error.object, "bp/blueprint.yaml");
    EXPECT_TRUE(error.field.starts_with(bad.field)) << error.describe();
    EXPECT_NE(error.message.find(bad.message_part), std::string::npos) << error.describe();
    EXPECT_NE(error.fix.find(bad.fix_part), std::string::npos) << error.describe();
  }
}

TEST(BlueprintManifest, DescribeNamesFileFieldAndFix) {
  auto manifest = parse_manifest_text(with("when: 'ingress'", "when: 'ingres'"), "x.yaml");
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().describe(),
            "blueprint x.yaml: files[0].when: unknown parameter 'ingres' (fix: declare it under "
            "parameters, or use one of: name, namespace, port, tier, ingress)");
}

}  // namespace
}  // namespace cutover::blueprint
