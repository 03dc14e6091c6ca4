// `deploy lint`: each malformed file gives one finding at the exact `file:line:col` of the field
// at fault.
#include "lint.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "deploy_main.hpp"
#include "exit_code.hpp"
#include "yaml_marks.hpp"

namespace cutover::cli {
namespace {

// A valid canary Rollout; tests replace parts of it.
constexpr const char* kRollout = R"(apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:1
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      steps:
      - setWeight: 20
      - pause: {}
      - setWeight: 60
)";

constexpr const char* kPolicy = R"(apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata:
  name: error-rate
spec:
  args:
  - {name: service}
  - {name: max, value: "0.01"}
  metrics:
  - name: errors
    interval: 10s
    threshold:
      query: rate(errors{service="{{args.service}}"}[1m])
      failureCondition: result > {{args.max}}
)";

// A valid Migration whose gate uses kPolicy; tests replace parts of it.
constexpr const char* kMigration = R"(apiVersion: cutover.dev/v1alpha1
kind: Migration
metadata:
  name: payments
spec:
  route: {gatewayAPI: {httpRoute: web}}
  from: {service: monolith, port: 80}
  to: {service: payments, port: 8080}
  matches:
  - path: {type: PathPrefix, value: /payments}
  steps:
  - setMirrorRoute: {percentage: 100}
  - analysis:
      policies: [{name: error-rate}]
      args: [{name: service, value: payments}]
  - setWeight: 5
  - pause: {}
  - setWeight: 50
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos)
    text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> lint_texts(const std::vector<LintInput>& files, LintOptions options = {}) {
  std::vector<std::string> out;
  for (const auto& finding : lint(files, options))
    out.push_back(format_finding(finding));
  return out;
}

std::vector<std::string> lint_one(const std::string& text) {
  return lint_texts({{"r.yaml", text}});
}

using Lines = std::vector<std::string>;

TEST(Lint, ValidRolloutAndPolicyAreClean) {
  EXPECT_EQ(lint_texts({{"r.yaml", kRollout}, {"p.yaml", kPolicy}}), Lines{});
}

TEST(Lint, YamlSyntaxErrorAtItsPosition) {
  const auto lines = lint_one("kind: Rollout\nspec:\n  replicas: [1, 2\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("r.yaml:4:1: error: YAML: ")) << lines[0];
}

TEST(Lint, WeightOutOfRange) {
  EXPECT_EQ(lint_one(replaced(kRollout, "- setWeight: 60", "- setWeight: 150")),
            Lines{"r.yaml:23:9: error: rollout web: spec.strategy.canary.steps[2].setWeight: is "
                  "150, outside 0..100"});
}

TEST(Lint, DecreasingWeight) {
  EXPECT_EQ(lint_one(replaced(kRollout, "- setWeight: 60", "- setWeight: 10")),
            Lines{"r.yaml:23:9: error: rollout web: spec.strategy.canary.steps[2].setWeight: 10 is "
                  "less than 20 at steps[0]: a weight that decreases moves users back mid-release "
                  "(fix: keep setWeight steps non-decreasing; deploy abort is the way back)"});
}

TEST(Lint, ReplicasNotAnInteger) {
  EXPECT_EQ(lint_one(replaced(kRollout, "replicas: 2", "replicas: two")),
            Lines{"r.yaml:6:3: error: rollout web: spec.replicas: must be an integer"});
}

TEST(Lint, StepWithTwoKinds) {
  const auto lines = lint_one(replaced(kRollout, "- pause: {}", "- {pause: {}, setWeight: 30}"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(
      lines[0].starts_with("r.yaml:22:9: error: rollout web: spec.strategy.canary.steps[1]: "
                           "must set exactly one of"))
      << lines[0];
}

TEST(Lint, PauseDurationUnparseable) {
  const auto lines = lint_one(replaced(kRollout, "- pause: {}", "- pause: {duration: soon}"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(
      lines[0].starts_with("r.yaml:22:17: error: rollout web: "
                           "spec.strategy.canary.steps[1].pause.duration: "))
      << lines[0];
}

TEST(Lint, SameServiceForStableAndCanary) {
  const auto lines =
      lint_one(replaced(kRollout, "canaryService: web-canary", "canaryService: web-stable"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with(
      "r.yaml:19:7: error: rollout web: spec.strategy.canary.canaryService: is the same Service"))
      << lines[0];
}

TEST(Lint, ServiceUsedByTwoRollouts) {
  const std::string other = replaced(replaced(kRollout, "name: web\nspec", "name: api\nspec"),
                                     "canaryService: web-canary", "canaryService: web-stable-2");
  const std::string second =
      replaced(other, "stableService: web-stable", "stableService: web-canary");
  EXPECT_EQ(lint_texts({{"a.yaml", kRollout}, {"b.yaml", second}}),
            Lines{"b.yaml:18:7: error: rollout api: Service web-canary is used as stableService "
                  "here and as canaryService of rollout web (at a.yaml:19:7) (fix: give each role "
                  "its own Service)"});
}

TEST(Lint, MissingStrategy) {
  const std::string text = kRollout;
  const auto cut = text.find("  strategy:");
  EXPECT_EQ(lint_one(text.substr(0, cut)),
            Lines{"r.yaml:5:1: error: rollout web: spec.strategy: must set exactly one of canary "
                  "and blueGreen (fix: choose one strategy)"});
}

TEST(Lint, SelectorDoesNotMatchTemplate) {
  EXPECT_EQ(lint_one(replaced(kRollout, "matchLabels: {app: web}", "matchLabels: {app: webb}")),
            Lines{"r.yaml:8:19: error: rollout web: spec.selector.matchLabels.app: selects "
                  "app=webb but the template's pods are not labelled so (fix: add the label to "
                  "spec.template.metadata.labels)"});
}

TEST(Lint, MissingName) {
  EXPECT_EQ(lint_one(replaced(kRollout, "  name: web\n", "  labels: {}\n")),
            Lines{"r.yaml:3:1: error: Rollout: metadata.name: is required"});
}

TEST(Lint, WrongApiVersion) {
  EXPECT_EQ(lint_one(replaced(kRollout, "cutover.dev/v1alpha1", "argoproj.io/v1alpha1")),
            Lines{"r.yaml:1:1: error: apiVersion: is \"argoproj.io/v1alpha1\" (fix: apiVersion: "
                  "cutover.dev/v1alpha1)"});
}

TEST(Lint, UnknownKindIsSkippedWithANote) {
  EXPECT_EQ(lint_one("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"),
            Lines{"r.yaml:2:1: note: skipped: kind Service is not a Rollout, Migration, SLOPolicy "
                  "or ClusterSLOPolicy"});
}

TEST(Lint, SecondDocumentPositionsCountFromTheFileStart) {
  const std::string text =
      std::string("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n") +
      replaced(kRollout, "replicas: 2", "replicas: -1");
  EXPECT_EQ(lint_one(text),
            (Lines{"r.yaml:2:1: note: skipped: kind ConfigMap is not a Rollout, Migration, "
                   "SLOPolicy or ClusterSLOPolicy",
                   "r.yaml:10:3: error: rollout web: spec.replicas: is -1, outside 0..100000"}));
}

constexpr const char* kAnalysisStep =
    "      - analysis:\n"
    "          policies: [{name: error-rate}]\n"
    "          args: [{name: service, value: web}]\n";

TEST(Lint, UnknownPolicyIsAWarningByDefault) {
  const std::string text = std::string(kRollout) + kAnalysisStep;
  EXPECT_EQ(lint_one(text),
            Lines{"r.yaml:25:23: warning: rollout web: spec.strategy.canary.steps[3].analysis."
                  "policies[0].name: SLOPolicy \"error-rate\" is not defined in the linted files "
                  "(fix: lint it together with the Rollout, or pass --policies DIR)"});
}

TEST(Lint, UnknownPolicyIsAnErrorWithPolicies) {
  const std::string text = std::string(kRollout) + kAnalysisStep;
  LintOptions options;
  options.missing_policy = MissingPolicy::error;
  options.policy_library.push_back(
      {"lib/other.yaml", replaced(kPolicy, "name: error-rate", "name: other")});
  const auto lines = lint_texts({{"r.yaml", text}}, options);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("r.yaml:25:23: error: rollout web: ")) << lines[0];
  EXPECT_NE(lines[0].find("nor in --policies"), std::string::npos) << lines[0];
}

TEST(Lint, PolicyFromTheLibraryIsFound) {
  LintOptions options;
  options.missing_policy = MissingPolicy::error;
  options.policy_library.push_back({"lib/error-rate.yaml", kPolicy});
  EXPECT_EQ(lint_texts({{"r.yaml", std::string(kRollout) + kAnalysisStep}}, options), Lines{});
}

TEST(Lint, ClusterScopePoliciesAreNotLookedUp) {
  const std::string text = std::string(kRollout) +
                           "      - analysis: {policies: [{name: global, clusterScope: true}]}\n";
  EXPECT_EQ(lint_one(text), Lines{});
}

TEST(Lint, RequiredPolicyArgumentMissing) {
  const std::string text =
      std::string(kRollout) + "      - analysis:\n          policies: [{name: error-rate}]\n";
  EXPECT_EQ(lint_texts({{"r.yaml", text}, {"p.yaml", kPolicy}}),
            Lines{"r.yaml:24:9: error: rollout web: spec.strategy.canary.steps[3].analysis.args: "
                  "policy error-rate requires argument \"service\" (fix: add {name: service, "
                  "value: ...})"});
}

TEST(Lint, UndeclaredArgumentIsAWarning) {
  const std::string text =
      std::string(kRollout) + kAnalysisStep +
      "      - analysis:\n          policies: [{name: error-rate}]\n"
      "          args: [{name: service, value: web}, {name: sevrice, value: x}]\n";
  EXPECT_EQ(lint_texts({{"r.yaml", text}, {"p.yaml", kPolicy}}),
            Lines{"r.yaml:29:11: warning: rollout web: spec.strategy.canary.steps[4].analysis."
                  "args[1]: no policy of this gate declares argument \"sevrice\" (fix: check its "
                  "spelling against the policies' spec.args)"});
}

TEST(Lint, PolicyMetricWithoutJudge) {
  const auto lines =
      lint_texts({{"p.yaml", replaced(kPolicy, "    threshold:\n", "    thresholds:\n")}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("p.yaml:10:5: error: SLOPolicy error-rate: spec.metrics[0]: "))
      << lines[0];
}

TEST(Lint, PolicyUndeclaredTemplateArgument) {
  const auto lines =
      lint_texts({{"p.yaml", replaced(kPolicy, "{{args.max}}", "{{args.maximum}}")}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("p.yaml:")) << lines[0];
  EXPECT_NE(lines[0].find("maximum"), std::string::npos) << lines[0];
}

TEST(Lint, PolicyBadProviderAddress) {
  const auto lines = lint_texts({{"p.yaml", replaced(kPolicy, "  metrics:\n",
                                                     "  provider:\n    prometheus: {address: "
                                                     "ftp://x}\n  metrics:\n")}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with(
      "p.yaml:10:18: error: SLOPolicy error-rate: spec.provider.prometheus.address: "))
      << lines[0];
}

TEST(Lint, PolicyDefinedTwice) {
  EXPECT_EQ(
      lint_texts({{"p.yaml", kPolicy}, {"q.yaml", kPolicy}}),
      Lines{"q.yaml:4:3: error: SLOPolicy error-rate: is defined twice (also at p.yaml:4:3)"});
}

TEST(Lint, BlueGreenWithoutActiveService) {
  const std::string text =
      "apiVersion: cutover.dev/v1alpha1\nkind: Rollout\nmetadata: {name: bg}\n"
      "spec:\n  selector: {matchLabels: {app: bg}}\n"
      "  template:\n    metadata: {labels: {app: bg}}\n"
      "    spec: {containers: [{name: bg, image: bg:1}]}\n"
      "  strategy:\n    blueGreen: {previewService: bg-preview}\n";
  EXPECT_EQ(lint_one(text),
            Lines{"r.yaml:10:5: error: rollout bg: spec.strategy.blueGreen.activeService: is "
                  "required (fix: name the Service that receives production traffic)"});
}

TEST(Lint, DocumentThatIsNotAMapping) {
  EXPECT_EQ(lint_one("- a\n- b\n"),
            Lines{"r.yaml:1:1: error: a document must be a mapping (a Kubernetes object)"});
}

TEST(Lint, ValidMigrationAndItsPolicyAreClean) {
  EXPECT_EQ(lint_texts({{"m.yaml", kMigration}, {"p.yaml", kPolicy}}), Lines{});
}

TEST(Lint, MigrationErrorNamesTheFieldAtItsPosition) {
  EXPECT_EQ(lint_texts({{"m.yaml", replaced(kMigration, "port: 8080", "port: http")},
                        {"p.yaml", kPolicy}}),
            Lines{"m.yaml:8:27: error: migration payments: spec.to.port: must be an integer"});
}

TEST(Lint, MigrationWithoutFromPointsAtSpec) {
  EXPECT_EQ(lint_one(replaced(kMigration, "  from: {service: monolith, port: 80}\n", "")),
            Lines{"r.yaml:5:1: error: migration payments: spec.from: is required (fix: e.g. from: "
                  "{service: web, port: 80})"});
}

TEST(Lint, MigrationStepForRolloutsOnlyNamesTheStep) {
  const auto lines =
      lint_one(replaced(kMigration, "- pause: {}", "- setCanaryScale: {replicas: 2}"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(
      lines[0].starts_with("r.yaml:17:5: error: migration payments: "
                           "spec.steps[3].setCanaryScale: is for Rollouts"))
      << lines[0];
}

TEST(Lint, MigrationDecreasingWeight) {
  EXPECT_EQ(lint_texts({{"m.yaml", replaced(kMigration, "- setWeight: 50", "- setWeight: 2")},
                        {"p.yaml", kPolicy}}),
            Lines{"m.yaml:18:5: error: migration payments: spec.steps[4].setWeight: 2 is less than "
                  "5 at steps[2]: a weight that decreases moves users back mid-release (fix: keep "
                  "setWeight steps non-decreasing; deploy abort is the way back)"});
}

TEST(Lint, MigrationGatePolicyIsLookedUp) {
  EXPECT_EQ(lint_one(kMigration),
            Lines{"r.yaml:14:19: warning: migration payments: spec.steps[1].analysis.policies[0]."
                  "name: SLOPolicy \"error-rate\" is not defined in the linted files (fix: lint it "
                  "together with the Migration, or pass --policies DIR)"});
  EXPECT_EQ(lint_texts({{"m.yaml", replaced(kMigration, "args: [{name: service, value: payments}]",
                                            "args: []")},
                        {"p.yaml", kPolicy}}),
            Lines{"m.yaml:15:7: error: migration payments: spec.steps[1].analysis.args: policy "
                  "error-rate requires argument \"service\" (fix: add {name: service, value: "
                  "...})"});
}

TEST(Lint, GithubAnnotationEscapes) {
  const LintFinding finding{"dir/a,b.yaml", 3, 7, Severity::error, "50% off\nnext"};
  EXPECT_EQ(github_annotation(finding),
            "::error file=dir/a%2Cb.yaml,line=3,col=7::50%25 off%0Anext");
  EXPECT_EQ(github_annotation({"a.yaml", 1, 1, Severity::warning, "w"}),
            "::warning file=a.yaml,line=1,col=1::w");
  EXPECT_EQ(github_annotation({"a.yaml", 1, 1, Severity::note, "n"}),
            "::notice file=a.yaml,line=1,col=1::n");
}

TEST(YamlMarks, LocatesKeysItemsAndFallsBackToTheParent) {
  const auto doc = YAML::Load("a:\n  b: [x, {c: 1}]\n  d: 2\n");
  EXPECT_EQ(locate(doc, "a.b[1].c"), (SourcePosition{2, 11}));
  EXPECT_EQ(locate(doc, "a.b[0]"), (SourcePosition{2, 7}));
  EXPECT_EQ(locate(doc, "a.d"), (SourcePosition{3, 3}));
  EXPECT_EQ(locate(doc, "a.missing.deeper"), (SourcePosition{1, 1}));
  EXPECT_EQ(locate(doc, "a.b[9]"), (SourcePosition{2, 3}));
  EXPECT_EQ(locate(doc, ""), (SourcePosition{1, 1}));
}

int run_deploy(std::vector<std::string> args) {
  args.insert(args.begin(), "deploy");
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  return deploy_main(static_cast<int>(argv.size()), argv.data());
}

TEST(LintCommand, ExitCodes) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("deploy-lint-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto good = (dir / "good.yaml").string();
  const auto bad = (dir / "bad.yaml").string();
  std::ofstream(good) << kRollout;
  std::ofstream(bad) << replaced(kRollout, "replicas: 2", "replicas: two");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_deploy({"lint", good}), kOk);
  EXPECT_EQ(run_deploy({"lint", good, bad}), kFailed);
  EXPECT_EQ(run_deploy({"lint", good, (dir / "missing.yaml").string()}), kUsage);
  EXPECT_EQ(run_deploy({"lint"}), kUsage);
  const std::string out = ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find(bad + ":6:3: error: rollout web: spec.replicas: must be an integer"),
            std::string::npos)
      << out;
  std::filesystem::remove_all(dir);
}

TEST(LintCommand, AcceptsAMigrationAndPrintsItsErrorsAtFileLineCol) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("deploy-lint-migration-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto good = (dir / "good.yaml").string();
  const auto bad = (dir / "bad.yaml").string();
  std::ofstream(good) << kMigration << "---\n" << kPolicy;
  std::ofstream(bad) << replaced(kMigration, "value: /payments", "value: payments");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_deploy({"lint", good}), kOk);
  EXPECT_EQ(run_deploy({"lint", bad}), kFailed);
  const std::string out = ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find(bad + ":10:30: error: migration payments: spec.matches[0].path.value: "
                           "\"payments\" does not start with / (fix: e.g. /payments)"),
            std::string::npos)
      << out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cutover::cli
