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

// The figures controller-runtime exports: depth, adds, retries, time queued and time worked.
struct RecordingObserver final : WorkQueueObserver {
  std::size_t last_depth = 0;
  int adds = 0;
  int retries = 0;
  std::vector<double> queued_for;
  std::vector<double> worked_for;
  void depth(std::size_t keys) override { last_depth = keys; }
  void added() override { ++adds; }
  void retried() override { ++retries; }
  void queued(std::chrono::duration<double> waited) override {
    queued_for.push_back(waited.count());
  }
  void worked(std::chrono::duration<double> took) override { worked_for.push_back(took.count()); }
};

TEST(WorkQueue, ReportsDepthAddsRetriesAndLatencies) {
  QueueHarness h;
  RecordingObserver observer;
  h.queue.set_observer(&observer);
  h.queue.add("ns/a");
  h.queue.add("ns/a");  // de-duplicated: not an add
  h.queue.add("ns/b");
  EXPECT_EQ(observer.adds, 2);
  EXPECT_EQ(observer.last_depth, 2U);
  h.clock.advance(250ms);
  ASSERT_EQ(h.queue.try_get(), "ns/a");
  EXPECT_EQ(observer.last_depth, 1U);
  h.clock.advance(40ms);
  h.queue.add_rate_limited("ns/a");  // it failed: back in 100 ms
  h.queue.done("ns/a");
  EXPECT_EQ(observer.retries, 1);
  EXPECT_EQ(observer.last_depth, 2U) << "one ready, one delayed";
  ASSERT_EQ(observer.queued_for.size(), 1U);
  EXPECT_DOUBLE_EQ(observer.queued_for[0], 0.25);
  ASSERT_EQ(observer.worked_for.size(), 1U);
  EXPECT_DOUBLE_EQ(observer.worked_for[0], 0.04);
}

TEST(WorkQueue, ManyDelayedKeysComeOutInTimeOrder) {
  QueueHarness h;
  for (int i = 0; i < 100; ++i)
    h.queue.add_after("ns/k" + std::to_string(i), std::chrono::milliseconds{1000 - i * 10});
  h.queue.add_after("ns/k5", 5ms);  // a shorter delay for a key already waiting wins
  h.clock.advance(5ms);
  EXPECT_EQ(h.queue.try_get(), "ns/k5");
  h.clock.advance(1000ms);
  std::vector<std::string> order;
  while (auto key = h.queue.try_get())
    order.push_back(*key);
  ASSERT_EQ(order.size(), 99U);
  EXPECT_EQ(order.front(), "ns/k99");
  EXPECT_EQ(order.back(), "ns/k0");
}

}  // namespace
}  // namespace cutover::kube
