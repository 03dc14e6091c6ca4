#include "util/clock.hpp"

#include <thread>

namespace cutover {

SteadyTime SystemClock::steady_now() const {
  return std::chrono::steady_clock::now();
}

WallTime SystemClock::wall_now() const {
  return std::chrono::system_clock::now();
}

void SystemClock::sleep_for(std::chrono::nanoseconds duration) {
  std::this_thread::sleep_for(duration);
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace cutover
