#include "step_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <vector>

#include "util/duration.hpp"

namespace cutover::cli {

std::string step_text(const rollout::CanaryStep& step, StepOwner owner) {
  using Kind = rollout::CanaryStep::Kind;
  switch (step.kind) {
    case Kind::set_weight:
      return fmt::format("setWeight {}", step.weight);
    case Kind::pause:
      return step.pause_duration
                 ? "pause " + format_duration(std::chrono::milliseconds{*step.pause_duration})
                 : std::string("pause (until promoted)");
    case Kind::set_canary_scale:
      if (step.scale_replicas)
        return fmt::format("setCanaryScale replicas={}", *step.scale_replicas);
      if (step.scale_weight)
        return fmt::format("setCanaryScale weight={}", *step.scale_weight);
      return "setCanaryScale matchTrafficWeight";
    case Kind::set_header_route:
      return step.route.matches.empty() ? fmt::format("setHeaderRoute {} (remove)", step.route.name)
                                        : fmt::format("setHeaderRoute {}", step.route.name);
    case Kind::set_mirror_route:
      return (owner == StepOwner::migration ? step.route.mirror_percent == 0
                                            : step.route.matches.empty())
                 ? fmt::format("setMirrorRoute {} (remove)", step.route.name)
                 : fmt::format("setMirrorRoute {} {}%", step.route.name, step.route.mirror_percent);
    case Kind::analysis: {
      std::vector<std::string> names;
      for (const auto& policy : step.analysis.policies)
        names.push_back(policy.name);
      return names.empty() ? std::string("analysis")
                           : fmt::format("analysis {}", fmt::join(names, ", "));
    }
  }
  return "?";
}

}  // namespace cutover::cli
