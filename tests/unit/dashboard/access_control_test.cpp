// Authentication by TokenReview and authorization by SubjectAccessReview, their caches, and the
// fallback to the caller's own credentials when the dashboard may not send either review.
#include "dashboard/access_control.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dashboard/fake_reviewer.hpp"
#include "fakes/fake_clock.hpp"

namespace cutover::dashboard {
namespace {

using namespace std::chrono_literals;
using testing::FakeReviewer;

const UserInfo kAlice{.username = "alice",
                      .uid = "u-alice",
                      .groups = {"dev", "system:authenticated"},
                      .extra = {{"scopes", {"read"}}}};
const UserInfo kBob{.username = "bob", .groups = {"system:authenticated"}};

const ResourceAttributes kListRollouts{
    .verb = "list", .group = "cutover.dev", .resource = "rollouts", .namespace_name = "shop"};
const ResourceAttributes kPatchWeb{.verb = "patch",
                                   .group = "cutover.dev",
                                   .resource = "rollouts",
                                   .namespace_name = "shop",
                                   .name = "web"};

class AccessControlTest : public ::testing::Test {
 protected:
  AccessControlTest() {
    own->users = {{"alice-token", kAlice}, {"bob-token", kBob}};
    for (const auto& [token, user] : own->users) {
      auto client = std::make_shared<FakeReviewer>();
      client->self = user;
      clients[token] = client;
    }
    // A token the API server does not accept still gets a client; its reviews are refused.
    clients["bad-token"] = std::make_shared<FakeReviewer>();
  }

  /// The ClientFor of the tests: the prepared client of each token, counting the calls.
  AccessControl::ClientFor client_for() {
    return [this](const std::string& token) -> std::shared_ptr<kube::KubeClient> {
      asked_for.push_back(token);
      const auto found = clients.find(token);
      return found == clients.end() ? nullptr : found->second;
    };
  }

  Caller authenticated(std::string_view token) {
    auto caller = access.authenticate(token);
    if (!caller)
      ADD_FAILURE() << "not authenticated: " << token;
    return caller.value_or(Caller{});
  }

  cutover::testing::FakeClock clock;
  std::shared_ptr<FakeReviewer> own = std::make_shared<FakeReviewer>();
  std::map<std::string, std::shared_ptr<FakeReviewer>> clients;
  std::vector<std::string> asked_for;
  AccessControl access{own, client_for(), clock};
};

TEST_F(AccessControlTest, ValidTokenGivesItsUserAndAClientActingWithIt) {
  const auto caller = access.authenticate("alice-token");
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->user, kAlice);
  EXPECT_EQ(caller->client, clients["alice-token"]);
  EXPECT_EQ(asked_for, std::vector<std::string>{"alice-token"});
  EXPECT_EQ(own->calls("TokenReview"), 1);
  EXPECT_EQ(own->last_sent(), token_review("alice-token"));
  EXPECT_EQ(access.reviews_sent(), 1);
}

TEST_F(AccessControlTest, TokensAreToldApart) {
  EXPECT_EQ(authenticated("alice-token").user, kAlice);
  EXPECT_EQ(authenticated("bob-token").user, kBob);
  EXPECT_EQ(authenticated("bob-token").client, clients["bob-token"]);
}

TEST_F(AccessControlTest, BadTokenIsInvalid) {
  const auto caller = access.authenticate("bad-token");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::invalid);
  EXPECT_TRUE(asked_for.empty());  // no client is built for a refused token
}

TEST_F(AccessControlTest, EmptyTokenIsInvalidWithoutAnyCall) {
  const auto caller = access.authenticate("");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::invalid);
  EXPECT_EQ(own->total_calls(), 0);
  EXPECT_TRUE(asked_for.empty());
  EXPECT_EQ(access.reviews_sent(), 0);
}

TEST_F(AccessControlTest, ApiServerThatCannotBeAskedIsUnavailable) {
  own->token_review_error = kube::ErrorReason::transport;
  const auto caller = access.authenticate("alice-token");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::unavailable);
}

TEST_F(AccessControlTest, UnavailableIsNotCached) {
  own->token_review_error = kube::ErrorReason::service_unavailable;
  ASSERT_FALSE(access.authenticate("alice-token").has_value());
  own->token_review_error.reset();
  EXPECT_TRUE(access.authenticate("alice-token").has_value());
  EXPECT_EQ(own->calls("TokenReview"), 2);
}

TEST_F(AccessControlTest, TokenWithoutAClientIsUnavailable) {
  own->users["orphan-token"] = kBob;
  const auto caller = access.authenticate("orphan-token");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::unavailable);
}

TEST_F(AccessControlTest, CallerIsCachedFor30Seconds) {
  ASSERT_TRUE(access.authenticate("alice-token").has_value());
  clock.advance(29s);
  const auto again = access.authenticate("alice-token");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->user, kAlice);
  EXPECT_EQ(again->client, clients["alice-token"]);
  EXPECT_EQ(own->calls("TokenReview"), 1);
  EXPECT_EQ(asked_for.size(), 1U);  // the client is cached with the token
  EXPECT_EQ(access.reviews_sent(), 1);

  clock.advance(1s);
  ASSERT_TRUE(access.authenticate("alice-token").has_value());
  EXPECT_EQ(own->calls("TokenReview"), 2);
  EXPECT_EQ(access.reviews_sent(), 2);
}

TEST_F(AccessControlTest, RevokedTokenIsRefusedOnceItsCacheEnds) {
  ASSERT_TRUE(access.authenticate("alice-token").has_value());
  own->users.erase("alice-token");  // e.g. its ServiceAccount was deleted
  EXPECT_TRUE(access.authenticate("alice-token").has_value());
  clock.advance(30s);
  const auto caller = access.authenticate("alice-token");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::invalid);
}

TEST_F(AccessControlTest, RefusedTokenIsCachedFor5SecondsOnly) {
  ASSERT_FALSE(access.authenticate("bad-token").has_value());
  clock.advance(4s);
  const auto again = access.authenticate("bad-token");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), AuthFailure::invalid);
  EXPECT_EQ(own->calls("TokenReview"), 1);

  own->users["bad-token"] = kBob;  // now accepted
  clock.advance(1s);
  EXPECT_TRUE(access.authenticate("bad-token").has_value());
  EXPECT_EQ(own->calls("TokenReview"), 2);
}

TEST_F(AccessControlTest, ForbiddenTokenReviewFallsBackToSelfSubjectReview) {
  own->token_review_error = kube::ErrorReason::forbidden;
  const auto caller = access.authenticate("alice-token");
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->user, kAlice);
  EXPECT_EQ(caller->client, clients["alice-token"]);
  EXPECT_EQ(own->calls("TokenReview"), 1);
  EXPECT_EQ(clients["alice-token"]->calls("SelfSubjectReview"), 1);
  EXPECT_EQ(asked_for, std::vector<std::string>{"alice-token"});  // one client, built once
}

TEST_F(AccessControlTest, SelfSubjectReviewIsUsedFromThenOn) {
  own->token_review_error = kube::ErrorReason::forbidden;
  ASSERT_TRUE(access.authenticate("alice-token").has_value());
  const auto bob = access.authenticate("bob-token");
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(bob->user, kBob);
  EXPECT_EQ(own->calls("TokenReview"), 1);
  EXPECT_EQ(clients["bob-token"]->calls("SelfSubjectReview"), 1);
}

TEST_F(AccessControlTest, SelfSubjectReviewRefusesATokenTheApiServerDoesNotAccept) {
  own->token_review_error = kube::ErrorReason::forbidden;
  const auto caller = access.authenticate("bad-token");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::invalid);
  EXPECT_EQ(clients["bad-token"]->calls("SelfSubjectReview"), 1);
  // Cached as refused, for 5 s.
  EXPECT_FALSE(access.authenticate("bad-token").has_value());
  EXPECT_EQ(clients["bad-token"]->calls("SelfSubjectReview"), 1);
  clock.advance(5s);
  EXPECT_FALSE(access.authenticate("bad-token").has_value());
  EXPECT_EQ(clients["bad-token"]->calls("SelfSubjectReview"), 2);
}

TEST_F(AccessControlTest, SelfSubjectReviewThatCannotBeAskedIsUnavailable) {
  own->token_review_error = kube::ErrorReason::forbidden;
  clients["alice-token"]->self_review_error = kube::ErrorReason::transport;
  const auto caller = access.authenticate("alice-token");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::unavailable);
}

TEST_F(AccessControlTest, SelfSubjectReviewWithoutAClientIsUnavailable) {
  own->token_review_error = kube::ErrorReason::forbidden;
  const auto caller = access.authenticate("no-client-token");
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error(), AuthFailure::unavailable);
}

TEST_F(AccessControlTest, OwnCallerIsTheDashboardsIdentity) {
  own->self = kBob;
  const auto caller = access.own_caller();
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->user, kBob);
  EXPECT_EQ(caller->client, own);
  EXPECT_EQ(own->calls("SelfSubjectReview"), 1);
}

TEST_F(AccessControlTest, OwnCallerPassesOnTheApiError) {
  own->self_review_error = kube::ErrorReason::transport;
  const auto caller = access.own_caller();
  ASSERT_FALSE(caller.has_value());
  EXPECT_EQ(caller.error().reason, kube::ErrorReason::transport);
}

TEST_F(AccessControlTest, AllowedAsksSubjectAccessReviewForTheCallersUser) {
  std::vector<std::pair<UserInfo, Json>> asked;
  own->rule = [&](const UserInfo& user, const Json& attributes) {
    asked.emplace_back(user, attributes);
    return user.username == "alice" && attributes.value("verb", "") == "patch";
  };
  const Caller alice = authenticated("alice-token");
  EXPECT_TRUE(access.allowed(alice, kPatchWeb));
  ASSERT_EQ(asked.size(), 1U);
  EXPECT_EQ(asked[0].first, kAlice);  // username, uid, groups and extra
  EXPECT_EQ(asked[0].second,
            subject_access_review(kAlice, kPatchWeb)["spec"]["resourceAttributes"]);
  EXPECT_EQ(own->last_sent(), subject_access_review(kAlice, kPatchWeb));
  // Asked of the dashboard's own identity, not the caller's.
  EXPECT_EQ(clients["alice-token"]->total_calls(), 0);

  EXPECT_FALSE(access.allowed(alice, kListRollouts));
  EXPECT_FALSE(access.allowed(authenticated("bob-token"), kPatchWeb));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 3);
}

TEST_F(AccessControlTest, AllowedByGroup) {
  own->rule = [](const UserInfo& user, const Json&) {
    return std::ranges::find(user.groups, "dev") != user.groups.end();
  };
  EXPECT_TRUE(access.allowed(authenticated("alice-token"), kListRollouts));
  EXPECT_FALSE(access.allowed(authenticated("bob-token"), kListRollouts));
}

TEST_F(AccessControlTest, DecisionIsCachedFor10Seconds) {
  bool grant = true;
  own->rule = [&](const UserInfo&, const Json&) { return grant; };
  const Caller alice = authenticated("alice-token");
  const int sent = access.reviews_sent();
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  grant = false;
  clock.advance(9s);
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 1);
  EXPECT_EQ(access.reviews_sent(), sent + 1);
  clock.advance(1s);
  EXPECT_FALSE(access.allowed(alice, kListRollouts));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 2);
}

TEST_F(AccessControlTest, DecisionsAreCachedPerUserAndAttributes) {
  own->rule = [](const UserInfo& user, const Json&) { return user.username == "alice"; };
  const Caller alice = authenticated("alice-token");
  const Caller bob = authenticated("bob-token");
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  EXPECT_FALSE(access.allowed(bob, kListRollouts));
  EXPECT_TRUE(access.allowed(alice, kPatchWeb));
  ResourceAttributes other_namespace = kListRollouts;
  other_namespace.namespace_name = "billing";
  EXPECT_TRUE(access.allowed(alice, other_namespace));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 4);
  // The same again: all from the cache.
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  EXPECT_FALSE(access.allowed(bob, kListRollouts));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 4);
}

TEST_F(AccessControlTest, DecisionDependsOnTheGroups) {
  own->rule = [](const UserInfo& user, const Json&) {
    return std::ranges::find(user.groups, "dev") != user.groups.end();
  };
  Caller alice = authenticated("alice-token");
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  alice.user.groups = {"system:authenticated"};  // the same user, later out of the group
  EXPECT_FALSE(access.allowed(alice, kListRollouts));
}

// The cache key tells apart users whose fields would glue into the same text: a group "a,b"
// against groups "a" and "b", a username holding a newline against the fields it imitates.
TEST_F(AccessControlTest, DecisionKeysCannotBeForgedBySeparatorsInNames) {
  own->rule = [](const UserInfo& user, const Json&) { return user.groups.size() == 2; };
  Caller two_groups = authenticated("alice-token");
  two_groups.user = {.username = "carol", .groups = {"a", "b"}};
  Caller one_group = two_groups;
  one_group.user.groups = {"a,b"};
  EXPECT_TRUE(access.allowed(two_groups, kPatchWeb));
  EXPECT_FALSE(access.allowed(one_group, kPatchWeb));

  own->rule = [](const UserInfo& user, const Json&) { return user.username == "admin"; };
  Caller admin = two_groups;
  admin.user = {.username = "admin", .uid = "UID", .groups = {"G"}, .extra = {{"k", {"v"}}}};
  Caller imitator = two_groups;
  imitator.user = {.username = "admin\nUID", .uid = "G,", .groups = {"k=v"}};
  EXPECT_TRUE(access.allowed(admin, kPatchWeb));
  EXPECT_FALSE(access.allowed(imitator, kPatchWeb));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 4);
}

TEST_F(AccessControlTest, AccessReviewThatCannotBeSentMeansNoAndIsNotCached) {
  own->rule = [](const UserInfo&, const Json&) { return true; };
  own->access_review_error = kube::ErrorReason::transport;
  const Caller alice = authenticated("alice-token");
  EXPECT_FALSE(access.allowed(alice, kListRollouts));
  own->access_review_error.reset();
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 2);
}

TEST_F(AccessControlTest, ForbiddenSubjectAccessReviewFallsBackToSelfSubjectAccessReview) {
  own->access_review_error = kube::ErrorReason::forbidden;
  const auto rule = [](const UserInfo& user, const Json& attributes) {
    return user.username == "alice" && attributes.value("namespace", "") == "shop";
  };
  clients["alice-token"]->rule = rule;
  clients["bob-token"]->rule = rule;
  const Caller alice = authenticated("alice-token");
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 1);
  EXPECT_EQ(clients["alice-token"]->calls("SelfSubjectAccessReview"), 1);
  EXPECT_EQ(clients["alice-token"]->last_sent(), self_subject_access_review(kListRollouts));

  // From then on, every caller is asked about with its own client.
  const Caller bob = authenticated("bob-token");
  EXPECT_FALSE(access.allowed(bob, kListRollouts));
  EXPECT_EQ(own->calls("SubjectAccessReview"), 1);
  EXPECT_EQ(clients["bob-token"]->calls("SelfSubjectAccessReview"), 1);

  // And the answers are cached as well.
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
  EXPECT_EQ(clients["alice-token"]->calls("SelfSubjectAccessReview"), 1);
}

TEST_F(AccessControlTest, SelfSubjectAccessReviewThatFailsMeansNo) {
  own->access_review_error = kube::ErrorReason::forbidden;
  clients["alice-token"]->rule = [](const UserInfo&, const Json&) { return true; };
  clients["alice-token"]->self_access_review_error = kube::ErrorReason::transport;
  const Caller alice = authenticated("alice-token");
  EXPECT_FALSE(access.allowed(alice, kListRollouts));
  clients["alice-token"]->self_access_review_error.reset();
  EXPECT_TRUE(access.allowed(alice, kListRollouts));
}

TEST_F(AccessControlTest, BothFallbacksTogether) {
  own->token_review_error = kube::ErrorReason::forbidden;
  own->access_review_error = kube::ErrorReason::forbidden;
  clients["alice-token"]->rule = [](const UserInfo&, const Json&) { return true; };
  const Caller alice = authenticated("alice-token");
  EXPECT_EQ(alice.user, kAlice);
  EXPECT_TRUE(access.allowed(alice, kPatchWeb));
  EXPECT_EQ(clients["alice-token"]->calls("SelfSubjectReview"), 1);
  EXPECT_EQ(clients["alice-token"]->calls("SelfSubjectAccessReview"), 1);
}

}  // namespace
}  // namespace cutover::dashboard
