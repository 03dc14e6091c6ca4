#include "kube/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"

namespace cutover::kube {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, BurstIsFreeThenPacedAtQps) {
  testing::FakeClock clock;
  RateLimiter limiter(10, 3, clock);  // 10 qps: one token per 100 ms
  EXPECT_EQ(limiter.reserve(), 0ns);
  EXPECT_EQ(limiter.reserve(), 0ns);
  EXPECT_EQ(limiter.reserve(), 0ns);
  EXPECT_EQ(limiter.reserve(), 100ms);
  EXPECT_EQ(limiter.reserve(), 200ms);  // callers queue fairly behind each other
}

TEST(RateLimiter, RefillsOverTimeUpToBurst) {
  testing::FakeClock clock;
  RateLimiter limiter(10, 2, clock);
  limiter.reserve();
  limiter.reserve();
  clock.advance(10s);  // far more than needed: the bucket holds only `burst`
  EXPECT_EQ(limiter.reserve(), 0ns);
  EXPECT_EQ(limiter.reserve(), 0ns);
  EXPECT_EQ(limiter.reserve(), 100ms);
}

TEST(RateLimiter, WaitSleepsOnTheClock) {
  testing::FakeClock clock;
  RateLimiter limiter(5, 1, clock);
  limiter.wait();
  limiter.wait();
  limiter.wait();
  ASSERT_EQ(clock.sleeps.size(), 2U);
  EXPECT_EQ(clock.sleeps[0], 200ms);
  // The first sleep advanced the clock, paying that debt; the next waits one interval.
  EXPECT_EQ(clock.sleeps[1], 200ms);
}

TEST(RateLimiter, ZeroQpsDisablesLimiting) {
  testing::FakeClock clock;
  RateLimiter limiter(0, 1, clock);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(limiter.reserve(), 0ns);
  }
}

}  // namespace
}  // namespace cutover::kube
