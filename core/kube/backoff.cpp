#include "kube/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace cutover::kube {

std::chrono::milliseconds BackoffPolicy::delay(int attempt, double random01) const {
  const double base = static_cast<double>(initial.count()) *
                      std::pow(factor, static_cast<double>(std::max(0, attempt)));
  const double capped = std::min(base, static_cast<double>(max.count()));
  const double clamped_random = std::clamp(random01, 0.0, 1.0);
  const double scaled = capped * (1.0 - jitter / 2.0 + jitter * clamped_random);
  return std::chrono::milliseconds{static_cast<long long>(std::min(scaled, capped * 2.0))};
}

}  // namespace cutover::kube
