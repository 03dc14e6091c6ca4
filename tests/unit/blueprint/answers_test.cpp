#include "blueprint/answers.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "blueprint/answers_record.hpp"

namespace cutover::blueprint {
namespace {

Manifest manifest() {
  auto parsed = parse_manifest_text(R"(apiVersion: cutover.dev/v1alpha1
kind: Blueprint
name: demo
version: 1.0.0
parameters:
  - {name: name, type: string, required: true, pattern: '^[a-z][a-z0-9-]{1,40}$'}
  - {name: namespace, default: '{{name | kebab}}-ns'}
  - {name: port, type: int, min: 1024, max: 65535, default: 8080}
  - {name: tier, type: enum, values: [critical, standard], default: standard}
  - {name: ingress, type: bool, default: false}
  - {name: owner, type: string}
)",
                                    "demo/blueprint.yaml");
  EXPECT_TRUE(parsed) << parsed.error().describe();
  return *parsed;
}

const Parameter& parameter(const Manifest& m, const char* name) {
  return *m.parameter(name);
}

TEST(BlueprintAnswers, ParsesAndValidatesText) {
  const Manifest m = manifest();
  EXPECT_EQ(parse_answer(parameter(m, "port"), "9090"), Value{9090LL});
  EXPECT_EQ(parse_answer(parameter(m, "ingress"), "yes"), Value{true});
  EXPECT_EQ(parse_answer(parameter(m, "ingress"), "false"), Value{false});
  EXPECT_EQ(parse_answer(parameter(m, "tier"), "critical"), Value{std::string("critical")});
  EXPECT_EQ(parse_answer(parameter(m, "name"), "payments"), Value{std::string("payments")});

  const auto error = [&](const char* name, const char* text) {
    auto value = parse_answer(parameter(m, name), text);
    EXPECT_FALSE(value) << name << "=" << text;
    return value ? std::string{} : value.error();
  };
  EXPECT_EQ(error("port", "80"), "80 is outside 1024..65535");
  EXPECT_EQ(error("port", "http"), "must be an integer, got 'http'");
  EXPECT_EQ(error("port", "80 80"), "must be an integer, got '80 80'");
  EXPECT_EQ(error("port", ""), "must be an integer, got ''");
  EXPECT_EQ(error("ingress", "maybe"), "must be true or false (or yes/no), got 'maybe'");
  EXPECT_EQ(error("tier", "gold"), "'gold' is not one of: critical, standard");
  EXPECT_EQ(error("name", "Payments"), "'Payments' does not match ^[a-z][a-z0-9-]{1,40}$");
}

TEST(BlueprintAnswers, PrecedenceSetThenFileThenDefault) {
  const Manifest m = manifest();
  AnswerSources sources;
  sources.set = {{"name", "payments"}, {"port", "9000"}};
  sources.file = {{"port", 7000}, {"tier", "critical"}, {"ingress", true}};
  sources.file_name = "answers.yaml";
  auto answers = resolve_answers(m, sources);
  ASSERT_TRUE(answers) << answers.error().describe();
  EXPECT_EQ(answers->at("port"), Value{9000LL});
  EXPECT_EQ(answers->at("tier"), Value{std::string("critical")});
  EXPECT_EQ(answers->at("ingress"), Value{true});
  EXPECT_EQ(answers->at("namespace"), Value{std::string("payments-ns")});  // derived
  EXPECT_EQ(answers->at("owner"), Value{std::string("")});
}

TEST(BlueprintAnswers, MissingRequiredNamesTheParameterAndTheFlag) {
  const Manifest m = manifest();
  auto answers = resolve_answers(m, {});
  ASSERT_FALSE(answers);
  EXPECT_EQ(answers.error().describe(),
            "parameter name: is required and has no value (fix: pass --set name=VALUE, or an "
            "--answers file)");
}

TEST(BlueprintAnswers, BadValuesAndUnknownNames) {
  const Manifest m = manifest();
  AnswerSources bad_set;
  bad_set.set = {{"name", "payments"}, {"port", "x"}};
  auto answers = resolve_answers(m, bad_set);
  ASSERT_FALSE(answers);
  EXPECT_EQ(answers.error().describe(),
            "parameter port: --set: must be an integer, got 'x' (fix: --set port=1024)");

  AnswerSources typo;
  typo.set = {{"name", "payments"}, {"prot", "9000"}};
  answers = resolve_answers(m, typo);
  ASSERT_FALSE(answers);
  EXPECT_EQ(answers.error().parameter, "prot");

  typo.unknown = UnknownAnswers::ignore;
  EXPECT_TRUE(resolve_answers(m, typo));

  AnswerSources bad_file;
  bad_file.set = {{"name", "payments"}};
  bad_file.file = {{"tier", "gold"}};
  bad_file.file_name = "a.yaml";
  answers = resolve_answers(m, bad_file);
  ASSERT_FALSE(answers);
  EXPECT_EQ(answers.error().message, "in a.yaml: 'gold' is not one of: critical, standard");
}

class ScriptedPrompter final : public Prompter {
 public:
  explicit ScriptedPrompter(std::deque<std::string> lines) : lines_(std::move(lines)) {}
  std::optional<std::string> ask(const Parameter& p, const std::string& shown_default,
                                 const std::string& previous_error) override {
    asked.push_back(p.name + "[" + shown_default + "]" +
                    (previous_error.empty() ? "" : "!" + previous_error));
    if (lines_.empty())
      return std::nullopt;
    auto line = lines_.front();
    lines_.pop_front();
    return line;
  }
  std::vector<std::string> asked;

 private:
  std::deque<std::string> lines_;
};

TEST(BlueprintAnswers, PromptsAskAgainUntilValid) {
  const Manifest m = manifest();
  // name: invalid then valid; namespace: default; port: invalid then valid; tier, ingress,
  // owner: defaults.
  ScriptedPrompter prompter({"Bad Name", "payments", "", "80", "9090", "", "", ""});
  AnswerSources sources;
  sources.prompter = &prompter;
  auto answers = resolve_answers(m, sources);
  ASSERT_TRUE(answers) << answers.error().describe();
  EXPECT_EQ(answers->at("name"), Value{std::string("payments")});
  EXPECT_EQ(answers->at("namespace"), Value{std::string("payments-ns")});
  EXPECT_EQ(answers->at("port"), Value{9090LL});
  EXPECT_EQ(prompter.asked[0], "name[]");
  EXPECT_EQ(prompter.asked[1], "name[]!'Bad Name' does not match ^[a-z][a-z0-9-]{1,40}$");
  EXPECT_EQ(prompter.asked[2], "namespace[payments-ns]");
  EXPECT_EQ(prompter.asked[4], "port[8080]!80 is outside 1024..65535");
}

TEST(BlueprintAnswers, PromptEndOfInputIsAnError) {
  const Manifest m = manifest();
  ScriptedPrompter prompter({});
  AnswerSources sources;
  sources.prompter = &prompter;
  auto answers = resolve_answers(m, sources);
  ASSERT_FALSE(answers);
  EXPECT_EQ(answers.error().parameter, "name");
}

TEST(BlueprintAnswers, RecordRoundTrips) {
  const Manifest m = manifest();
  AnswersRecord record{"demo",
                       "1.0.0",
                       {"git", "file:///x/repo.git", "v1.0.0", "abc"},
                       {{"name", "payments"}, {"port", 8080}, {"ingress", true}}};
  const std::string yaml = answers_record_yaml(record, m);
  auto parsed = parse_answers_record(yaml, ".cutover/answers.yaml");
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->blueprint, "demo");
  EXPECT_EQ(parsed->source.location, "file:///x/repo.git");
  EXPECT_EQ(parsed->source.commit, "abc");
  EXPECT_EQ(parsed->answers, record.answers);
  // An answers record is also an --answers file.
  auto file = parse_answers_file(yaml, "a.yaml");
  ASSERT_TRUE(file);
  EXPECT_EQ(*file, record.answers);
  auto flat = parse_answers_file("port: 9000\n", "a.yaml");
  ASSERT_TRUE(flat);
  EXPECT_EQ((*flat)["port"], 9000);
  EXPECT_FALSE(parse_answers_file("- a\n", "a.yaml"));
}

}  // namespace
}  // namespace cutover::blueprint
