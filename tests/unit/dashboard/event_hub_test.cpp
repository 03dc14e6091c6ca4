// The dashboard's live updates: the SSE frames, the snapshot a stream starts with, changes sent
// only to the streams whose user may list them, and the streams' ends.
#include "dashboard/event_hub.hpp"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dashboard/fake_reviewer.hpp"
#include "fakes/fake_clock.hpp"

namespace cutover::dashboard {
namespace {

using testing::FakeReviewer;

constexpr std::string_view kRetry = "retry: 2000\n\n";
constexpr std::string_view kPing = ": ping\n\n";

/// Everything queued on `stream` (read only while something is queued: an empty read would
/// suspend the stream's connection).
std::string drain(net::EventStream& stream) {
  std::string out;
  std::array<char, 256> buffer{};
  while (stream.backlog() > 0) {
    const long n = stream.read(buffer.data(), buffer.size());
    if (n <= 0)
      break;
    out.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return out;
}

const Json kWeb = {{"name", "web"}, {"namespace", "shop"}, {"phase", "Progressing"}};

class EventHubTest : public ::testing::Test {
 protected:
  EventHubTest() {
    // Alice may list rollouts in shop, Bob migrations anywhere; nobody else anything.
    own->rule = [this](const UserInfo& user, const Json& attributes) {
      asked.push_back(attributes);
      if (attributes.value("verb", "") != "list" || attributes.value("group", "") != "cutover.dev")
        return false;
      if (user.username == "alice")
        return attributes.value("resource", "") == "rollouts" &&
               attributes.value("namespace", "") == "shop";
      if (user.username == "bob")
        return attributes.value("resource", "") == "migrations";
      return false;
    };
  }

  std::shared_ptr<net::EventStream> subscribe(const char* username) {
    return hub.subscribe(Caller{UserInfo{.username = username}, own}, [] {
      return Json{{"items", Json::array({kWeb})}};
    });
  }

  cutover::testing::FakeClock clock;
  std::shared_ptr<FakeReviewer> own = std::make_shared<FakeReviewer>();
  std::vector<Json> asked;
  AccessControl access{own, [](const std::string&) { return nullptr; }, clock};
  EventHub hub{access};
};

const ReleaseKind& rollouts() {
  return kReleaseKinds[0];
}

const ReleaseKind& migrations() {
  return kReleaseKinds[1];
}

TEST_F(EventHubTest, SseFrameIsOneEventWithOneDataLine) {
  EXPECT_EQ(sse_frame("change", {{"type", "ADDED"}}),
            "event: change\ndata: {\"type\":\"ADDED\"}\n\n");
  EXPECT_EQ(sse_frame("snapshot", {{"items", Json::array()}}),
            "event: snapshot\ndata: {\"items\":[]}\n\n");
  // A newline in a value is escaped: it cannot end the data line or the event.
  EXPECT_EQ(sse_frame("change", {{"note", "a\nb\n\ndata: x"}}),
            "event: change\ndata: {\"note\":\"a\\nb\\n\\ndata: x\"}\n\n");
}

TEST_F(EventHubTest, SubscribeStartsWithRetryThenTheSnapshot) {
  const auto stream = subscribe("alice");
  ASSERT_NE(stream, nullptr);
  EXPECT_TRUE(stream->open());
  EXPECT_EQ(hub.subscribers(), 1U);
  EXPECT_EQ(drain(*stream),
            std::string(kRetry) + sse_frame("snapshot", {{"items", Json::array({kWeb})}}));
}

TEST_F(EventHubTest, SubscribeBuildsTheSnapshotForEachStream) {
  int snapshots = 0;
  const auto snapshot = [&] { return Json{{"items", Json::array({++snapshots})}}; };
  const auto first = hub.subscribe(Caller{UserInfo{.username = "alice"}, own}, snapshot);
  const auto second = hub.subscribe(Caller{UserInfo{.username = "bob"}, own}, snapshot);
  EXPECT_EQ(snapshots, 2);
  EXPECT_EQ(drain(*first), std::string(kRetry) + sse_frame("snapshot", {{"items", {1}}}));
  EXPECT_EQ(drain(*second), std::string(kRetry) + sse_frame("snapshot", {{"items", {2}}}));
  EXPECT_EQ(hub.subscribers(), 2U);
}

TEST_F(EventHubTest, PublishReachesOnlyTheStreamsAllowedToListTheKind) {
  const auto alice = subscribe("alice");
  const auto bob = subscribe("bob");
  const auto carol = subscribe("carol");
  drain(*alice);
  drain(*bob);
  drain(*carol);

  hub.publish(rollouts(), "shop", "MODIFIED", kWeb);
  EXPECT_EQ(drain(*alice), sse_frame("change", {{"type", "MODIFIED"}, {"object", kWeb}}));
  EXPECT_EQ(bob->backlog(), 0U);
  EXPECT_EQ(carol->backlog(), 0U);
  // Refused streams stay open: they may see the next change.
  EXPECT_EQ(hub.subscribers(), 3U);

  const Json migration = {{"name", "schema"}, {"namespace", "billing"}};
  hub.publish(migrations(), "billing", "ADDED", migration);
  EXPECT_EQ(alice->backlog(), 0U);
  EXPECT_EQ(drain(*bob), sse_frame("change", {{"type", "ADDED"}, {"object", migration}}));
  EXPECT_EQ(carol->backlog(), 0U);
}

TEST_F(EventHubTest, PublishAsksAboutListingTheKindInTheNamespace) {
  subscribe("alice");
  hub.publish(rollouts(), "billing", "DELETED", kWeb);
  ASSERT_EQ(asked.size(), 1U);
  EXPECT_EQ(asked[0], (Json{{"verb", "list"},
                            {"group", "cutover.dev"},
                            {"resource", "rollouts"},
                            {"namespace", "billing"}}));
}

TEST_F(EventHubTest, PublishDecisionsAreCached) {
  const auto alice = subscribe("alice");
  drain(*alice);
  hub.publish(rollouts(), "shop", "ADDED", kWeb);
  hub.publish(rollouts(), "shop", "MODIFIED", kWeb);
  EXPECT_EQ(own->calls("SubjectAccessReview"), 1);
  EXPECT_EQ(drain(*alice), sse_frame("change", {{"type", "ADDED"}, {"object", kWeb}}) +
                               sse_frame("change", {{"type", "MODIFIED"}, {"object", kWeb}}));
}

TEST_F(EventHubTest, PublishWithoutAnAnswerFromTheApiServerSendsNothing) {
  own->access_review_error = kube::ErrorReason::transport;
  const auto alice = subscribe("alice");
  drain(*alice);
  hub.publish(rollouts(), "shop", "ADDED", kWeb);
  EXPECT_EQ(alice->backlog(), 0U);
  EXPECT_EQ(hub.subscribers(), 1U);
}

TEST_F(EventHubTest, PublishForgetsStreamsWhoseClientLeft) {
  const auto alice = subscribe("alice");
  const auto bob = subscribe("bob");
  alice->detach();  // the listener saw the connection close
  hub.publish(migrations(), "billing", "ADDED", kWeb);
  EXPECT_EQ(hub.subscribers(), 1U);
  EXPECT_TRUE(bob->open());
  // The stream that left is not even asked about.
  EXPECT_EQ(asked.size(), 1U);
}

TEST_F(EventHubTest, HeartbeatPingsEveryStream) {
  const auto alice = subscribe("alice");
  const auto carol = subscribe("carol");
  drain(*alice);
  drain(*carol);
  hub.heartbeat();
  EXPECT_EQ(drain(*alice), kPing);
  EXPECT_EQ(drain(*carol), kPing);  // pings need no permission
  EXPECT_EQ(hub.subscribers(), 2U);
  EXPECT_EQ(own->total_calls(), 0);
}

TEST_F(EventHubTest, HeartbeatForgetsClosedStreams) {
  const auto alice = subscribe("alice");
  const auto bob = subscribe("bob");
  const auto carol = subscribe("carol");
  alice->detach();
  carol->close();
  hub.heartbeat();
  EXPECT_EQ(hub.subscribers(), 1U);
  drain(*bob);
  hub.heartbeat();
  EXPECT_EQ(drain(*bob), kPing);
}

TEST_F(EventHubTest, CloseAllEndsEveryStream) {
  const auto alice = subscribe("alice");
  const auto bob = subscribe("bob");
  hub.close_all();
  EXPECT_EQ(hub.subscribers(), 0U);
  EXPECT_FALSE(alice->open());
  EXPECT_FALSE(bob->open());
  // What was queued is still sent, then nothing more.
  EXPECT_GT(alice->backlog(), 0U);
  EXPECT_FALSE(alice->push(kPing));
  hub.publish(rollouts(), "shop", "ADDED", kWeb);
  hub.heartbeat();
  EXPECT_EQ(own->total_calls(), 0);
}

TEST_F(EventHubTest, NewStreamsAfterCloseAllWork) {
  subscribe("alice");
  hub.close_all();
  const auto again = subscribe("alice");
  EXPECT_EQ(hub.subscribers(), 1U);
  EXPECT_TRUE(again->open());
}

}  // namespace
}  // namespace cutover::dashboard
