// TokenReview, SelfSubjectReview and (Self)SubjectAccessReview bodies as the API server takes
// them, and the reading of its answers: whatever the answer's shape, an error or a value, never
// an exception.
#include "dashboard/user_info.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <expected>
#include <map>
#include <string>
#include <vector>

namespace cutover::dashboard {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Json parse(const char* text) {
  return Json::parse(text);
}

const Json kAlice = parse(R"({
  "apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
  "status": {"authenticated": true,
             "user": {"username": "alice", "uid": "u-1",
                      "groups": ["dev", "system:authenticated"],
                      "extra": {"scopes": ["read", "write"], "team": ["web"]}}}})");

TEST(UserInfoTest, TokenReviewCarriesTheTokenAndNoAudience) {
  const Json review = token_review("secret-token");
  EXPECT_EQ(review, parse(R"({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
                              "spec": {"token": "secret-token"}})"));
  EXPECT_FALSE(review["spec"].contains("audiences"));
}

TEST(UserInfoTest, ReviewedUserReadsAnAuthenticatedTokenReview) {
  const auto user = reviewed_user(kAlice);
  ASSERT_TRUE(user.has_value()) << user.error();
  EXPECT_EQ(user->username, "alice");
  EXPECT_EQ(user->uid, "u-1");
  EXPECT_THAT(user->groups, ElementsAre("dev", "system:authenticated"));
  EXPECT_EQ(user->extra, (std::map<std::string, std::vector<std::string>>{
                             {"scopes", {"read", "write"}}, {"team", {"web"}}}));
}

TEST(UserInfoTest, ReviewedUserWithOnlyAUsernameHasNoUidGroupsOrExtra) {
  const auto user =
      reviewed_user(parse(R"({"status": {"authenticated": true, "user": {"username": "bob"}}})"));
  ASSERT_TRUE(user.has_value()) << user.error();
  EXPECT_EQ(*user, UserInfo{.username = "bob"});
}

TEST(UserInfoTest, ReviewedUserReturnsTheApiServersErrorWhenNotAuthenticated) {
  const auto user =
      reviewed_user(parse(R"({"status": {"authenticated": false, "error": "token has expired"}})"));
  ASSERT_FALSE(user.has_value());
  EXPECT_EQ(user.error(), "token has expired");
}

TEST(UserInfoTest, ReviewedUserWithoutErrorTextStillRefuses) {
  const auto refused = reviewed_user(parse(R"({"status": {"authenticated": false}})"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_FALSE(refused.error().empty());
  // A user beside authenticated:false is not believed.
  const auto with_user = reviewed_user(
      parse(R"({"status": {"authenticated": false, "user": {"username": "alice"}}})"));
  EXPECT_FALSE(with_user.has_value());
}

TEST(UserInfoTest, ReviewedUserRefusesMalformedReviews) {
  for (const char* text : {
           R"({})",
           R"({"status": null})",
           R"({"status": "authenticated"})",
           R"({"status": [true]})",
           R"({"status": {}})",
           R"({"status": {"authenticated": "true", "user": {"username": "alice"}}})",
           R"({"status": {"authenticated": 1, "user": {"username": "alice"}}})",
           R"({"status": {"authenticated": true}})",
           R"({"status": {"authenticated": true, "user": "alice"}})",
           R"({"status": {"authenticated": true, "user": {"uid": "u-1"}}})",
           R"({"status": {"authenticated": true, "user": {"username": ""}}})",
           R"({"status": {"authenticated": true, "user": {"username": 7}}})",
           R"({"status": {"authenticated": true, "user": {"username": null}}})",
           R"({"status": {"authenticated": false, "error": 42}})",
           R"([{"status": {"authenticated": true, "user": {"username": "alice"}}}])",
           R"(42)",
           R"(null)",
           R"("alice")",
       }) {
    std::expected<UserInfo, std::string> user;
    EXPECT_NO_THROW(user = reviewed_user(parse(text))) << text;
    EXPECT_FALSE(user.has_value()) << text;
  }
}

TEST(UserInfoTest, ReviewedUserIgnoresFieldsOfTheWrongType) {
  const auto user = reviewed_user(parse(R"({"status": {"authenticated": true, "user": {
      "username": "alice", "uid": 5,
      "groups": ["dev", 3, null, {"name": "ops"}, "ops"],
      "extra": {"scopes": "read", "team": ["web", 1], "none": null}}}})"));
  ASSERT_TRUE(user.has_value()) << user.error();
  EXPECT_EQ(user->username, "alice");
  EXPECT_EQ(user->uid, "");
  EXPECT_THAT(user->groups, ElementsAre("dev", "ops"));
  EXPECT_FALSE(user->extra.contains("scopes"));
  EXPECT_FALSE(user->extra.contains("none"));
  EXPECT_THAT(user->extra.at("team"), ElementsAre("web"));
}

TEST(UserInfoTest, ReviewedUserIgnoresGroupsAndExtraThatAreNotContainers) {
  const auto user = reviewed_user(parse(R"({"status": {"authenticated": true, "user": {
      "username": "alice", "groups": "dev", "extra": ["scopes"]}}})"));
  ASSERT_TRUE(user.has_value()) << user.error();
  EXPECT_THAT(user->groups, IsEmpty());
  EXPECT_THAT(user->extra, IsEmpty());
}

TEST(UserInfoTest, SelfReviewedUserReadsUserInfo) {
  const auto user = self_reviewed_user(parse(R"({
      "apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
      "status": {"userInfo": {"username": "kubernetes-admin", "uid": "u-9",
                              "groups": ["kubeadm:cluster-admins", "system:authenticated"],
                              "extra": {"authentication.kubernetes.io/credential-id": ["X509"]}}}})"));
  ASSERT_TRUE(user.has_value()) << user.error();
  EXPECT_EQ(user->username, "kubernetes-admin");
  EXPECT_EQ(user->uid, "u-9");
  EXPECT_THAT(user->groups, ElementsAre("kubeadm:cluster-admins", "system:authenticated"));
  EXPECT_THAT(user->extra.at("authentication.kubernetes.io/credential-id"), ElementsAre("X509"));
}

TEST(UserInfoTest, SelfReviewedUserRefusesMalformedReviews) {
  for (const char* text : {
           R"({})",
           R"({"status": null})",
           R"({"status": "alice"})",
           R"({"status": {}})",
           R"({"status": {"userInfo": null}})",
           R"({"status": {"userInfo": "alice"}})",
           R"({"status": {"userInfo": {}}})",
           R"({"status": {"userInfo": {"username": ""}}})",
           R"({"status": {"userInfo": {"username": ["alice"]}}})",
           // A TokenReview's field name is not a SelfSubjectReview's.
           R"({"status": {"user": {"username": "alice"}}})",
           R"([{"status": {"userInfo": {"username": "alice"}}}])",
           R"(3.5)",
           R"(null)",
       }) {
    std::expected<UserInfo, std::string> user;
    EXPECT_NO_THROW(user = self_reviewed_user(parse(text))) << text;
    EXPECT_FALSE(user.has_value()) << text;
  }
}

TEST(UserInfoTest, SubjectAccessReviewCarriesTheWholeUserAndTheAttributes) {
  const UserInfo user{.username = "alice",
                      .uid = "u-1",
                      .groups = {"dev", "system:authenticated"},
                      .extra = {{"scopes", {"read"}}}};
  const Json review = subject_access_review(user, {.verb = "patch",
                                                   .group = "cutover.dev",
                                                   .resource = "rollouts",
                                                   .subresource = "status",
                                                   .namespace_name = "shop",
                                                   .name = "web"});
  EXPECT_EQ(review, parse(R"({
      "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
      "spec": {"user": "alice", "uid": "u-1", "groups": ["dev", "system:authenticated"],
               "extra": {"scopes": ["read"]},
               "resourceAttributes": {"verb": "patch", "group": "cutover.dev",
                                      "resource": "rollouts", "subresource": "status",
                                      "namespace": "shop", "name": "web"}}})"));
}

TEST(UserInfoTest, SubjectAccessReviewLeavesOutWhatIsEmpty) {
  const Json review =
      subject_access_review(UserInfo{.username = "bob"},
                            {.verb = "list", .group = "cutover.dev", .resource = "migrations"});
  EXPECT_EQ(review["spec"], parse(R"({"user": "bob",
      "resourceAttributes": {"verb": "list", "group": "cutover.dev", "resource": "migrations"}})"));
}

TEST(UserInfoTest, SelfSubjectAccessReviewCarriesOnlyTheAttributes) {
  const Json review = self_subject_access_review(
      {.verb = "get", .group = "", .resource = "pods", .namespace_name = "shop"});
  EXPECT_EQ(review, parse(R"({
      "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
      "spec": {"resourceAttributes": {"verb": "get", "group": "", "resource": "pods",
                                      "namespace": "shop"}}})"));
}

TEST(UserInfoTest, AccessAllowedOnlyWhenStatusAllowedIsTrue) {
  EXPECT_TRUE(access_allowed(parse(R"({"status": {"allowed": true}})")));
  EXPECT_TRUE(access_allowed(parse(R"({"status": {"allowed": true, "reason": "RBAC"}})")));
  EXPECT_FALSE(access_allowed(parse(R"({"status": {"allowed": false}})")));
  EXPECT_FALSE(access_allowed(parse(R"({"status": {"allowed": false, "denied": true}})")));
  EXPECT_FALSE(access_allowed(parse(R"({"status": {}})")));
  EXPECT_FALSE(access_allowed(parse(R"({})")));
}

TEST(UserInfoTest, AccessAllowedIsFalseForMalformedAnswers) {
  for (const char* text : {
           R"({"status": {"allowed": "true"}})",
           R"({"status": {"allowed": 1}})",
           R"({"status": {"allowed": null}})",
           R"({"status": {"allowed": [true]}})",
           R"({"status": true})",
           R"({"status": null})",
           R"({"allowed": true})",
           R"([{"status": {"allowed": true}}])",
           R"(true)",
           R"(null)",
       }) {
    bool allowed = true;
    EXPECT_NO_THROW(allowed = access_allowed(parse(text))) << text;
    EXPECT_FALSE(allowed) << text;
  }
}

}  // namespace
}  // namespace cutover::dashboard
