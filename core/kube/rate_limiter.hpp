#pragma once
// Client-side QPS/burst limit, a token bucket like client-go's `flowcontrol`. Protects the API
// server from a hot loop in the operator. Thread-safe.

#include <chrono>
#include <mutex>

#include "util/clock.hpp"

namespace cutover::kube {

class RateLimiter {
 public:
  /// `qps` tokens per second refill a bucket of `burst` tokens, which starts full.
  /// `qps <= 0` disables limiting.
  RateLimiter(double qps, int burst, Clock& clock);

  /// Takes one token and returns how long the caller must wait before sending (zero if a token
  /// was available). Reserving ahead keeps the order of callers fair.
  std::chrono::nanoseconds reserve();

  /// Takes a token and sleeps on the clock for as long as `reserve` says.
  void wait();

 private:
  double qps_;
  double burst_;
  Clock& clock_;
  std::mutex mutex_;
  double tokens_;
  SteadyTime last_;
};

}  // namespace cutover::kube
