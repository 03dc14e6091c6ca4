#include "kube/backoff.hpp"

#include <gtest/gtest.h>

namespace cutover::kube {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsExponentiallyWithoutJitterAtMidpoint) {
  BackoffPolicy policy{milliseconds{100}, milliseconds{10'000}, 2.0, 0.5};
  // A draw of 0.5 is the midpoint of the jitter band: exactly the base delay.
  EXPECT_EQ(policy.delay(0, 0.5), milliseconds{100});
  EXPECT_EQ(policy.delay(1, 0.5), milliseconds{200});
  EXPECT_EQ(policy.delay(4, 0.5), milliseconds{1600});
}

TEST(Backoff, CapsAtMax) {
  BackoffPolicy policy{milliseconds{100}, milliseconds{1'000}, 2.0, 0.0};
  EXPECT_EQ(policy.delay(10, 0.9), milliseconds{1'000});
  EXPECT_EQ(policy.delay(1000, 0.1), milliseconds{1'000});  // no overflow
}

TEST(Backoff, JitterStaysInBand) {
  BackoffPolicy policy{milliseconds{1000}, milliseconds{60'000}, 2.0, 0.5};
  EXPECT_EQ(policy.delay(0, 0.0), milliseconds{750});
  EXPECT_EQ(policy.delay(0, 0.999), milliseconds{1249});
  EXPECT_EQ(policy.delay(0, 7.0), milliseconds{1250});  // out-of-range draws are clamped
  EXPECT_EQ(policy.delay(0, -1.0), milliseconds{750});
}

TEST(Backoff, ResetStartsOver) {
  Backoff backoff(BackoffPolicy{milliseconds{10}, milliseconds{1000}, 2.0, 0.0});
  EXPECT_EQ(backoff.next(0.5), milliseconds{10});
  EXPECT_EQ(backoff.next(0.5), milliseconds{20});
  EXPECT_EQ(backoff.attempts(), 2);
  backoff.reset();
  EXPECT_EQ(backoff.next(0.5), milliseconds{10});
}

}  // namespace
}  // namespace cutover::kube
