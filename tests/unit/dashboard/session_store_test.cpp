// Browser sessions and one-time login links, on a clock that moves only when told to.
#include "dashboard/session_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fakes/fake_clock.hpp"

namespace cutover::dashboard {
namespace {

using namespace std::chrono_literals;

class SessionStoreTest : public ::testing::Test {
 protected:
  cutover::testing::FakeClock clock;
  SessionStore store{clock};
};

TEST_F(SessionStoreTest, LoginLinkOpensASessionForTheKubeconfigsOwnUser) {
  const std::string link = store.add_login_link();
  EXPECT_EQ(link.size(), 43U);
  const auto session = store.redeem_login_link(link);
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->token, "");
  EXPECT_FALSE(session->id.empty());
  EXPECT_FALSE(session->csrf.empty());
  EXPECT_EQ(session->expires, clock.steady_now() + SessionStore::kSessionLifetime);
  EXPECT_TRUE(store.find(session->id).has_value());
}

TEST_F(SessionStoreTest, LoginLinkIsRedeemedOnce) {
  const std::string link = store.add_login_link();
  ASSERT_TRUE(store.redeem_login_link(link).has_value());
  EXPECT_FALSE(store.redeem_login_link(link).has_value());
}

TEST_F(SessionStoreTest, LoginLinksAreIndependent) {
  const std::string first = store.add_login_link();
  const std::string second = store.add_login_link();
  EXPECT_NE(first, second);
  ASSERT_TRUE(store.redeem_login_link(second).has_value());
  EXPECT_TRUE(store.redeem_login_link(first).has_value());
}

TEST_F(SessionStoreTest, UnknownLoginLinkFails) {
  store.add_login_link();
  EXPECT_FALSE(store.redeem_login_link("not-a-link").has_value());
  EXPECT_FALSE(store.redeem_login_link("").has_value());
}

TEST_F(SessionStoreTest, ExpiredLoginLinkFails) {
  const std::string link = store.add_login_link();
  clock.advance(SessionStore::kLinkLifetime + 1s);
  EXPECT_FALSE(store.redeem_login_link(link).has_value());
}

TEST_F(SessionStoreTest, LoginLinkWorksUntilItsLifetimeEnds) {
  const std::string link = store.add_login_link();
  clock.advance(SessionStore::kLinkLifetime - 1s);
  EXPECT_TRUE(store.redeem_login_link(link).has_value());
}

TEST_F(SessionStoreTest, LoginLinkExpiresExactlyAtItsLifetime) {
  const std::string link = store.add_login_link();
  clock.advance(SessionStore::kLinkLifetime);
  EXPECT_FALSE(store.redeem_login_link(link).has_value());
}

TEST_F(SessionStoreTest, OpenGivesDistinctIdAndCsrf) {
  const Session first = store.open("token-a");
  const Session second = store.open("token-a");
  EXPECT_EQ(first.id.size(), 43U);
  EXPECT_EQ(first.csrf.size(), 43U);
  EXPECT_NE(first.id, first.csrf);
  EXPECT_NE(first.id, second.id);
  EXPECT_NE(first.csrf, second.csrf);
}

TEST_F(SessionStoreTest, FindReturnsTheOpenedSession) {
  const Session opened = store.open("token-a");
  const auto found = store.find(opened.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, opened.id);
  EXPECT_EQ(found->csrf, opened.csrf);
  EXPECT_EQ(found->token, "token-a");
  EXPECT_EQ(found->expires, opened.expires);
}

TEST_F(SessionStoreTest, SessionKeepsTheTokenItWasOpenedWith) {
  const Session alice = store.open("alice-token");
  const Session own = store.open("");
  EXPECT_EQ(alice.token, "alice-token");
  EXPECT_EQ(store.find(alice.id)->token, "alice-token");
  EXPECT_EQ(store.find(own.id)->token, "");
}

TEST_F(SessionStoreTest, FindKnowsNoOtherId) {
  const Session opened = store.open("token-a");
  EXPECT_FALSE(store.find("").has_value());
  EXPECT_FALSE(store.find("unknown").has_value());
  // The CSRF token is not a session id.
  EXPECT_FALSE(store.find(opened.csrf).has_value());
}

TEST_F(SessionStoreTest, CloseEndsTheSession) {
  const Session opened = store.open("token-a");
  const Session other = store.open("token-b");
  store.close(opened.id);
  EXPECT_FALSE(store.find(opened.id).has_value());
  EXPECT_TRUE(store.find(other.id).has_value());
  store.close("unknown");  // harmless
  EXPECT_TRUE(store.find(other.id).has_value());
}

TEST_F(SessionStoreTest, SessionEndsAfterItsLifetime) {
  const Session opened = store.open("token-a");
  clock.advance(SessionStore::kSessionLifetime - 1s);
  EXPECT_TRUE(store.find(opened.id).has_value());
  clock.advance(1s);
  EXPECT_FALSE(store.find(opened.id).has_value());
  clock.advance(-1s);  // gone for good, not merely hidden
  EXPECT_FALSE(store.find(opened.id).has_value());
}

TEST_F(SessionStoreTest, SessionFromALoginLinkEndsAfterItsLifetime) {
  const auto session = store.redeem_login_link(store.add_login_link());
  ASSERT_TRUE(session.has_value());
  clock.advance(SessionStore::kSessionLifetime + 1s);
  EXPECT_FALSE(store.find(session->id).has_value());
}

}  // namespace
}  // namespace cutover::dashboard
