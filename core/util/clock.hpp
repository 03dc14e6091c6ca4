#pragma once
// Injected time. Every piece of logic that waits or compares times takes a `Clock&`,
// so unit tests can replay decisions without sleeping.

#include <chrono>
#include <stop_token>

namespace cutover {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

/// A source of time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time, for rate limits, back-off and timeouts.
  [[nodiscard]] virtual SteadyTime steady_now() const = 0;
  /// Wall time, for credential expiry and timestamps written to the API.
  [[nodiscard]] virtual WallTime wall_now() const = 0;
  /// Blocks the calling thread for `duration` (a fake clock advances instead).
  virtual void sleep_for(std::chrono::nanoseconds duration) = 0;
  /// Like `sleep_for(duration)`, but wakes early when `stop` is requested. Returns false if
  /// stopped. The default sleeps unless already stopped (enough for a fake clock).
  virtual bool sleep_for(std::chrono::nanoseconds duration, std::stop_token stop) {
    if (stop.stop_requested())
      return false;
    sleep_for(duration);
    return !stop.stop_requested();
  }
};

/// The real clock.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] SteadyTime steady_now() const override;
  [[nodiscard]] WallTime wall_now() const override;
  void sleep_for(std::chrono::nanoseconds duration) override;
  bool sleep_for(std::chrono::nanoseconds duration, std::stop_token stop) override;
  /// A process-wide instance.
  static SystemClock& instance();
};

}  // namespace cutover
