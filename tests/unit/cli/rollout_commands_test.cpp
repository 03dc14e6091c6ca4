// The patches `deploy` sends (the contract with the planner) and the checks on user input that
// come before any request: image syntax, unknown containers, retry of a healthy Rollout, undo.
#include "rollout/rollout_commands.hpp"

#include <gtest/gtest.h>

#include "golden.hpp"
#include "rollout/plan.hpp"
#include "rollout/rollout_json.hpp"
#include "util/encoding.hpp"

namespace cutover::rollout {
namespace {

using testing::read_json;

TEST(RolloutCommands, StatusAndSpecPatchesFollowTheContract) {
  EXPECT_EQ(
      promote_status_patch(PromoteFull::no, "alice"),
      Json::parse(R"({"status":{"pauseConditions":[],"promotedBy":"alice via deploy promote"}})"));
  EXPECT_EQ(promote_status_patch(PromoteFull::yes, "bob"),
            Json::parse(R"({"status":{"promoteFull":true,"pauseConditions":[],
                                      "promotedBy":"bob via deploy promote --full"}})"));
  EXPECT_EQ(promote_status_patch(PromoteFull::no, "")["status"]["promotedBy"],
            "deploy via deploy promote");
  EXPECT_EQ(abort_status_patch("alice"),
            Json::parse(
                R"({"status":{"abort":true,"abortReason":"aborted by alice via deploy abort"}})"));
  EXPECT_EQ(abort_status_patch("")["status"]["abortReason"], "aborted by deploy via deploy abort");
  EXPECT_EQ(pause_spec_patch(Paused::yes), Json::parse(R"({"spec":{"paused":true}})"));
  EXPECT_EQ(pause_spec_patch(Paused::no), Json::parse(R"({"spec":{"paused":false}})"));
  EXPECT_EQ(pause_spec_patch(Paused::yes,
                             "alice")["metadata"]["annotations"]["cutover.dev/pause-changed-by"],
            "paused by alice via deploy pause");
  EXPECT_EQ(
      pause_spec_patch(Paused::no, "bob",
                       "the dashboard")["metadata"]["annotations"]["cutover.dev/pause-changed-by"],
      "resumed by bob via the dashboard");
  EXPECT_EQ(restart_spec_patch(*parse_rfc3339("2026-11-22T12:00:00Z")),
            Json::parse(R"({"spec":{"template":{"metadata":{"annotations":{
              "cutover.dev/restarted-at":"2026-11-22T12:00:00Z"}}}}})"));
}

TEST(RolloutCommands, RetryAnAbortedRolloutOrAnInconclusiveAnalysis) {
  auto aborted = parse_rollout(read_json("rollout_aborted.json"));
  ASSERT_TRUE(aborted);
  EXPECT_EQ(retry_status_patch(*aborted), Json::parse(R"({"status":{"abort":false}})"));
  auto paused = parse_rollout(read_json("rollout_paused.json"));
  ASSERT_TRUE(paused);
  const auto refused = retry_status_patch(*paused);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().object, "shop/web");
  EXPECT_EQ(refused.error().field, "status.abort");
  EXPECT_NE(refused.error().message.find("no analysis is paused as inconclusive: the rollout is "
                                         "Paused"),
            std::string::npos);
  EXPECT_NE(refused.error().fix.find("inconclusive analysis"), std::string::npos);
  auto inconclusive = *paused;
  inconclusive.status.pause_conditions.push_back({"AnalysisInconclusive", WallTime{}});
  EXPECT_EQ(retry_status_patch(inconclusive), Json::parse(R"({"status":{"retryAnalysis":true}})"));
}

TEST(RolloutCommands, ParsesImageAssignments) {
  EXPECT_EQ(parse_image_assignment("web=nginx"), (ImageAssignment{"web", "nginx"}));
  EXPECT_EQ(parse_image_assignment("web=registry.example.com:5000/shop/web:1.4.2"),
            (ImageAssignment{"web", "registry.example.com:5000/shop/web:1.4.2"}));
  EXPECT_TRUE(parse_image_assignment(
      "web=nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  EXPECT_TRUE(parse_image_assignment("side-car=localhost/x_y__z-w:v1.0_rc-1"));
}

struct BadAssignment {
  const char* text;
  const char* says;
};

class BadImageAssignment : public ::testing::TestWithParam<BadAssignment> {};

TEST_P(BadImageAssignment, IsRefusedWithAReason) {
  const auto result = parse_image_assignment(GetParam().text);
  ASSERT_FALSE(result) << GetParam().text;
  EXPECT_NE(result.error().find(GetParam().says), std::string::npos) << result.error();
}

INSTANTIATE_TEST_SUITE_P(
    RolloutCommands, BadImageAssignment,
    ::testing::Values(BadAssignment{"web=", "the image after '=' is missing"},
                      BadAssignment{"=nginx", "the container name before '=' is missing"},
                      BadAssignment{"web=UPPER CASE", "contains whitespace"},
                      BadAssignment{"web=Nginx:1", "must be lowercase"},
                      BadAssignment{"web", "is not CONTAINER=IMAGE"},
                      BadAssignment{"Web=nginx", "is not a DNS label"},
                      BadAssignment{"web=nginx:", "the tag after ':' is empty"},
                      BadAssignment{"web=nginx@sha256:xyz", "digest"},
                      BadAssignment{"web=/nginx", "the repository name is missing"},
                      BadAssignment{"web=nginx:1:2", "not a valid reference"}));

TEST(RolloutCommands, SetImagePatchTestsTheNameThenReplacesTheImage) {
  const Json object = read_json("rollout_paused.json");
  const auto patch =
      set_image_patch(object, {{"proxy", "envoyproxy/envoy:v1.32.0"}},
                      {{"cutover.dev/change-cause", "bump envoy"}, {"cutover.dev/git-sha", "abc"}});
  ASSERT_TRUE(patch) << patch.error().describe();
  EXPECT_EQ(*patch, Json::parse(R"([
    {"op":"test","path":"/spec/template/spec/containers/1/name","value":"proxy"},
    {"op":"replace","path":"/spec/template/spec/containers/1/image","value":"envoyproxy/envoy:v1.32.0"},
    {"op":"add","path":"/spec/template/metadata/annotations/cutover.dev~1change-cause","value":"bump envoy"},
    {"op":"add","path":"/spec/template/metadata/annotations/cutover.dev~1git-sha","value":"abc"}])"));
  Json applied = object.patch(*patch);
  EXPECT_EQ(applied["spec"]["template"]["spec"]["containers"][1]["image"],
            "envoyproxy/envoy:v1.32.0");
}

TEST(RolloutCommands, SetImageAddsTheAnnotationsObjectWhenThereIsNone) {
  const Json object = read_json("rollout_aborted.json");
  const auto patch = set_image_patch(object, {{"api", "ghcr.io/acme/api:2.0.1"}},
                                     {{"cutover.dev/change-cause", "c"}});
  ASSERT_TRUE(patch);
  const Json applied = object.patch(*patch);
  EXPECT_EQ(applied["spec"]["template"]["metadata"]["annotations"]["cutover.dev/change-cause"],
            "c");
  EXPECT_EQ(applied["spec"]["template"]["metadata"]["labels"]["app"], "api");
}

TEST(RolloutCommands, SetImageNamesTheUnknownContainerAndTheKnownOnes) {
  const auto patch = set_image_patch(read_json("rollout_paused.json"), {{"wbe", "nginx"}}, {});
  ASSERT_FALSE(patch);
  EXPECT_EQ(patch.error().object, "shop/web");
  EXPECT_EQ(patch.error().field, "spec.template.spec.containers");
  EXPECT_NE(patch.error().message.find("'wbe'"), std::string::npos);
  EXPECT_EQ(patch.error().fix, "use one of: web, proxy");
}

TEST(RolloutCommands, AnnotateTemplateKeepsOtherAnnotations) {
  Json object = read_json("rollout_paused.json");
  annotate_template(object, {{"cutover.dev/git-sha", "abc"}});
  const Json& annotations = object["spec"]["template"]["metadata"]["annotations"];
  EXPECT_EQ(annotations["cutover.dev/git-sha"], "abc");
  EXPECT_TRUE(annotations.contains("cutover.dev/change-cause"));
}

Json controller_revision(std::int64_t number, const Json& pod_template) {
  return {{"metadata", {{"name", "web-" + template_revision(pod_template)}}},
          {"revision", number},
          {"data", {{"template", pod_template}}}};
}

Json with_image(Json pod_template, const std::string& image) {
  pod_template["spec"]["containers"][0]["image"] = image;
  return pod_template;
}

TEST(RolloutCommands, UndoChoosesTheRevision) {
  auto r = parse_rollout(read_json("rollout_aborted.json"));
  ASSERT_TRUE(r);
  const Json v1 = with_image(r->spec.pod_template, "ghcr.io/acme/api:1.8.0");
  const Json v2 = with_image(r->spec.pod_template, "ghcr.io/acme/api:1.9.0");
  const Json v3 = r->spec.pod_template;
  const Json list = {{"items", Json::array({controller_revision(3, v3), controller_revision(1, v1),
                                            controller_revision(2, v2)})}};
  // Mid-release: the stable revision.
  r->status.stable_revision = template_revision(v2);
  EXPECT_EQ(choose_undo_template(*r, list, std::nullopt, std::nullopt), v2);
  // --to-revision N.
  EXPECT_EQ(choose_undo_template(*r, list, 1, std::nullopt), v1);
  const auto missing = choose_undo_template(*r, list, 9, std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "--to-revision");
  EXPECT_NE(missing.error().message.find("recorded: 1, 2, 3"), std::string::npos);
  // Healthy on v3: the one before it.
  r->status.stable_revision = template_revision(v3);
  EXPECT_EQ(choose_undo_template(*r, list, std::nullopt, std::nullopt), v2);
}

TEST(RolloutCommands, UndoFallsBackToTheStableSlotTemplate) {
  auto r = parse_rollout(read_json("rollout_aborted.json"));
  ASSERT_TRUE(r);
  const Json stable = with_image(r->spec.pod_template, "ghcr.io/acme/api:1.9.0");
  r->status.stable_revision = template_revision(stable);
  EXPECT_EQ(choose_undo_template(*r, Json::object(), std::nullopt, stable), stable);
  // As the API server serves it in the slot Deployment: defaults added.
  Json served = stable;
  served["spec"]["dnsPolicy"] = "ClusterFirst";
  served["spec"]["containers"][0]["terminationMessagePath"] = "/dev/termination-log";
  EXPECT_EQ(choose_undo_template(*r, Json::object(), std::nullopt, served), stable);
  const auto nothing = choose_undo_template(*r, Json::object(), std::nullopt, std::nullopt);
  ASSERT_FALSE(nothing);
  EXPECT_NE(nothing.error().fix.find("--to-revision"), std::string::npos);
}

TEST(RolloutCommands, UndoWithNoEarlierRevisionSaysSo) {
  auto r = parse_rollout(read_json("rollout_blue_green.json"));
  ASSERT_TRUE(r);
  r->status.stable_revision = template_revision(r->spec.pod_template);
  const Json list = {{"items", Json::array({controller_revision(1, r->spec.pod_template)})}};
  const auto result = choose_undo_template(*r, list, std::nullopt, std::nullopt);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no earlier revision"), std::string::npos);
}

}  // namespace
}  // namespace cutover::rollout
