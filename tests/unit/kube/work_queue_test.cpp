#include "kube/work_queue.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"

namespace cutover::kube {
namespace {

using namespace std::chrono_literals;

struct QueueHarness {
  testing::FakeClock clock;
  WorkQueue queue{clock, BackoffPolicy{100ms, 1000ms, 2.0, 0.0}, [] { return 0.5; }};
};

TEST(WorkQueue, DeduplicatesQueuedKeys) {
  QueueHarness h;
  h.queue.add("ns/a");
  h.queue.add("ns/a");
  h.queue.add("ns/b");
  EXPECT_EQ(h.queue.try_get(), "ns/a");
  EXPECT_EQ(h.queue.try_get(), "ns/b");
  EXPECT_EQ(h.queue.try_get(), std::nullopt);
}

TEST(WorkQueue, AKeyIsNeverHandedOutTwiceAtOnce) {
  QueueHarness h;
  h.queue.add("ns/a");
  ASSERT_EQ(h.queue.try_get(), "ns/a");
  h.queue.add("ns/a");  // changed while a worker holds it
  EXPECT_EQ(h.queue.try_get(), std::nullopt);
  h.queue.done("ns/a");
  EXPECT_EQ(h.queue.try_get(), "ns/a") << "re-queued after done, so the change is not lost";
  h.queue.done("ns/a");
  EXPECT_EQ(h.queue.try_get(), std::nullopt);
}

TEST(WorkQueue, AddAfterWaitsForTheDelay) {
  QueueHarness h;
  h.queue.add_after("ns/a", 5s);
  EXPECT_EQ(h.queue.try_get(), std::nullopt);
  h.clock.advance(4s);
  EXPECT_EQ(h.queue.try_get(), std::nullopt);
  h.clock.advance(1s);
  EXPECT_EQ(h.queue.try_get(), "ns/a");
}

TEST(WorkQueue, ShorterDelayWins) {
  QueueHarness h;
  h.queue.add_after("ns/a", 10s);
  h.queue.add_after("ns/a", 1s);
  h.clock.advance(1s);
  EXPECT_EQ(h.queue.try_get(), "ns/a");
}

TEST(WorkQueue, RateLimitedBacksOffPerKeyUntilForgotten) {
  QueueHarness h;
  h.queue.add_rate_limited("ns/a");  // 100 ms
  h.clock.advance(100ms);
  ASSERT_EQ(h.queue.try_get(), "ns/a");
  h.queue.done("ns/a");
  h.queue.add_rate_limited("ns/a");  // 200 ms
  h.clock.advance(150ms);
  EXPECT_EQ(h.queue.try_get(), std::nullopt);
  h.clock.advance(50ms);
  ASSERT_EQ(h.queue.try_get(), "ns/a");
  h.queue.done("ns/a");
  EXPECT_EQ(h.queue.failures("ns/a"), 2);
  h.queue.forget("ns/a");
  EXPECT_EQ(h.queue.failures("ns/a"), 0);
}

TEST(WorkQueue, GetReturnsNulloptAfterShutDown) {
  QueueHarness h;
  h.queue.shut_down();
  std::stop_source stop;
  EXPECT_EQ(h.queue.get(stop.get_token()), std::nullopt);
  h.queue.add("ns/a");
  EXPECT_EQ(h.queue.depth(), 0U);
}

}  // namespace
}  // namespace cutover::kube
