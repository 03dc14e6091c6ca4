#include "kube/rate_limiter.hpp"

#include <algorithm>

namespace cutover::kube {

RateLimiter::RateLimiter(double qps, int burst, Clock& clock)
    : qps_(qps),
      burst_(std::max(1, burst)),
      clock_(clock),
      tokens_(burst_),
      last_(clock.steady_now()) {}

std::chrono::nanoseconds RateLimiter::reserve() {
  if (qps_ <= 0) {
    return std::chrono::nanoseconds{0};
  }
  std::lock_guard lock(mutex_);
  const auto now = clock_.steady_now();
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
  tokens_ -= 1.0;  // may go negative: that debt is the wait of this caller
  if (tokens_ >= 0) {
    return std::chrono::nanoseconds{0};
  }
  return std::chrono::nanoseconds{static_cast<long long>(-tokens_ / qps_ * 1e9)};
}

void RateLimiter::wait() {
  const auto delay = reserve();
  if (delay.count() > 0) {
    clock_.sleep_for(delay);
  }
}

}  // namespace cutover::kube
