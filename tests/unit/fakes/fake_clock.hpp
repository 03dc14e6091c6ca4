#pragma once
// A clock that moves only when told to. `sleep_for` advances it, so code that waits runs
// instantly and its waits can be asserted on.

#include <chrono>
#include <vector>

#include "util/clock.hpp"

namespace cutover::testing {

class FakeClock final : public Clock {
 public:
  [[nodiscard]] SteadyTime steady_now() const override { return steady_; }
  [[nodiscard]] WallTime wall_now() const override { return wall_; }
  using Clock::sleep_for;  // the stoppable overload
  void sleep_for(std::chrono::nanoseconds duration) override {
    sleeps.push_back(duration);
    advance(duration);
  }
  void advance(std::chrono::nanoseconds duration) {
    steady_ += duration;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
  }
  void set_wall(WallTime time) { wall_ = time; }

  std::vector<std::chrono::nanoseconds> sleeps;

 private:
  SteadyTime steady_{};
  WallTime wall_{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22}};
};

}  // namespace cutover::testing
