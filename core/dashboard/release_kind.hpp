#pragma once
// The three kinds the dashboard shows, by the names its URLs use: /api/v1/rollouts,
// /api/v1/migrations, /api/v1/flagrollouts (the resources' plural names in cutover.dev).

#include <array>
#include <optional>
#include <string_view>

#include "rollout/rollout.hpp"

namespace cutover::dashboard {

inline constexpr const char* kGroup = "cutover.dev";
inline constexpr const char* kApiVersion = "cutover.dev/v1alpha1";

struct ReleaseKind {
  const char* resource;  // plural: rollouts, migrations, flagrollouts
  const char* api_kind;  // Rollout, Migration, FlagRollout
  /// The label its AnalysisRuns carry, whose value is its name.
  const char* owner_label;
  /// The kinds that have pods, hence pause and resume (spec.paused).
  bool pausable;
};

inline constexpr std::array<ReleaseKind, 3> kReleaseKinds = {{
    {"rollouts", rollout::kRolloutKind, rollout::kRolloutLabel, true},
    {"migrations", rollout::kMigrationKind, rollout::kMigrationLabel, false},
    {"flagrollouts", rollout::kFlagRolloutKind, rollout::kFlagRolloutLabel, false},
}};

/// The kind whose plural is `resource`.
inline std::optional<ReleaseKind> release_kind(std::string_view resource) {
  for (const auto& kind : kReleaseKinds)
    if (resource == kind.resource)
      return kind;
  return std::nullopt;
}

/// The kind whose API kind (an object's `kind`) is `api_kind`.
inline std::optional<ReleaseKind> release_kind_of(std::string_view api_kind) {
  for (const auto& kind : kReleaseKinds)
    if (api_kind == kind.api_kind)
      return kind;
  return std::nullopt;
}

}  // namespace cutover::dashboard
