#pragma once
// The kinds the release commands read: a Rollout (`deploy ...`), a FlagRollout (`deploy
// flag-rollouts ...`) and a Migration (`deploy migrations ...`). All three parse to
// rollout::Rollout (Rollout::kind tells them apart); this says how requests and messages name
// each one, so one command body serves the three.

#include "rollout/rollout.hpp"

namespace cutover::cli {

enum class RolloutKind { rollout, flag_rollout, migration };

struct KindNames {
  const char* api_kind;  // the request's kind: Rollout, FlagRollout, Migration
  const char* noun;      // how messages name one: "rollout", "flagrollout", "migration"
  const char* plural;    // how help and hints name several: "Rollouts", "FlagRollouts", ...
  const char* command;   // the command group that acts on it: "deploy", "deploy migrations"
};

inline const KindNames& kind_names(RolloutKind kind) {
  static constexpr KindNames kRollout{rollout::kRolloutKind, "rollout", "Rollouts", "deploy"};
  static constexpr KindNames kFlagRollout{rollout::kFlagRolloutKind, "flagrollout", "FlagRollouts",
                                          "deploy flag-rollouts"};
  static constexpr KindNames kMigration{rollout::kMigrationKind, "migration", "Migrations",
                                        "deploy migrations"};
  switch (kind) {
    case RolloutKind::flag_rollout:
      return kFlagRollout;
    case RolloutKind::migration:
      return kMigration;
    case RolloutKind::rollout:
      break;
  }
  return kRollout;
}

/// The kind of a parsed object (by Rollout::kind).
inline RolloutKind kind_of(const rollout::Rollout& r) {
  if (r.is_migration())
    return RolloutKind::migration;
  return r.is_flag_rollout() ? RolloutKind::flag_rollout : RolloutKind::rollout;
}

/// How messages name the kind: "rollout", "flagrollout" or "migration".
inline const char* kind_noun(RolloutKind kind) {
  return kind_names(kind).noun;
}

}  // namespace cutover::cli
