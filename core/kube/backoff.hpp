#pragma once
// Exponential back-off with jitter, for watch reconnects and the work queue. Pure: the caller
// supplies the random draw, so a test can replay a sequence exactly.

#include <chrono>

namespace cutover::kube {

struct BackoffPolicy {
  std::chrono::milliseconds initial{200};
  std::chrono::milliseconds max{30'000};
  double factor = 2.0;
  double jitter = 0.5;  // the delay is scaled by a factor in [1 - jitter/2, 1 + jitter/2)

  /// The delay before retry number `attempt` (0 for the first retry).
  /// `random01` is a uniform draw in [0, 1).
  [[nodiscard]] std::chrono::milliseconds delay(int attempt, double random01) const;
};

/// Back-off state for one retrying loop: `next` grows, `reset` after a success.
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {}) : policy_(policy) {}
  std::chrono::milliseconds next(double random01) { return policy_.delay(attempt_++, random01); }
  void reset() { attempt_ = 0; }
  [[nodiscard]] int attempts() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  int attempt_ = 0;
};

}  // namespace cutover::kube
